// Thin Lambda adapter: build dependencies once, run the orchestration, log and emit metrics.
// Decides at the boundary that every error fails the invocation: Lambda's async retries and
// Config's "Evaluations failed" status then surface it.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { AccountClients, ecsShareOf } from './aws/account-clients';
import { createExceptionsS3Client, ExceptionsReader } from './aws/exceptions-s3';
import { readExceptionSettings, readSettings, type ExceptionSettings, type RuleSettings } from './env';
import { startDeadline } from './core/deadline';
import { causeText, RuleError } from './core/errors';
import { runRule, type ExceptionsSource, type RunDependencies, type RunSummary } from './run';

export interface HandlerDependencies {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Defaults to clients built with the SDK's default configuration, created on first use. */
  readonly clientsFor?: RunDependencies['clientsFor'];
  readonly settings?: RuleSettings;
  readonly put?: RunDependencies['put'];
  /** Defaults to the S3 reader (ETag-cached in this execution environment). */
  readonly exceptions?: ExceptionsSource;
}

const SERVICE = 'ecs-pid-mode-rule';

export function createHandler(overrides: Partial<HandlerDependencies> = {}) {
  const logger = overrides.logger ?? new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE });
  const metrics =
    overrides.metrics ??
    new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'EcsPidModeRule', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE });
  let accounts: AccountClients | undefined;
  let settings: RuleSettings | undefined = overrides.settings;
  let exceptions: ExceptionsSource | undefined = overrides.exceptions;

  /** Resolves with counts only: a response listing every evaluation would approach Lambda's 6 MB limit. */
  return async (event: unknown, context?: Context): Promise<RunSummary> => {
    const started = Date.now();
    if (context) logger.addContext(context);
    logger.appendKeys(identifiers(event));
    // Without a Lambda context (tests, tools) there is no time limit to respect.
    const deadline = typeof context?.getRemainingTimeInMillis === 'function' ? startDeadline(context.getRemainingTimeInMillis()) : undefined;
    let summary: RunSummary | undefined;
    try {
      settings ??= readSettings();
      exceptions ??= s3Exceptions(readExceptionSettings());
      let clientsFor = overrides.clientsFor;
      if (!clientsFor) {
        const shared = (accounts ??= new AccountClients(settings));
        shared.calls.reset();
        clientsFor = (target) => shared.clientsFor(target);
      }
      const outcome = await runRule(event, {
        clientsFor,
        ecsConcurrency: settings.ecsConcurrency,
        ecsRateShare: ecsShareOf(settings),
        refreshHours: settings.refreshHours,
        log: logger,
        exceptions,
        ...(deadline ? { deadline } : {}),
        ...(overrides.put ? { put: overrides.put } : {}),
      });
      summary = outcome.summary;
      const durationMs = Date.now() - started;
      logger.info(outcome.failure ? 'established evaluations reported; the invocation fails' : 'evaluation reported', {
        ...summary,
        apiCalls: accounts?.calls.toJSON(),
        durationMs,
      });
      if (outcome.failure) throw outcome.failure;
      emitMetrics(metrics, summary, undefined, accounts?.calls.counts, durationMs);
      return summary;
    } catch (error) {
      const durationMs = Date.now() - started;
      logger.error('evaluation failed', {
        // Messages quote identifiers only, capped (errors.ts): safe to log.
        error: { name: error instanceof Error ? error.name : 'Unknown', message: error instanceof Error ? error.message.slice(0, 2000) : causeText(error) },
        ruleError: error instanceof RuleError,
        apiCalls: accounts?.calls.toJSON(),
        durationMs,
      });
      emitMetrics(metrics, summary, error, accounts?.calls.counts, durationMs);
      throw error;
    } finally {
      deadline?.dispose();
      logger.removeKeys(['configRuleName', 'accountId']);
    }
  };
}

/**
 * `summary` is what was established and reported, also when the invocation then fails (a sweep cut
 * short by the time limit still counts what it found); undefined when nothing was.
 */
function emitMetrics(
  metrics: Metrics,
  summary: RunSummary | undefined,
  error: unknown,
  calls: ReadonlyMap<string, number> | undefined,
  durationMs: number,
): void {
  if (summary) metrics.addDimension('MessageType', summary.messageType);
  // Evaluations_* count what was sent; periodic runs skip unchanged verdicts, so alarms on the
  // state of the account belong on NonCompliantRevisionsInUse.
  for (const [type, count] of Object.entries(summary?.byCompliance ?? {})) metrics.addMetric(`Evaluations_${type}`, MetricUnit.Count, count);
  // The account's state, so only from a run that read all of it: a partial count would let an alarm
  // on it fall back to OK while host-mode revisions still run.
  if (summary?.nonCompliantInUse !== undefined && error === undefined) metrics.addMetric('NonCompliantRevisionsInUse', MetricUnit.Count, summary.nonCompliantInUse);
  if (summary?.unresolved !== undefined) metrics.addMetric('UnresolvedResults', MetricUnit.Count, summary.unresolved);
  if (summary?.deletedResolved !== undefined) metrics.addMetric('DeletedResultsResolved', MetricUnit.Count, summary.deletedResolved);
  if (summary?.clusters !== undefined) metrics.addMetric('SweepIncomplete', MetricUnit.Count, summary.incomplete ? 1 : 0);
  if (summary?.exceptedInUse !== undefined) metrics.addMetric('ExceptedRevisionsInUse', MetricUnit.Count, summary.exceptedInUse);
  if (summary?.exceptionsExpiringSoon !== undefined) metrics.addMetric('ExceptionsExpiringSoon', MetricUnit.Count, summary.exceptionsExpiringSoon);
  if (summary?.exceptionsExpired !== undefined) metrics.addMetric('ExceptionsExpired', MetricUnit.Count, summary.exceptionsExpired);
  metrics.addMetric('InvocationFailed', MetricUnit.Count, error === undefined ? 0 : 1);
  metrics.addMetric('Duration', MetricUnit.Milliseconds, durationMs);
  metrics.publishStoredMetrics();
  for (const [operation, count] of calls ?? []) {
    const single = metrics.singleMetric();
    single.addDimension('Operation', operation);
    single.addMetric('ApiCalls', MetricUnit.Count, count);
  }
}

/**
 * The exceptions document from S3, read with the function's own credentials (the security team's
 * bucket, whichever account is evaluated). The client is created on first use only: functions
 * without ExceptionsS3Uri never build it.
 */
function s3Exceptions(settings: ExceptionSettings): ExceptionsSource {
  let reader: ExceptionsReader | undefined;
  return {
    warnDays: settings.warnDays,
    load: async (uri, now) => {
      // The getter's own retry budget (3 attempts): RULE_MAX_ATTEMPTS is sized for ECS throttling,
      // and a document that cannot be read must fail the invocation in seconds, not minutes.
      reader ??= new ExceptionsReader(createExceptionsS3Client());
      return (await reader.load(uri, { now, maxDays: settings.maxDays })).document;
    },
  };
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
