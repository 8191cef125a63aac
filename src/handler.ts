// Thin Lambda adapter: build dependencies once, run the orchestration, log and emit metrics.
// Decides at the boundary that every error fails the invocation: Lambda's async retries and
// Config's "Evaluations failed" status then surface it.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { AccountClients } from './aws/account-clients';
import { readSettings, type RuleSettings } from './env';
import { RuleError } from './core/errors';
import { runRule, type RunDependencies, type RunSummary } from './run';

export interface HandlerDependencies {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Defaults to clients built with the SDK's default configuration, created on first use. */
  readonly clientsFor?: RunDependencies['clientsFor'];
  readonly settings?: RuleSettings;
  readonly put?: RunDependencies['put'];
}

const SERVICE = 'ecs-pid-mode-rule';

export function createHandler(overrides: Partial<HandlerDependencies> = {}) {
  const logger = overrides.logger ?? new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE });
  const metrics =
    overrides.metrics ??
    new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'EcsPidModeRule', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE });
  let accounts: AccountClients | undefined;
  let settings: RuleSettings | undefined = overrides.settings;

  return async (event: unknown, context?: Context): Promise<RunSummary> => {
    const started = Date.now();
    if (context) logger.addContext(context);
    logger.appendKeys(identifiers(event));
    try {
      settings ??= readSettings();
      let clientsFor = overrides.clientsFor;
      if (!clientsFor) {
        const shared = (accounts ??= new AccountClients(settings));
        shared.calls.reset();
        clientsFor = (target) => shared.clientsFor(target);
      }
      const summary = await runRule(event, { clientsFor, ecsConcurrency: settings.ecsConcurrency, log: logger, ...(overrides.put ? { put: overrides.put } : {}) });
      const durationMs = Date.now() - started;
      logger.info('evaluation reported', {
        messageType: summary.messageType,
        evaluations: summary.evaluations.length,
        ...summary.byCompliance,
        clusters: summary.clusters,
        runningTasks: summary.runningTasks,
        revisionsInUse: summary.revisionsInUse,
        unrecordedRevisions: summary.unrecordedRevisions,
        staleResolved: summary.staleResolved,
        unchanged: summary.unchanged,
        deferred: summary.deferred,
        apiCalls: accounts?.calls.toJSON(),
        durationMs,
      });
      emitMetrics(metrics, summary.messageType, summary.byCompliance, accounts?.calls.counts, durationMs, false);
      return summary;
    } catch (error) {
      const durationMs = Date.now() - started;
      logger.error('evaluation failed', {
        error: { name: error instanceof Error ? error.name : 'Unknown', message: error instanceof Error ? error.message : String(error) },
        ruleError: error instanceof RuleError,
        apiCalls: accounts?.calls.toJSON(),
        durationMs,
      });
      emitMetrics(metrics, undefined, undefined, accounts?.calls.counts, durationMs, true);
      throw error;
    } finally {
      logger.removeKeys(['configRuleName', 'accountId']);
    }
  };
}

function emitMetrics(
  metrics: Metrics,
  messageType: string | undefined,
  byCompliance: Record<string, number> | undefined,
  calls: ReadonlyMap<string, number> | undefined,
  durationMs: number,
  failed: boolean,
): void {
  if (messageType) metrics.addDimension('MessageType', messageType);
  for (const [type, count] of Object.entries(byCompliance ?? {})) metrics.addMetric(`Evaluations_${type}`, MetricUnit.Count, count);
  metrics.addMetric('InvocationFailed', MetricUnit.Count, failed ? 1 : 0);
  metrics.addMetric('Duration', MetricUnit.Milliseconds, durationMs);
  metrics.publishStoredMetrics();
  for (const [operation, count] of calls ?? []) {
    const single = metrics.singleMetric();
    single.addDimension('Operation', operation);
    single.addMetric('ApiCalls', MetricUnit.Count, count);
  }
}

/** Identifiers only: a raw event holds configuration values that can be secrets. */
function identifiers(event: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof event !== 'object' || event === null) return out;
  const { configRuleName, accountId } = event as Record<string, unknown>;
  if (typeof configRuleName === 'string') out.configRuleName = configRuleName.slice(0, 128);
  if (typeof accountId === 'string' && /^\d{12}$/.test(accountId)) out.accountId = accountId;
  return out;
}

export const handler = createHandler();
