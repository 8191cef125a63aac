// Config adapter: reads this rule needs from AWS Config. Resource IDs always come from Config
// itself; their format is undocumented, so they are never derived from an ARN.
import {
  ConfigServiceClient,
  GetResourceConfigHistoryCommand,
  paginateGetComplianceDetailsByConfigRule,
  paginateSelectResourceConfig,
} from '@aws-sdk/client-config-service';
import { AWS_BATCH_MAX, lookupQueries, type LookupField } from '../core/batch';
import { ConfigReadError, causeText, InvalidConfigurationItemError } from '../core/errors';
import type { ItemRef } from '../core/event';
import { COMPLIANCE, TASK_DEFINITION_TYPE } from '../core/types';

export interface FetchedItem {
  readonly status: string;
  readonly arn?: string;
  readonly configuration: unknown;
}

/**
 * The full item behind an OversizedConfigurationItemChangeNotification: the latest item at or
 * before the notified capture time. Config's read APIs return `configuration` as a JSON string.
 */
export async function fetchConfigurationItem(config: ConfigServiceClient, item: ItemRef): Promise<FetchedItem> {
  let found;
  try {
    const out = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: item.resourceType as never,
        resourceId: item.resourceId,
        laterTime: item.captureTime,
        limit: 1,
      }),
    );
    found = out.configurationItems?.[0];
  } catch (cause) {
    throw new ConfigReadError(`GetResourceConfigHistory failed for ${item.resourceType} ${item.resourceId}: ${causeText(cause)}`, { cause });
  }
  if (!found?.configurationItemStatus) {
    throw new ConfigReadError(`GetResourceConfigHistory returned no configuration item for ${item.resourceType} ${item.resourceId}`);
  }
  return {
    status: found.configurationItemStatus,
    ...(found.arn ? { arn: found.arn } : {}),
    configuration: parseConfiguration(found.configuration, item.resourceId),
  };
}

export interface RecordedRevision {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly arn: string;
  /** configuration.PidMode as recorded; undefined when the item has none (unset). */
  readonly pidMode: unknown;
}

/**
 * Looks up recorded revisions with advanced queries, by exact ARN or by Config resource ID.
 * What Config does not hold in its inventory (not recorded, deleted) is simply absent.
 */
export async function lookupRecordedRevisions(
  config: ConfigServiceClient,
  field: LookupField,
  values: readonly string[],
): Promise<RecordedRevision[]> {
  const found: RecordedRevision[] = [];
  try {
    for (const expression of lookupQueries(field, values)) {
      for await (const page of paginateSelectResourceConfig({ client: config, pageSize: AWS_BATCH_MAX }, { Expression: expression })) {
        for (const result of page.Results ?? []) {
          const row = JSON.parse(result) as { resourceId?: unknown; resourceType?: unknown; arn?: unknown; configuration?: { PidMode?: unknown } };
          if (typeof row.arn !== 'string' || typeof row.resourceId !== 'string' || row.resourceId === '') continue;
          found.push({
            resourceId: row.resourceId,
            resourceType: typeof row.resourceType === 'string' ? row.resourceType : TASK_DEFINITION_TYPE,
            arn: row.arn,
            pidMode: row.configuration?.PidMode,
          });
        }
      }
    }
  } catch (cause) {
    throw new ConfigReadError(`SelectResourceConfig failed: ${causeText(cause)}`, { cause });
  }
  return found;
}

export interface ReportedResult {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly complianceType: string;
  readonly annotation?: string;
}

/** What this rule reported as COMPLIANT or NON_COMPLIANT before: the candidates for stale results. */
export async function listReportedResults(config: ConfigServiceClient, configRuleName: string): Promise<ReportedResult[]> {
  const results: ReportedResult[] = [];
  try {
    const pages = paginateGetComplianceDetailsByConfigRule(
      { client: config, pageSize: AWS_BATCH_MAX },
      { ConfigRuleName: configRuleName, ComplianceTypes: [COMPLIANCE.COMPLIANT, COMPLIANCE.NON_COMPLIANT] },
    );
    for await (const page of pages) {
      for (const result of page.EvaluationResults ?? []) {
        const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
        if (qualifier?.ResourceId && qualifier.ResourceType && result.ComplianceType) {
          results.push({
            resourceType: qualifier.ResourceType,
            resourceId: qualifier.ResourceId,
            complianceType: result.ComplianceType,
            ...(result.Annotation ? { annotation: result.Annotation } : {}),
          });
        }
      }
    }
  } catch (cause) {
    throw new ConfigReadError(`GetComplianceDetailsByConfigRule failed for rule ${configRuleName}: ${causeText(cause)}`, { cause });
  }
  return results;
}

function parseConfiguration(configuration: string | undefined, resourceId: string): unknown {
  if (configuration === undefined || configuration === '') return undefined;
  try {
    return JSON.parse(configuration);
  } catch {
    // Not chained: the SyntaxError would quote configuration values.
    throw new InvalidConfigurationItemError(`Configuration of ${resourceId} returned by GetResourceConfigHistory is not JSON`);
  }
}
