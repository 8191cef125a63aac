// A configuration change of one task definition revision: one evaluation for the item Config sent,
// ordered by its capture time. Host-mode revisions are checked for use at once; the others cost no
// ECS call and are decided by the periodic sweep.
import type { AwsClients } from './aws/clients';
import { fetchConfigurationItem } from './aws/config-reads';
import { describeRevision, discoverUsage } from './aws/ecs-usage';
import { NOT_APPLICABLE_REASON, resourceTypeAnnotation, statusAnnotation } from './core/annotation';
import { decide } from './core/decide';
import { AwsCallError } from './core/errors';
import { GONE_STATUSES, type ParsedEvent } from './core/event';
import { familyOf, isTaskDefinitionArn, revisionFacts } from './core/revision';
import { COMPLIANCE, TASK_DEFINITION_TYPE, type RevisionFacts, type Verdict } from './core/types';
import { discoveryFailure, Excepter, report, summarize, type RunDependencies, type RunOutcome, type RunScope, type RunSummary } from './run-context';

export type ChangeTrigger = Extract<ParsedEvent['trigger'], { kind: 'change' | 'oversized' }>;

export async function runChange(event: ParsedEvent, trigger: ChangeTrigger, clients: AwsClients, deps: RunDependencies, scope: RunScope = {}): Promise<RunOutcome> {
  const item = trigger.item;
  const send = async (verdict: Verdict, extra: Partial<RunSummary> = {}): Promise<RunSummary> => {
    const evaluation = { ...verdict, resourceType: item.resourceType, resourceId: item.resourceId, orderingTimestamp: item.captureTime };
    await report(clients, event, [evaluation], deps);
    return summarize(event, [evaluation], extra);
  };

  if (event.rule.eventLeftScope) return { summary: await send({ complianceType: COMPLIANCE.NOT_APPLICABLE, annotation: NOT_APPLICABLE_REASON.leftScope }) };
  if (item.resourceType !== TASK_DEFINITION_TYPE) {
    return { summary: await send({ complianceType: COMPLIANCE.NOT_APPLICABLE, annotation: resourceTypeAnnotation(item.resourceType) }) };
  }
  const gone = async (status: string): Promise<RunOutcome> => {
    // Config no longer holds the item, but a deregistered or deleted revision keeps running until
    // its tasks stop: NOT_APPLICABLE only once ECS no longer knows the revision either. One it
    // still describes is checked like any other (and left to the sweep unless host-mode).
    const stillThere = item.arn && isTaskDefinitionArn(item.arn) ? await describeIfKnown(clients, item.arn, deps) : undefined;
    if (!stillThere) return { summary: await send({ complianceType: COMPLIANCE.NOT_APPLICABLE, annotation: statusAnnotation(status) }) };
    return checkUse(stillThere);
  };
  const checkUse = (facts: RevisionFacts): Promise<RunOutcome> => checkRevision(event, item, facts, clients, deps, scope, send);

  if (GONE_STATUSES.has(item.status)) return gone(item.status);
  const { configuration, arn, status } = await itemConfiguration(trigger, clients);
  if (GONE_STATUSES.has(status)) return gone(status);
  return checkUse(revisionFacts(configuration, arn, item.resourceId));
}

/** The revision, if ECS still describes it; undefined when ECS answers that it does not exist. */
async function describeIfKnown(clients: AwsClients, taskDefinitionArn: string, deps: RunDependencies): Promise<RevisionFacts | undefined> {
  try {
    return await describeRevision(clients.ecs, taskDefinitionArn, deps.deadline?.final);
  } catch (error) {
    const cause = error instanceof AwsCallError ? error.cause : undefined;
    // ECS's answer for a revision it does not have (DescribeTaskDefinition): ClientException
    // "Unable to describe task definition." Anything else is a failure, not an answer.
    if (cause instanceof Error && cause.name === 'ClientException' && /unable to describe task definition/i.test(cause.message)) return undefined;
    throw error;
  }
}

/** In use or not, for the revision a change event names (host-mode only; the others are left to the sweep). */
async function checkRevision(
  event: ParsedEvent,
  item: ChangeTrigger['item'],
  facts: RevisionFacts,
  clients: AwsClients,
  deps: RunDependencies,
  scope: RunScope,
  send: (verdict: Verdict, extra?: Partial<RunSummary>) => Promise<RunSummary>,
): Promise<RunOutcome> {
  // What a change event can change that matters is NON_COMPLIANT, and only a host-mode revision can
  // be that (revisions are immutable: pidMode never changes). For any other revision the in-use scan
  // (one ListTasks per cluster, from the account's shared ECS budget) would only tell COMPLIANT from
  // NOT_APPLICABLE, which the next periodic sweep establishes anyway from the usage it reads for
  // every revision at once. So no ECS call here: the revision is left to the sweep.
  if (facts.pidMode !== 'host') {
    deps.log.info('pidMode is not host; verdict left to the periodic sweep (no ECS call)', { resourceId: item.resourceId.slice(0, 128), pidMode: facts.pidMode });
    return { summary: summarize(event, [], { deferred: 1 }) };
  }

  const discovery = await discoverUsage(clients.ecs, {
    family: familyOf(facts.taskDefinitionArn),
    concurrency: deps.ecsConcurrency,
    ...(deps.deadline ? { signal: deps.deadline.discovery } : {}),
  });
  const counts = { clusters: discovery.clusterCount, clustersRead: discovery.clustersRead };
  const usage = discovery.usage.get(facts.taskDefinitionArn);
  // Not seen running, but part of the account was not read: "not in use" is not established.
  const unread = usage ? undefined : discoveryFailure(discovery, 0);
  if (unread) throw unread;
  // That ListTasks' family filter returns tasks of INACTIVE or DELETE_IN_PROGRESS revisions is not
  // documented (moto 5.2 returns only ACTIVE ones). So "not found" establishes "not in use" only for
  // a revision that is ACTIVE now (the item's status may be older than a deregistration). Otherwise
  // no verdict is sent: the previous result stands until the periodic sweep, which lists tasks
  // without that filter, decides.
  if (!usage) {
    const current = await describeRevision(clients.ecs, facts.taskDefinitionArn, deps.deadline?.final);
    if (current.status !== 'ACTIVE') {
      deps.log.info('revision not found running through the family filter; left to the periodic sweep', {
        resourceId: item.resourceId.slice(0, 128),
        revisionStatus: current.status ?? 'unknown',
      });
      return { summary: summarize(event, [], { ...counts, runningTasks: 0, deferred: 1 }) };
    }
  }
  // Seen running: in use is established even if other clusters could not be read (counts are then lower bounds).
  const notes = { unreadableClusters: discovery.failures.length, incomplete: discovery.interrupted };
  const excepter = new Excepter(scope.exceptions);
  const verdict = excepter.apply(decide(facts.pidMode, usage, notes), { taskDefinitionArn: facts.taskDefinitionArn, pidMode: facts.pidMode, inUse: usage !== undefined });
  const summary = await send(verdict, { ...counts, runningTasks: usage?.taskCount ?? 0, ...excepter.counts() });
  const failure = discoveryFailure(discovery, 1);
  return failure ? { summary: { ...summary, ...(discovery.interrupted ? { incomplete: true } : {}) }, failure } : { summary };
}

async function itemConfiguration(trigger: ChangeTrigger, clients: AwsClients): Promise<{ configuration: unknown; arn: string | undefined; status: string }> {
  if (trigger.kind === 'change') return { configuration: trigger.configuration, arn: trigger.item.arn, status: trigger.item.status };
  const fetched = await fetchConfigurationItem(clients.config, trigger.item);
  return { configuration: fetched.configuration, arn: fetched.arn ?? trigger.item.arn, status: fetched.status };
}
