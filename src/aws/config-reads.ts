// Config adapter: reads this rule needs from AWS Config. Resource IDs always come from Config
// itself; their format is undocumented, so they are never derived from an ARN.
import {
  ConfigServiceClient,
  GetResourceConfigHistoryCommand,
  paginateGetComplianceDetailsByConfigRule,
  paginateGetComplianceDetailsByResource,
  paginateSelectResourceConfig,
  type EvaluationResult,
} from '@aws-sdk/client-config-service';
import { AWS_BATCH_MAX, lookupQueries, type LookupField } from '../core/batch';
import { mapAll } from '../core/concurrency';
import { ConfigReadError, causeText, InvalidConfigurationItemError, quote } from '../core/errors';
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
    throw new ConfigReadError(`GetResourceConfigHistory failed for ${item.resourceType} ${quote(item.resourceId)}: ${causeText(cause)}`, { cause });
  }
  if (!found?.configurationItemStatus) {
    throw new ConfigReadError(`GetResourceConfigHistory returned no configuration item for ${item.resourceType} ${quote(item.resourceId)}`);
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
  /**
   * What Config recorded: `pidMode` is configuration.PidMode (undefined when unset). `missing` when
   * the item has no configuration at all (no TaskDefinitionArn in it), which is not "pidMode unset".
   */
  readonly configuration: { readonly kind: 'recorded'; readonly pidMode: unknown; readonly taskDefinitionArn: string } | { readonly kind: 'missing' };
}

/**
 * Looks up recorded revisions with advanced queries, by exact ARN or by Config resource ID.
 * What Config does not hold in its inventory (not recorded, deleted) is simply absent.
 */
export async function lookupRecordedRevisions(
  config: ConfigServiceClient,
  field: LookupField,
  values: readonly string[],
  signal?: AbortSignal,
): Promise<RecordedRevision[]> {
  const found: RecordedRevision[] = [];
  try {
    for (const expression of lookupQueries(field, values)) {
      for await (const page of paginateSelectResourceConfig({ client: config, pageSize: AWS_BATCH_MAX }, { Expression: expression }, { abortSignal: signal })) {
        for (const result of page.Results ?? []) {
          const row = parseRow(result) as {
            resourceId?: unknown;
            resourceType?: unknown;
            arn?: unknown;
            configuration?: { PidMode?: unknown; TaskDefinitionArn?: unknown };
          };
          if (typeof row.arn !== 'string' || typeof row.resourceId !== 'string' || row.resourceId === '') continue;
          const recordedArn = row.configuration?.TaskDefinitionArn;
          found.push({
            resourceId: row.resourceId,
            resourceType: typeof row.resourceType === 'string' ? row.resourceType : TASK_DEFINITION_TYPE,
            arn: row.arn,
            configuration:
              typeof recordedArn === 'string' && recordedArn !== ''
                ? { kind: 'recorded', pidMode: row.configuration?.PidMode, taskDefinitionArn: recordedArn }
                : { kind: 'missing' },
          });
        }
      }
    }
  } catch (cause) {
    throw new ConfigReadError(`SelectResourceConfig (look-up by ${field}) failed: ${causeText(cause)}`, { cause });
  }
  return found;
}

export interface HistoricalRevision {
  readonly resourceType: string;
  readonly resourceId: string;
  /** The revision's ARN from its configuration history; undefined when no item names one. */
  readonly arn?: string;
  /** The latest item says the resource was deleted (not merely missing from the advanced-query index). */
  readonly deleted: boolean;
}

/** Items read per resource: the ResourceDeleted item may carry no ARN, the one before it does. */
const HISTORY_ITEMS = 3;

/**
 * Config's history of resources its inventory no longer holds (deleted ones): what revision each
 * was. Advanced queries do not return deleted resources; GetResourceConfigHistory does.
 * A resource Config has no history of at all comes back without an ARN.
 */
export async function lookupRevisionHistory(
  config: ConfigServiceClient,
  resources: ReadonlyArray<{ resourceType: string; resourceId: string }>,
  concurrency: number,
  signal?: AbortSignal,
): Promise<HistoricalRevision[]> {
  return mapAll(resources, concurrency, async ({ resourceType, resourceId }): Promise<HistoricalRevision> => {
    try {
      const out = await config.send(
        new GetResourceConfigHistoryCommand({ resourceType: resourceType as never, resourceId, limit: HISTORY_ITEMS }),
        { abortSignal: signal },
      );
      const items = out.configurationItems ?? [];
      const arn = items.find((item) => typeof item.arn === 'string' && item.arn !== '')?.arn;
      const deleted = String(items[0]?.configurationItemStatus ?? '').startsWith('ResourceDeleted');
      return { resourceType, resourceId, ...(arn ? { arn } : {}), deleted };
    } catch (cause) {
      if (cause instanceof Error && cause.name === 'ResourceNotDiscoveredException') return { resourceType, resourceId, deleted: false };
      throw new ConfigReadError(`GetResourceConfigHistory failed for ${resourceType} ${quote(resourceId)}: ${causeText(cause)}`, { cause });
    }
  });
}

export interface ReportedResult {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly complianceType: string;
  readonly annotation?: string;
  /** When Config stored it (ResultRecordedTime), for refreshing verdicts that did not change. */
  readonly recordedAt?: Date;
}

/** What this rule reported as COMPLIANT or NON_COMPLIANT before: the candidates for stale results. */
export async function listReportedResults(config: ConfigServiceClient, configRuleName: string, signal?: AbortSignal): Promise<ReportedResult[]> {
  const results: ReportedResult[] = [];
  try {
    const pages = paginateGetComplianceDetailsByConfigRule(
      { client: config, pageSize: AWS_BATCH_MAX },
      { ConfigRuleName: configRuleName, ComplianceTypes: [COMPLIANCE.COMPLIANT, COMPLIANCE.NON_COMPLIANT] },
      { abortSignal: signal },
    );
    for await (const page of pages) {
      for (const result of page.EvaluationResults ?? []) {
        const reported = reportedResult(result);
        if (reported) results.push(reported);
      }
    }
  } catch (cause) {
    throw new ConfigReadError(`GetComplianceDetailsByConfigRule failed for rule ${quote(configRuleName)}: ${causeText(cause)}`, { cause });
  }
  return results;
}

/**
 * This rule's NOT_APPLICABLE results for a few resources, one call each: the listing above leaves
 * NOT_APPLICABLE out (it would be every revision that ever stopped running), yet an in-use revision
 * excepted by the exceptions document is reported NOT_APPLICABLE, and without its last result the
 * sweep would re-send it (and bill it) every run.
 */
export async function lookupNotApplicableResults(
  config: ConfigServiceClient,
  configRuleName: string,
  resources: ReadonlyArray<{ resourceType: string; resourceId: string }>,
  concurrency: number,
  signal?: AbortSignal,
): Promise<ReportedResult[]> {
  const perResource = await mapAll(resources, concurrency, async ({ resourceType, resourceId }) => {
    const found: ReportedResult[] = [];
    try {
      const pages = paginateGetComplianceDetailsByResource(
        { client: config },
        { ResourceType: resourceType, ResourceId: resourceId, ComplianceTypes: [COMPLIANCE.NOT_APPLICABLE] },
        { abortSignal: signal },
      );
      for await (const page of pages) {
        for (const result of page.EvaluationResults ?? []) {
          // Every rule's result for the resource comes back: keep this rule's.
          if (result.EvaluationResultIdentifier?.EvaluationResultQualifier?.ConfigRuleName !== configRuleName) continue;
          const reported = reportedResult(result);
          if (reported) found.push(reported);
        }
      }
    } catch (cause) {
      throw new ConfigReadError(`GetComplianceDetailsByResource failed for ${resourceType} ${quote(resourceId)}: ${causeText(cause)}`, { cause });
    }
    return found;
  });
  return perResource.flat();
}

function reportedResult(result: EvaluationResult): ReportedResult | undefined {
  const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
  if (!qualifier?.ResourceId || !qualifier.ResourceType || !result.ComplianceType) return undefined;
  return {
    resourceType: qualifier.ResourceType,
    resourceId: qualifier.ResourceId,
    complianceType: result.ComplianceType,
    ...(result.Annotation ? { annotation: result.Annotation } : {}),
    ...(result.ResultRecordedTime ? { recordedAt: result.ResultRecordedTime } : {}),
  };
}

/** An advanced-query row; not chained on failure: the SyntaxError would quote part of the row. */
function parseRow(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigReadError('SelectResourceConfig returned a row that is not JSON');
  }
}

function parseConfiguration(configuration: string | undefined, resourceId: string): unknown {
  if (configuration === undefined || configuration === '') return undefined;
  try {
    return JSON.parse(configuration);
  } catch {
    // Not chained: the SyntaxError would quote configuration values.
    throw new InvalidConfigurationItemError(`Configuration of ${quote(resourceId)} returned by GetResourceConfigHistory is not JSON`);
  }
}
