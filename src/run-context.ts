// What the change path and the periodic sweep share: their dependencies, how they report, and the
// summary they return (counts only: the handler's response and logs stay small whatever the account).
import type { AwsClients } from './aws/clients';
import { putEvaluations, type PutOptions } from './aws/put-evaluations';
import type { Deadline } from './core/deadline';
import { exceptionMetrics, exceptVerdict, type AppliedException, type ExceptionScope, type ExceptionsDocument } from './core/exceptions';
import type { DiscoveryResult } from './aws/ecs-usage';
import { DiscoveryError, SweepIncompleteError, type RuleError } from './core/errors';
import type { MessageType, ParsedEvent } from './core/event';
import type { AccountTarget, ComplianceType, Evaluation, PidMode, RevisionDetail, Verdict } from './core/types';

export interface RunLog {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
}

/**
 * Where established evaluations go: PutEvaluations for the Lambda, a collector for a dry run or a
 * scan. `details` says which revision each evaluation stands for and how it is used, when the path
 * knows (the sweep does); PutEvaluations ignores it, so what Config receives does not change.
 */
export type Reporter = (
  clients: AwsClients,
  event: ParsedEvent,
  evaluations: readonly Evaluation[],
  details?: ReadonlyMap<Evaluation, RevisionDetail>,
) => Promise<void>;

export interface RunDependencies {
  clientsFor(target: AccountTarget): Promise<AwsClients>;
  readonly ecsConcurrency: number;
  /** Share of ECS's documented rates this execution environment paces itself to (for the start-up time estimate). */
  readonly ecsRateShare?: number;
  /** Re-send an unchanged verdict once the last one reported is this old (hours; 0 = every run). */
  readonly refreshHours?: number;
  readonly log: RunLog;
  /** The function's time limit; none means no limit (tests, tools). */
  readonly deadline?: Deadline;
  readonly put?: Pick<PutOptions, 'maxAttempts' | 'baseDelayMs' | 'clock'>;
  /** Defaults to PutEvaluations. */
  readonly report?: Reporter;
  /** Epoch ms; defaults to Date.now (refuses event times too far ahead, ages earlier results). */
  readonly now?: () => number;
  /** Reads the exceptions document named by the rule parameter ExceptionsS3Uri (fails closed). */
  readonly exceptions?: ExceptionsSource;
}

export interface ExceptionsSource {
  load(uri: string, now: Date): Promise<ExceptionsDocument>;
  /** Days before expiry an exception is reported as expiring. */
  readonly warnDays: number;
}

/** What one run needs beyond the event: the exceptions in force (none when ExceptionsS3Uri is not set). */
export interface RunScope {
  readonly exceptions?: ExceptionScope;
  /**
   * Whether the sweep reads what the rule reported before (GetComplianceDetailsByConfigRule), to
   * clean up stale results and skip unchanged ones. 'config' (the default) for the Lambda. 'none'
   * for a scan, which has no Config rule: every in-use verdict is returned, none is called stale.
   */
  readonly previous?: 'config' | 'none';
}

/**
 * The decision table's verdict for an in-use revision, after the exceptions in force. Collects what
 * each exception did, for the summary and the metrics.
 */
export class Excepter {
  readonly applied: AppliedException[] = [];
  constructor(private readonly scope: ExceptionScope | undefined) {}

  apply(verdict: Verdict, revision: { taskDefinitionArn: string; pidMode: PidMode; inUse: boolean }): Verdict {
    const applied = exceptVerdict(verdict, revision, this.scope);
    if (applied.outcome !== 'none') this.applied.push(applied);
    return applied.verdict;
  }

  /** Summary fields; none when no exceptions document is in force. */
  counts(): Partial<RunSummary> {
    if (!this.scope) return {};
    const m = exceptionMetrics(this.applied);
    return { exceptedInUse: m.ExceptedRevisionsInUse, exceptionsExpiringSoon: m.ExceptionsExpiringSoon, exceptionsExpired: m.ExceptionsExpired };
  }
}

export interface RunSummary {
  readonly messageType: MessageType;
  readonly configRuleName: string;
  readonly accountId: string;
  /** Evaluations sent, and by compliance type. */
  readonly sent: number;
  readonly byCompliance: Record<ComplianceType, number>;
  readonly clusters?: number;
  /** Clusters read to the end (less than `clusters` when failures or the time limit cut it short). */
  readonly clustersRead?: number;
  readonly runningTasks?: number;
  readonly revisionsInUse?: number;
  readonly unrecordedRevisions?: number;
  /** Recorded revisions whose Config item has no configuration: described through ECS instead. */
  readonly missingConfiguration?: number;
  /** Earlier results set NOT_APPLICABLE because their revision no longer runs. */
  readonly staleResolved?: number;
  /** ... of which Config no longer holds the resource (a ResourceDeleted event that was lost). */
  readonly deletedResolved?: number;
  /** In-use revisions found NON_COMPLIANT this run, sent or not (periodic runs). */
  readonly nonCompliantInUse?: number;
  /** Earlier results whose revision cannot be identified at all: left as they are. */
  readonly unresolved?: number;
  /** In-use verdicts identical to what this rule last reported recently, so not sent again. */
  readonly unchanged?: number;
  /** Unchanged verdicts sent again because the last report was older than the refresh interval. */
  readonly refreshed?: number;
  /** Change events left to the periodic sweep. */
  readonly deferred?: number;
  /** The time limit stopped discovery before every cluster was read. */
  readonly incomplete?: boolean;
  /** In-use host-mode revisions reported NOT_APPLICABLE by a valid exception (expiring ones included). */
  readonly exceptedInUse?: number;
  /** Distinct exceptions within the warning window that apply to an in-use host-mode revision. */
  readonly exceptionsExpiringSoon?: number;
  /** Distinct expired exceptions that apply to an in-use host-mode revision (reported NON_COMPLIANT). */
  readonly exceptionsExpired?: number;
}

/**
 * What a run established and reported, and what failed afterwards (if anything). A failure after
 * reporting is data, not an exception: the handler still logs and emits the metrics of what was
 * done, then fails the invocation with it.
 */
export interface RunOutcome {
  readonly summary: RunSummary;
  readonly failure?: RuleError;
}

export async function report(
  clients: AwsClients,
  event: ParsedEvent,
  evaluations: readonly Evaluation[],
  deps: RunDependencies,
  details?: ReadonlyMap<Evaluation, RevisionDetail>,
): Promise<void> {
  if (evaluations.length === 0) return;
  if (deps.report) return deps.report(clients, event, evaluations, details);
  await putEvaluations(clients.config, evaluations, {
    resultToken: event.rule.resultToken,
    testMode: event.rule.testMode,
    ...deps.put,
    ...(deps.deadline ? { signal: deps.deadline.final } : {}),
  });
}

export function summarize(event: ParsedEvent, evaluations: readonly Evaluation[], extra: Partial<RunSummary>): RunSummary {
  const byCompliance: Record<ComplianceType, number> = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 };
  for (const e of evaluations) byCompliance[e.complianceType] += 1;
  return {
    ...extra,
    messageType: event.messageType,
    configRuleName: event.rule.configRuleName,
    accountId: event.rule.accountId,
    sent: evaluations.length,
    byCompliance,
  };
}

/**
 * What stopped discovery short, once `reported` established evaluations were sent: the time limit
 * (it also explains clusters left unread), else clusters that could not be read.
 */
export function discoveryFailure(discovery: DiscoveryResult, reported: number): RuleError | undefined {
  if (discovery.interrupted) return new SweepIncompleteError({ clustersRead: discovery.clustersRead, clustersTotal: discovery.clusterCount, reported });
  if (discovery.failures.length > 0) return new DiscoveryError(discovery.failures, reported);
  return undefined;
}

/** One key per Config resource. */
export function resourceKey(resourceType: string, resourceId: string): string {
  return `${resourceType}\u0000${resourceId}`;
}
