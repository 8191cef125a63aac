// The periodic sweep, in five named phases:
//   discover  which revisions run (every cluster's tasks with desiredStatus RUNNING)
//   identify  the Config resource each running revision, and each earlier result, stands for
//   decide    a verdict per running revision (the decision table), minus what need not be re-sent
//   clean up  earlier results whose revision is established as no longer running -> NOT_APPLICABLE
//   report    send what was established; then say what failed, if anything
// "Not running" is only ever concluded from a complete read of the account.
import type { AwsClients } from './aws/clients';
import {
  listReportedResults,
  lookupRecordedRevisions,
  lookupNotApplicableResults,
  lookupRevisionHistory,
  type RecordedRevision,
  type ReportedResult,
} from './aws/config-reads';
import { describeRevision, discoverUsage, type DiscoveryResult } from './aws/ecs-usage';
import { fitAnnotation, NOT_APPLICABLE_REASON } from './core/annotation';
import { mapSettled } from './core/concurrency';
import { decide } from './core/decide';
import { causeText, quote, RuleError, shortCause, UndeterminedRevisionsError } from './core/errors';
import type { ParsedEvent } from './core/event';
import { resendDecision, RESEND } from './core/resend';
import { isTaskDefinitionArn, revisionFacts } from './core/revision';
import { minimumSweepSeconds } from './core/token-bucket';
import { COMPLIANCE, TASK_DEFINITION_TYPE, type Evaluation, type PidMode, type RevisionDetail } from './core/types';
import { discoveryFailure, Excepter, report, resourceKey, summarize, type RunDependencies, type RunOutcome, type RunScope } from './run-context';

/** Config reads of deleted resources' history at once (Config's APIs have their own rate limits). */
const HISTORY_CONCURRENCY = 5;
/** Identifiers listed in one log line at most. */
const LOG_SAMPLE = 20;

export async function runSweep(event: ParsedEvent, at: Date, clients: AwsClients, deps: RunDependencies, scope: RunScope = {}): Promise<RunOutcome> {
  const discovery = await discover(clients, deps);
  const complete = discovery.failures.length === 0 && !discovery.interrupted;
  const identified = await identify(event, clients, discovery, deps, scope.previous ?? 'config');
  const excepter = new Excepter(scope.exceptions);
  const decided = await recallExcepted(event, at, clients, decideInUse(event, at, discovery, identified, deps, excepter), deps, scope.previous ?? 'config');
  const cleaned = complete ? cleanUp(at, discovery, identified) : { evaluations: [], details: new Map(), staleResolved: 0, deletedResolved: 0, unresolved: 0 };
  const evaluations = [...decided.evaluations, ...cleaned.evaluations];
  await report(clients, event, evaluations, deps, new Map([...decided.details, ...cleaned.details]));

  const summary = summarize(event, evaluations, {
    clusters: discovery.clusterCount,
    clustersRead: discovery.clustersRead,
    runningTasks: discovery.taskCount,
    revisionsInUse: discovery.usage.size,
    nonCompliantInUse: decided.nonCompliantInUse,
    unrecordedRevisions: identified.unrecorded,
    missingConfiguration: identified.missingConfiguration,
    staleResolved: cleaned.staleResolved,
    deletedResolved: cleaned.deletedResolved,
    unresolved: cleaned.unresolved,
    unchanged: decided.unchanged,
    refreshed: decided.refreshed,
    ...excepter.counts(),
    ...(discovery.interrupted ? { incomplete: true } : {}),
  });
  return { summary, ...failureOf(discovery, decided.undetermined, identified.failure, evaluations.length) };
}

// ------------------------------------------------------------------------------------ discover

async function discover(clients: AwsClients, deps: RunDependencies): Promise<DiscoveryResult> {
  const { deadline } = deps;
  return discoverUsage(clients.ecs, {
    concurrency: deps.ecsConcurrency,
    ...(deadline ? { signal: deadline.discovery } : {}),
    onClusters: (clusters) => {
      if (!deadline) return;
      // Said at start-up, while there is still time to read it: which setting stands in the way.
      const neededSeconds = minimumSweepSeconds(clusters, deps.ecsRateShare ?? 1);
      const availableSeconds = deadline.discoveryRemainingMs() / 1000;
      if (neededSeconds > availableSeconds) {
        deps.log.warn('the sweep cannot read every cluster within the time limit at these settings; raise the function Timeout or RULE_ECS_RATE_SHARE', {
          clusters,
          minimumSeconds: Math.ceil(neededSeconds),
          availableSeconds: Math.floor(availableSeconds),
          ecsRateShare: deps.ecsRateShare ?? 1,
        });
      }
    },
  });
}

// ------------------------------------------------------------------------------------ identify

type Source = 'config' | 'deleted' | 'unrecorded';

interface Identity {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly source: Source;
  /** From Config's record; ECS is asked when Config has no usable configuration. */
  readonly pidMode: PidMode | Error;
}

interface Identified {
  /** Every running revision (by ARN) and the resource it is reported under. */
  readonly inUse: Map<string, Identity>;
  /** What this rule reported before, by resource key. */
  readonly previous: Map<string, ReportedResult>;
  /** Earlier results not matched to a running revision, with the revision ARN each names (if known). */
  readonly earlier: ReadonlyArray<{ readonly result: ReportedResult; readonly arn?: string; readonly deleted: boolean }>;
  readonly unrecorded: number;
  readonly missingConfiguration: number;
  /** A Config history read failed: some earlier results stay unidentified this run. */
  readonly failure?: RuleError;
}

async function identify(
  event: ParsedEvent,
  clients: AwsClients,
  discovery: DiscoveryResult,
  deps: RunDependencies,
  previousFrom: 'config' | 'none',
): Promise<Identified> {
  const arns = [...discovery.usage.keys()].sort();
  // Config reads are bounded by the function's final deadline, not discovery's: they run in the reserve.
  const final = deps.deadline?.final;

  // Config's record of each running revision, found by ARN.
  const recorded = new Map<string, RecordedRevision>();
  for (const row of await lookupRecordedRevisions(clients.config, 'arn', arns, final)) recorded.set(row.arn, row);

  // What this rule reported before: candidates for stale results, and verdicts that need not be re-sent.
  // A scan has no rule, hence nothing before: the look-ups below then have nothing to look up.
  const previous = new Map<string, ReportedResult>();
  const reported = previousFrom === 'config' ? await listReportedResults(clients.config, event.rule.configRuleName, final) : [];
  for (const result of reported) previous.set(resourceKey(result.resourceType, result.resourceId), result);

  const matched = new Set([...recorded.values()].map((r) => resourceKey(r.resourceType, r.resourceId)));
  const unexplained = [...previous.values()].filter((p) => !matched.has(resourceKey(p.resourceType, p.resourceId)));
  const named = await nameEarlier(clients, unexplained, discovery, final);
  // A running revision the ARN look-up missed (index lag, an ARN spelled differently) keeps its Config ID.
  for (const row of named.missedByArn) if (!recorded.has(row.arn)) recorded.set(row.arn, row);
  const { earlierArn, deletedKeys, deletedRunning, failure } = named;

  // pidMode: from Config's record when it has one; from ECS otherwise (unrecorded, deleted, or an
  // item recorded without configuration, which is not "pidMode unset").
  const ecsPidMode = await pidModesFromEcs(clients, arns.filter((arn) => recorded.get(arn)?.configuration.kind !== 'recorded'), deps);

  const inUse = new Map<string, Identity>();
  const unrecordedArns: string[] = [];
  const missingIds: string[] = [];
  for (const arn of arns) {
    const row = recorded.get(arn);
    const gone = deletedRunning.get(arn);
    const pidMode = (): PidMode | Error => ecsPidMode.get(arn) ?? new UndeterminedRevisionsError(`pidMode of ${quote(arn)} was not read`);
    if (row) {
      if (row.configuration.kind === 'missing') missingIds.push(row.resourceId);
      inUse.set(arn, { resourceType: row.resourceType, resourceId: row.resourceId, source: 'config', pidMode: row.configuration.kind === 'recorded' ? recordedPidMode(row, row.configuration) : pidMode() });
    } else if (gone) {
      inUse.set(arn, { ...gone, source: 'deleted', pidMode: pidMode() });
    } else {
      // A revision Config does not know has no Config resource ID: its ARN is the only unambiguous name.
      unrecordedArns.push(arn);
      inUse.set(arn, { resourceType: TASK_DEFINITION_TYPE, resourceId: arn, source: 'unrecorded', pidMode: pidMode() });
    }
  }
  if (unrecordedArns.length > 0) {
    deps.log.warn('running revisions not recorded by AWS Config; evaluated from ECS and reported under their ARN', {
      count: unrecordedArns.length,
      taskDefinitionArns: unrecordedArns.slice(0, LOG_SAMPLE),
    });
  }
  if (missingIds.length > 0) {
    deps.log.warn('running revisions recorded by AWS Config without a configuration; pidMode read from ECS', {
      count: missingIds.length,
      resourceIds: missingIds.slice(0, LOG_SAMPLE).map((id) => id.slice(0, 128)),
    });
  }

  const earlier = unexplained.map((result) => {
    const k = resourceKey(result.resourceType, result.resourceId);
    const arn = earlierArn.get(k);
    return { result, ...(arn ? { arn } : {}), deleted: deletedKeys.has(k) };
  });
  return { inUse, previous, earlier, unrecorded: unrecordedArns.length, missingConfiguration: missingIds.length, ...(failure ? { failure } : {}) };
}

interface NamedEarlier {
  /** Resource key of an earlier result -> the revision ARN it names. */
  readonly earlierArn: Map<string, string>;
  /** Earlier results whose resource Config's history says was deleted. */
  readonly deletedKeys: Set<string>;
  /** Running revisions Config deleted: reported under the resource ID Config gave them. */
  readonly deletedRunning: Map<string, { resourceType: string; resourceId: string }>;
  /** Recorded running revisions found by resource ID that the look-up by ARN missed. */
  readonly missedByArn: RecordedRevision[];
  readonly failure?: RuleError;
}

/**
 * Which revision each earlier result names, before anything is concluded about it. Rows this rule
 * keyed by ARN (unrecorded revisions) name themselves; the others are looked up by the resource ID
 * Config gave them, then, for what Config's inventory no longer holds (deleted), in its history.
 * The history is read also when discovery was cut short: a deleted revision seen running keeps its
 * resource ID rather than getting a second row under its ARN (only cleanUp needs a complete sweep).
 */
async function nameEarlier(clients: AwsClients, unexplained: readonly ReportedResult[], discovery: DiscoveryResult, signal: AbortSignal | undefined): Promise<NamedEarlier> {
  const running = (arn: string): boolean => discovery.usage.has(arn);
  const earlierArn = new Map<string, string>();
  for (const p of unexplained) if (isTaskDefinitionArn(p.resourceId)) earlierArn.set(resourceKey(p.resourceType, p.resourceId), p.resourceId);
  const byId = unexplained.filter((p) => !isTaskDefinitionArn(p.resourceId)).map((p) => p.resourceId);
  const missedByArn: RecordedRevision[] = [];
  for (const row of await lookupRecordedRevisions(clients.config, 'resourceId', byId, signal)) {
    earlierArn.set(resourceKey(row.resourceType, row.resourceId), row.arn);
    if (running(row.arn)) missedByArn.push(row);
  }

  const deletedKeys = new Set<string>();
  const deletedRunning = new Map<string, { resourceType: string; resourceId: string }>();
  const inHistory = unexplained.filter((p) => !earlierArn.has(resourceKey(p.resourceType, p.resourceId)));
  try {
    for (const h of await lookupRevisionHistory(clients.config, inHistory, HISTORY_CONCURRENCY, signal)) {
      if (!h.arn) continue;
      const k = resourceKey(h.resourceType, h.resourceId);
      earlierArn.set(k, h.arn);
      // "Deleted" only when Config's history says so (a resource missing from the advanced-query
      // index may only be lagging there); the verdict does not depend on it, the annotation does.
      if (h.deleted) deletedKeys.add(k);
      if (running(h.arn)) deletedRunning.set(h.arn, { resourceType: h.resourceType, resourceId: h.resourceId });
    }
  } catch (error) {
    // What is left unnamed stays as it is (counted unresolved); the run fails once it has reported.
    return { earlierArn, deletedKeys, deletedRunning, missedByArn, failure: error instanceof RuleError ? error : new UndeterminedRevisionsError(causeText(error)) };
  }
  return { earlierArn, deletedKeys, deletedRunning, missedByArn };
}

/** DescribeTaskDefinition for each revision, settled one by one: a failure names its revision. */
async function pidModesFromEcs(clients: AwsClients, arns: readonly string[], deps: RunDependencies): Promise<Map<string, PidMode | Error>> {
  const described = await mapSettled(arns, deps.ecsConcurrency, (arn) => describeRevision(clients.ecs, arn, deps.deadline?.final));
  const pidModes = new Map<string, PidMode | Error>();
  arns.forEach((arn, i) => {
    const outcome = described[i] as PromiseSettledResult<{ pidMode: PidMode }>;
    pidModes.set(arn, outcome.status === 'fulfilled' ? outcome.value.pidMode : asError(outcome.reason));
  });
  return pidModes;
}

/** The same reading, and the same refusal of an item naming two revisions, as a change event's item. */
function recordedPidMode(row: RecordedRevision, configuration: { pidMode: unknown; taskDefinitionArn: string }): PidMode | Error {
  try {
    return revisionFacts({ TaskDefinitionArn: configuration.taskDefinitionArn, PidMode: configuration.pidMode }, row.arn, row.resourceId).pidMode;
  } catch (error) {
    return asError(error);
  }
}

// ------------------------------------------------------------------------------------ decide

interface Decided {
  readonly evaluations: Evaluation[];
  readonly details: Map<Evaluation, RevisionDetail>;
  readonly nonCompliantInUse: number;
  readonly unchanged: number;
  readonly refreshed: number;
  /** "<resourceId> (<why>)" for running revisions whose pidMode could not be established. */
  readonly undetermined: string[];
}

function decideInUse(event: ParsedEvent, at: Date, discovery: DiscoveryResult, identified: Identified, deps: RunDependencies, excepter: Excepter): Decided {
  const evaluations: Evaluation[] = [];
  const details = new Map<Evaluation, RevisionDetail>();
  const undetermined: string[] = [];
  let nonCompliantInUse = 0;
  let unchanged = 0;
  let refreshed = 0;
  for (const [arn, identity] of identified.inUse) {
    const { resourceType, resourceId, pidMode } = identity;
    if (pidMode instanceof Error) {
      undetermined.push(`${quote(resourceId)} (${shortCause(pidMode)})`);
      continue;
    }
    const ruled = decide(pidMode, discovery.usage.get(arn), {
      unreadableClusters: discovery.failures.length,
      unrecorded: identity.source === 'unrecorded',
      incomplete: discovery.interrupted,
    });
    const verdict = excepter.apply(ruled, { taskDefinitionArn: arn, pidMode, inUse: true });
    if (verdict.complianceType === COMPLIANCE.NON_COMPLIANT) nonCompliantInUse += 1;
    // Test mode stores nothing, so there is nothing to compare with: validate every verdict.
    const before = identified.previous.get(resourceKey(resourceType, resourceId));
    const resend = event.rule.testMode ? RESEND.send : resendDecision(before, verdict, at, deps.refreshHours ?? 24);
    if (resend === RESEND.unchanged) {
      unchanged += 1;
      continue;
    }
    if (resend === RESEND.refresh) refreshed += 1;
    const evaluation: Evaluation = { ...verdict, resourceType, resourceId, orderingTimestamp: at };
    evaluations.push(evaluation);
    const usage = discovery.usage.get(arn);
    details.set(evaluation, { taskDefinitionArn: arn, pidMode, ...(usage ? { usage } : {}) });
  }
  return { evaluations, details, undetermined, nonCompliantInUse, unchanged, refreshed };
}

/**
 * Decide, second part: an in-use revision is NOT_APPLICABLE only through an exception, and the
 * earlier-results listing leaves NOT_APPLICABLE out. Its last result is looked up per resource, so
 * that an unchanged exception is not re-sent (and billed) every run. A failed look-up only costs
 * the re-send: the verdicts stand as decided.
 */
async function recallExcepted(event: ParsedEvent, at: Date, clients: AwsClients, decided: Decided, deps: RunDependencies, previousFrom: 'config' | 'none'): Promise<Decided> {
  const excepted = decided.evaluations.filter((e) => e.complianceType === COMPLIANCE.NOT_APPLICABLE);
  if (excepted.length === 0 || previousFrom !== 'config' || event.rule.testMode) return decided;
  let earlier: Map<string, ReportedResult>;
  try {
    const found = await lookupNotApplicableResults(clients.config, event.rule.configRuleName, excepted, HISTORY_CONCURRENCY, deps.deadline?.final);
    earlier = new Map(found.map((r) => [resourceKey(r.resourceType, r.resourceId), r]));
  } catch (error) {
    deps.log.warn('could not read the last result of excepted revisions; sending them again', { count: excepted.length, error: causeText(error) });
    return decided;
  }
  let { unchanged, refreshed } = decided;
  const evaluations = decided.evaluations.filter((e) => {
    if (e.complianceType !== COMPLIANCE.NOT_APPLICABLE) return true;
    const resend = resendDecision(earlier.get(resourceKey(e.resourceType, e.resourceId)), e, at, deps.refreshHours ?? 24);
    if (resend === RESEND.unchanged) {
      unchanged += 1;
      decided.details.delete(e);
      return false;
    }
    if (resend === RESEND.refresh) refreshed += 1;
    return true;
  });
  return { ...decided, evaluations, unchanged, refreshed };
}

// ------------------------------------------------------------------------------------ clean up

interface Cleaned {
  readonly evaluations: Evaluation[];
  readonly details: Map<Evaluation, RevisionDetail>;
  readonly staleResolved: number;
  readonly deletedResolved: number;
  readonly unresolved: number;
}

/** Only after a complete discovery: every earlier result whose revision is identified and not running. */
function cleanUp(at: Date, discovery: DiscoveryResult, identified: Identified): Cleaned {
  const inUseKeys = new Set([...identified.inUse.values()].map((i) => resourceKey(i.resourceType, i.resourceId)));
  const evaluations: Evaluation[] = [];
  const details = new Map<Evaluation, RevisionDetail>();
  let staleResolved = 0;
  let deletedResolved = 0;
  let unresolved = 0;
  for (const { result, arn, deleted } of identified.earlier) {
    if (inUseKeys.has(resourceKey(result.resourceType, result.resourceId))) continue;
    // A result whose revision cannot be named cannot be called stale: it is left, and counted.
    if (arn === undefined) {
      unresolved += 1;
      continue;
    }
    const now = identified.inUse.get(arn);
    const annotation = !discovery.usage.has(arn)
      ? deleted
        ? NOT_APPLICABLE_REASON.deleted
        : NOT_APPLICABLE_REASON.noLongerRunning
      : now
        ? fitAnnotation(`Reported under its AWS Config resource ID ${now.resourceId} now`)
        : undefined;
    if (!annotation) continue;
    const evaluation: Evaluation = { complianceType: COMPLIANCE.NOT_APPLICABLE, annotation, resourceType: result.resourceType, resourceId: result.resourceId, orderingTimestamp: at };
    evaluations.push(evaluation);
    details.set(evaluation, { taskDefinitionArn: arn });
    staleResolved += 1;
    if (deleted) deletedResolved += 1;
  }
  return { evaluations, details, staleResolved, deletedResolved, unresolved };
}

// ------------------------------------------------------------------------------------ report

/** What failed, once what was established has been reported. */
function failureOf(discovery: DiscoveryResult, undetermined: readonly string[], identifyFailure: RuleError | undefined, reported: number): { failure?: RuleError } {
  const unread = discoveryFailure(discovery, reported);
  if (unread) return { failure: unread };
  if (undetermined.length > 0) {
    return {
      failure: new UndeterminedRevisionsError(
        `${undetermined.length} running revision(s) could not be evaluated: ${undetermined.slice(0, 5).join('; ')}. ${reported} established evaluation(s) reported.`,
      ),
    };
  }
  return identifyFailure ? { failure: identifyFailure } : {};
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
