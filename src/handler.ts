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
        nonCompliantInUse: summary.nonCompliantInUse,
        staleResolved: summary.staleResolved,
        unresolved: summary.unresolved,
        unchanged: summary.unchanged,
        deferred: summary.deferred,
        apiCalls: accounts?.calls.toJSON(),
        durationMs,
      });
      emitMetrics(metrics, summary, accounts?.calls.counts, durationMs);
      return summary;
    } catch (error) {
      const durationMs = Date.now() - started;
      logger.error('evaluation failed', {
        error: { name: error instanceof Error ? error.name : 'Unknown', message: error instanceof Error ? error.message : String(error) },
        ruleError: error instanceof RuleError,
        apiCalls: accounts?.calls.toJSON(),
        durationMs,
      });
      emitMetrics(metrics, undefined, accounts?.calls.counts, durationMs);
      throw error;
    } finally {
      logger.removeKeys(['configRuleName', 'accountId']);
    }
  };
}

/** `summary` is undefined for a failed invocation. */
function emitMetrics(metrics: Metrics, summary: RunSummary | undefined, calls: ReadonlyMap<string, number> | undefined, durationMs: number): void {
  if (summary) metrics.addDimension('MessageType', summary.messageType);
  // Evaluations_* count what was sent; periodic runs skip unchanged verdicts, so alarms on the
  // state of the account belong on NonCompliantRevisionsInUse.
  for (const [type, count] of Object.entries(summary?.byCompliance ?? {})) metrics.addMetric(`Evaluations_${type}`, MetricUnit.Count, count);
  if (summary?.nonCompliantInUse !== undefined) metrics.addMetric('NonCompliantRevisionsInUse', MetricUnit.Count, summary.nonCompliantInUse);
  metrics.addMetric('InvocationFailed', MetricUnit.Count, summary ? 0 : 1);
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
