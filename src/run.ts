// The one orchestration: parse the event, establish facts through the adapters, decide with the
// pure core, report. Shared by the Lambda handler and any other front end (tests, demo, CLI).
import type { AwsClients } from './aws/clients';
import { fetchConfigurationItem, listReportedResults, lookupRecordedRevisions, type RecordedRevision, type ReportedResult } from './aws/config-reads';
import { describeRevision, discoverUsage } from './aws/ecs-usage';
import { putEvaluations, type PutOptions } from './aws/put-evaluations';
import { executionRoleArn } from './aws/credentials';
import { fitAnnotation, NOT_APPLICABLE_REASON, resourceTypeAnnotation, statusAnnotation } from './core/annotation';
import { mapSettled } from './core/concurrency';
import { decide } from './core/decide';
import { DiscoveryError, UndeterminedRevisionsError, causeText } from './core/errors';
import { GONE_STATUSES, parseEvent, type MessageType, type ParsedEvent } from './core/event';
import { familyOf, isTaskDefinitionArn, parsePidMode, revisionFacts } from './core/revision';
import { COMPLIANCE, TASK_DEFINITION_TYPE, type ComplianceType, type Evaluation, type PidMode, type Verdict } from './core/types';

export interface AccountTarget {
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  /** Set when the rule parameter ExecutionRoleName is: calls run with this role's credentials. */
  readonly roleArn?: string;
}

export interface RunLog {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
}

export interface RunDependencies {
  clientsFor(target: AccountTarget): Promise<AwsClients>;
  readonly ecsConcurrency: number;
  readonly log: RunLog;
  readonly put?: Pick<PutOptions, 'maxAttempts' | 'baseDelayMs' | 'clock'>;
}

export interface RunSummary {
  readonly messageType: MessageType;
  readonly configRuleName: string;
  readonly accountId: string;
  readonly evaluations: readonly Evaluation[];
  readonly byCompliance: Record<ComplianceType, number>;
  readonly clusters?: number;
  readonly runningTasks?: number;
  readonly revisionsInUse?: number;
  readonly unrecordedRevisions?: number;
  readonly staleResolved?: number;
  /** In-use revisions found NON_COMPLIANT this run, sent or not (periodic runs). */
  readonly nonCompliantInUse?: number;
  /** Earlier results whose resource Config no longer holds: left as they are. */
  readonly unresolved?: number;
  /** In-use verdicts identical to what this rule last reported, so not sent again. */
  readonly unchanged?: number;
  /** Change events left to the periodic sweep (see runChange). */
  readonly deferred?: number;
}

/** Parses first: bad input rejects before any AWS call, so nothing is reported from it. */
export async function runRule(rawEvent: unknown, deps: RunDependencies): Promise<RunSummary> {
  const event = parseEvent(rawEvent);
  const { rule, parameters } = event;
  const target: AccountTarget = {
    accountId: rule.accountId,
    partition: rule.partition,
    region: rule.region,
    ...(parameters.executionRoleName
      ? { roleArn: executionRoleArn(rule.partition, rule.accountId, parameters.executionRoleName) }
      : {}),
  };
  const clients = await deps.clientsFor(target);
  const trigger = event.trigger;
  return trigger.kind === 'scheduled' ? runScheduled(event, trigger.notificationCreationTime, clients, deps) : runChange(event, trigger, clients, deps);
}

async function runChange(event: ParsedEvent, trigger: ChangeTrigger, clients: AwsClients, deps: RunDependencies): Promise<RunSummary> {
  const item = trigger.item;
  const report = async (verdict: Verdict, extra: Partial<RunSummary> = {}): Promise<RunSummary> => {
    const evaluation = { ...verdict, resourceType: item.resourceType, resourceId: item.resourceId, orderingTimestamp: item.captureTime };
    await send(clients, event, [evaluation], deps);
    return summary(event, [evaluation], extra);
  };

  if (event.rule.eventLeftScope) return report({ complianceType: COMPLIANCE.NOT_APPLICABLE, annotation: NOT_APPLICABLE_REASON.leftScope });
  if (item.resourceType !== TASK_DEFINITION_TYPE) {
    return report({ complianceType: COMPLIANCE.NOT_APPLICABLE, annotation: resourceTypeAnnotation(item.resourceType) });
  }
  if (GONE_STATUSES.has(item.status)) return report({ complianceType: COMPLIANCE.NOT_APPLICABLE, annotation: statusAnnotation(item.status) });

  const { configuration, arn, status } = await itemConfiguration(trigger, clients);
  if (GONE_STATUSES.has(status)) return report({ complianceType: COMPLIANCE.NOT_APPLICABLE, annotation: statusAnnotation(status) });
  const facts = revisionFacts(configuration, arn, item.resourceId);

  const discovery = await discoverUsage(clients.ecs, { family: familyOf(facts.taskDefinitionArn), concurrency: deps.ecsConcurrency });
  const usage = discovery.usage.get(facts.taskDefinitionArn);
  // Not seen running, but part of the account was unreadable: "not in use" is not established.
  if (!usage && discovery.failures.length > 0) throw new DiscoveryError(discovery.failures, 0);
  // That ListTasks' family filter returns tasks of INACTIVE or DELETE_IN_PROGRESS revisions is not
  // documented (moto 5.2 returns only ACTIVE ones). So "not found" establishes "not in use" only for
  // a revision that is ACTIVE now (the item's status may be older than a deregistration). Otherwise
  // no verdict is sent: the previous result stands until the periodic sweep, which lists tasks
  // without that filter, decides.
  if (!usage) {
    const current = await describeRevision(clients.ecs, facts.taskDefinitionArn);
    if (current.status !== 'ACTIVE') {
      deps.log.info('revision not found running through the family filter; left to the periodic sweep', {
        resourceId: item.resourceId,
        revisionStatus: current.status ?? 'unknown',
      });
      return summary(event, [], { clusters: discovery.clusterCount, runningTasks: 0, deferred: 1 });
    }
  }
  const result = await report(decide(facts.pidMode, usage, { unreadableClusters: discovery.failures.length }), {
    clusters: discovery.clusterCount,
    runningTasks: usage?.taskCount ?? 0,
  });
  if (discovery.failures.length > 0) throw new DiscoveryError(discovery.failures, 1);
  return result;
}

type ChangeTrigger = Extract<ParsedEvent['trigger'], { kind: 'change' | 'oversized' }>;

async function itemConfiguration(
  trigger: ChangeTrigger,
  clients: AwsClients,
): Promise<{ configuration: unknown; arn: string | undefined; status: string }> {
  if (trigger.kind === 'change') return { configuration: trigger.configuration, arn: trigger.item.arn, status: trigger.item.status };
  const fetched = await fetchConfigurationItem(clients.config, trigger.item);
  return { configuration: fetched.configuration, arn: fetched.arn ?? trigger.item.arn, status: fetched.status };
}

/**
 * Periodic sweep: every in-use revision of the account gets a verdict; every earlier COMPLIANT or
 * NON_COMPLIANT result of this rule whose revision is established as no longer running becomes
 * NOT_APPLICABLE.
 */
async function runScheduled(event: ParsedEvent, at: Date, clients: AwsClients, deps: RunDependencies): Promise<RunSummary> {
  const discovery = await discoverUsage(clients.ecs, { concurrency: deps.ecsConcurrency });
  const arns = [...discovery.usage.keys()].sort();

  // Config's record of each running revision, found by ARN.
  const recorded = new Map<string, RecordedRevision>();
  for (const row of await lookupRecordedRevisions(clients.config, 'arn', arns)) recorded.set(row.arn, row);

  // What this rule reported before: the candidates for stale results, and the verdicts that need
  // not be sent again (every evaluation sent is a billed Config rule evaluation).
  const previous = new Map<string, ReportedResult>();
  for (const result of await listReportedResults(clients.config, event.rule.configRuleName)) {
    previous.set(key(result.resourceType, result.resourceId), result);
  }

  // Earlier results the ARN look-up did not account for: learn which revision each names before
  // calling it stale. Rows this rule keyed by ARN (revisions Config had not recorded) name
  // themselves; the others are looked up by the resource ID Config gave them.
  const seenIds = new Set([...recorded.values()].map((r) => key(r.resourceType, r.resourceId)));
  const unexplained = [...previous.values()].filter((p) => !seenIds.has(key(p.resourceType, p.resourceId)));
  const byId = new Map<string, RecordedRevision>();
  const idsToResolve = unexplained.filter((p) => !isTaskDefinitionArn(p.resourceId)).map((p) => p.resourceId);
  for (const row of await lookupRecordedRevisions(clients.config, 'resourceId', idsToResolve)) {
    byId.set(key(row.resourceType, row.resourceId), row);
    // A running revision the ARN look-up missed (index lag, or an ARN spelled differently): it
    // keeps its Config resource ID.
    if (discovery.usage.has(row.arn) && !recorded.has(row.arn)) recorded.set(row.arn, row);
  }

  const unrecorded = arns.filter((arn) => !recorded.has(arn));
  const described = await mapSettled(unrecorded, deps.ecsConcurrency, (arn) => describeRevision(clients.ecs, arn));
  const describedPidMode = new Map<string, PidMode | Error>();
  unrecorded.forEach((arn, i) => {
    const outcome = described[i] as PromiseSettledResult<{ pidMode: PidMode }>;
    describedPidMode.set(arn, outcome.status === 'fulfilled' ? outcome.value.pidMode : asError(outcome.reason));
  });
  if (unrecorded.length > 0) {
    deps.log.warn('running revisions not recorded by AWS Config; evaluated from ECS and reported under their ARN', {
      count: unrecorded.length,
      taskDefinitionArns: unrecorded.slice(0, 20),
    });
  }

  const evaluations: Evaluation[] = [];
  const inUseIds = new Set<string>();
  const undetermined: string[] = [];
  let unchanged = 0;
  let nonCompliantInUse = 0;
  for (const arn of arns) {
    const record = recorded.get(arn);
    const resourceType = record?.resourceType ?? TASK_DEFINITION_TYPE;
    // A revision Config does not know has no Config resource ID: its ARN is the only unambiguous name.
    const resourceId = record?.resourceId ?? arn;
    inUseIds.add(key(resourceType, resourceId));
    let pidMode: PidMode;
    try {
      const fromEcs = describedPidMode.get(arn);
      if (fromEcs instanceof Error) throw fromEcs;
      pidMode = record ? parsePidMode(record.pidMode, resourceId) : (fromEcs as PidMode);
    } catch (error) {
      undetermined.push(`${resourceId} (${causeText(error)})`);
      continue;
    }
    const verdict = decide(pidMode, discovery.usage.get(arn), {
      unreadableClusters: discovery.failures.length,
      unrecorded: !record,
    });
    if (verdict.complianceType === COMPLIANCE.NON_COMPLIANT) nonCompliantInUse += 1;
    const before = previous.get(key(resourceType, resourceId));
    if (!event.rule.testMode && before?.complianceType === verdict.complianceType && before.annotation === verdict.annotation) {
      unchanged += 1;
      continue;
    }
    evaluations.push({ ...verdict, resourceType, resourceId, orderingTimestamp: at });
  }

  // "No longer in use" needs the whole account read and the revision identified. An earlier
  // result Config no longer holds in its inventory is left alone: a deleted revision had its
  // ResourceDeleted change event, and one we cannot name we cannot call stale.
  let staleResolved = 0;
  let unresolved = 0;
  if (discovery.failures.length === 0) {
    for (const p of unexplained) {
      const id = key(p.resourceType, p.resourceId);
      if (inUseIds.has(id)) continue;
      const arn = isTaskDefinitionArn(p.resourceId) ? p.resourceId : byId.get(id)?.arn;
      if (arn === undefined) {
        unresolved += 1;
        continue;
      }
      const supersededBy = recorded.get(arn);
      const annotation = !discovery.usage.has(arn)
        ? NOT_APPLICABLE_REASON.noLongerRunning
        : supersededBy
          ? fitAnnotation(`Reported under its AWS Config resource ID ${supersededBy.resourceId} now`)
          : undefined;
      if (!annotation) continue;
      evaluations.push({ complianceType: COMPLIANCE.NOT_APPLICABLE, annotation, resourceType: p.resourceType, resourceId: p.resourceId, orderingTimestamp: at });
      staleResolved += 1;
    }
  }

  await send(clients, event, evaluations, deps);
  if (discovery.failures.length > 0) throw new DiscoveryError(discovery.failures, evaluations.length);
  if (undetermined.length > 0) {
    throw new UndeterminedRevisionsError(
      `${undetermined.length} running revision(s) could not be evaluated: ${undetermined.slice(0, 5).join('; ')}. ` +
        `${evaluations.length} established evaluation(s) reported.`,
    );
  }
  return summary(event, evaluations, {
    clusters: discovery.clusterCount,
    runningTasks: discovery.taskCount,
    revisionsInUse: arns.length,
    nonCompliantInUse,
    unrecordedRevisions: unrecorded.length,
    staleResolved,
    unresolved,
    unchanged,
  });
}

async function send(clients: AwsClients, event: ParsedEvent, evaluations: readonly Evaluation[], deps: RunDependencies): Promise<void> {
  if (evaluations.length === 0) return;
  await putEvaluations(clients.config, evaluations, { resultToken: event.rule.resultToken, testMode: event.rule.testMode, ...deps.put });
}

function summary(event: ParsedEvent, evaluations: readonly Evaluation[], extra: Partial<RunSummary>): RunSummary {
  const byCompliance: Record<ComplianceType, number> = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 };
  for (const e of evaluations) byCompliance[e.complianceType] += 1;
  return {
    ...extra,
    messageType: event.messageType,
    configRuleName: event.rule.configRuleName,
    accountId: event.rule.accountId,
    evaluations,
    byCompliance,
  };
}

function key(resourceType: string, resourceId: string): string {
  return `${resourceType}\u0000${resourceId}`;
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

