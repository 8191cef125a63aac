// Every message type and every row of the decision table (DESIGN section 2), through the built
// bundle against the simulator. Resource ids are opaque ("tdrev-..."), so a rule that built them
// from ARNs would store results for resources Config does not know.
import {
  changeEvent,
  latestItem,
  oversizedEvent,
  scheduledEvent,
  startSimulator,
  type ScenarioTask,
  type ScenarioTaskDefinition,
  type Simulator,
} from '../../tools/simulator';
import {
  accountWith,
  calls,
  envFor,
  invokeFresh,
  nowSeconds,
  ruleRef,
  storedEvaluations,
  storedVerdicts,
  taskDefinitionArn,
  useBundle,
} from './helpers';

useBundle();

const A = '111111111111';
const CHANGE_RULE = 'pid-rule-change';
const PERIODIC_RULE = 'pid-rule-periodic';
const arn = (family: string, revision = 1): string => taskDefinitionArn(A, family, revision);

/** Config's resource ids: not derivable from the ARN. */
const ID = {
  web1: 'tdrev-4c1f0a9e',
  web2: 'tdrev-b27d3e10',
  plain: 'tdrev-09aa6d5c',
  blank: 'tdrev-e51b7f24',
  nullpid: 'tdrev-7d0c3b88',
  idle: 'tdrev-3f9e2a61',
  old: 'tdrev-c8a40d17',
  dip: 'tdrev-5e6b91f3',
  gone: 'tdrev-a0d2c4e6',
  scope: 'tdrev-12ef8b7a',
  big: 'tdrev-6b3d0e95',
  fargate: 'tdrev-f4a7c2d9',
  pending: 'tdrev-2d8e5a31',
  notrec: 'tdrev-91c3e7b0',
} as const;

const taskDefinitions: ScenarioTaskDefinition[] = [
  { family: 'web', revision: 1, pidMode: 'host', resourceId: ID.web1 },
  { family: 'web', revision: 2, pidMode: 'task', resourceId: ID.web2 },
  { family: 'plain', revision: 1, resourceId: ID.plain },
  { family: 'blank', revision: 1, pidMode: '', resourceId: ID.blank },
  // Recorded below with an explicit "PidMode": null.
  { family: 'nullpid', revision: 1, recorded: false },
  { family: 'idle', revision: 1, pidMode: 'host', resourceId: ID.idle },
  { family: 'old', revision: 1, pidMode: 'host', status: 'INACTIVE', resourceId: ID.old },
  { family: 'dip', revision: 1, pidMode: 'host', status: 'DELETE_IN_PROGRESS', resourceId: ID.dip },
  { family: 'gone', revision: 1, pidMode: 'host', status: 'INACTIVE', resourceId: ID.gone },
  { family: 'scope', revision: 1, pidMode: 'host', resourceId: ID.scope },
  {
    family: 'big',
    revision: 1,
    pidMode: 'host',
    resourceId: ID.big,
    containerDefinitions: [{ name: 'app', image: 'big:1', environment: [{ name: 'DB_PASSWORD', value: 'SIMSECRET-big' }] }],
  },
  { family: 'fargate', revision: 1, pidMode: 'task', requiresCompatibilities: ['FARGATE'], resourceId: ID.fargate },
  { family: 'pending', revision: 1, pidMode: 'host', resourceId: ID.pending },
  // Never recorded by Config.
  { family: 'ghost', revision: 1, pidMode: 'host', recorded: false },
  // Config recorded it as ResourceNotRecorded (below).
  { family: 'notrec', revision: 1, pidMode: 'task', recorded: false },
];

const running = (family: string, extra: Partial<ScenarioTask> = {}): ScenarioTask => ({ taskDefinitionArn: arn(family), ...extra });

const prodA: ScenarioTask[] = [
  running('web', { group: 'service:web', startedBy: 'ecs-svc/1' }),
  running('web', { group: 'service:web', startedBy: 'ecs-svc/1' }),
  { taskDefinitionArn: arn('web', 2) },
  running('plain'),
  running('blank'),
  running('nullpid'),
  running('old'),
  running('dip'),
  running('scope'),
  running('big'),
  running('fargate', { launchType: 'FARGATE' }),
  running('pending', { lastStatus: 'PROVISIONING' }),
  running('ghost'),
  running('notrec'),
  // A stopped task does not make a revision "in use".
  running('idle', { desiredStatus: 'STOPPED', lastStatus: 'STOPPED' }),
  running('gone', { desiredStatus: 'STOPPED', lastStatus: 'STOPPED' }),
];
const prodB: ScenarioTask[] = [running('web', { group: 'family:web' }), running('old')];

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      accounts: [
        accountWith(A, {
          configRules: [CHANGE_RULE, PERIODIC_RULE],
          taskDefinitions,
          clusters: [
            { name: 'prod-a', tasks: prodA },
            { name: 'prod-b', tasks: prodB },
          ],
        }),
      ],
    },
  });
  sim.recordItem(A, {
    resourceId: ID.nullpid,
    resourceName: 'nullpid:1',
    arn: arn('nullpid'),
    status: 'ResourceDiscovered',
    configuration: { TaskDefinitionArn: arn('nullpid'), Family: 'nullpid', Revision: 1, Status: 'ACTIVE', PidMode: null, ContainerDefinitions: [] },
  });
  sim.recordItem(A, { resourceId: ID.notrec, resourceName: 'notrec:1', arn: arn('notrec'), status: 'ResourceNotRecorded', configuration: null });
  // Deregistered earlier; now deleted and gone from Config.
  sim.deleteTaskDefinition(A, arn('gone'));
  sim.recordItem(A, { resourceId: ID.gone, resourceName: 'gone:1', arn: arn('gone'), status: 'ResourceDeleted', configuration: null });
});

afterAll(async () => {
  await sim?.stop();
});

beforeEach(() => sim.resetCounters());

describe('ConfigurationItemChangeNotification', () => {
  it.each([
    ['a host revision with running tasks', 'NON_COMPLIANT', 'web', ID.web1, 1],
    ['a host revision whose only task is still PROVISIONING', 'NON_COMPLIANT', 'pending', ID.pending, 1],
    ['a host revision nobody runs (only a STOPPED task)', 'NOT_APPLICABLE', 'idle', ID.idle, 1],
    ['an INACTIVE host revision that still runs', 'NON_COMPLIANT', 'old', ID.old, 1],
    ['a DELETE_IN_PROGRESS host revision that still runs', 'NON_COMPLIANT', 'dip', ID.dip, 1],
  ] as const)('reports %s as %s', async (_label, expected, family, resourceId, revision) => {
    const item = latestItem(sim.state, A, { arn: arn(family, revision) });
    expect(item.resourceId).toBe(resourceId);
    const summary = await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, CHANGE_RULE), item));

    const stored = storedEvaluations(sim, A, CHANGE_RULE).get(resourceId);
    expect(stored?.complianceType).toBe(expected);
    // Ordered by the item's capture time, so Config keeps the newest state.
    expect(stored?.orderingTimestamp).toBeCloseTo(item.captureTime, 2);
    expect(summary.sent).toBe(1);
    const counters = sim.counters();
    expect(counters.evaluationsStored).toBe(1);
    expect(calls(counters, A, 'config', 'PutEvaluations')).toBe(1);
    // The resource id came from the item, never from the ARN.
    expect(counters.evaluationsForUnknownResources).toBe(0);
    // Change events never read Config's item history when the event carries the item.
    expect(calls(counters, A, 'config', 'GetResourceConfigHistory')).toBe(0);
  });

  it.each([
    ['a task revision with a running task', 'web', ID.web2, 2],
    ['a revision without pidMode with a running task', 'plain', ID.plain, 1],
    ['a revision with pidMode "" with a running task', 'blank', ID.blank, 1],
    ['a revision with pidMode null with a running task', 'nullpid', ID.nullpid, 1],
    ['a Fargate task revision with a running task', 'fargate', ID.fargate, 1],
  ] as const)('leaves %s to the periodic sweep: no ECS call, no evaluation (it can never be NON_COMPLIANT)', async (_label, family, resourceId, revision) => {
    const item = latestItem(sim.state, A, { arn: arn(family, revision) });
    const summary = await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, CHANGE_RULE), item));
    expect(summary).toMatchObject({ sent: 0, deferred: 1 });
    expect(storedEvaluations(sim, A, CHANGE_RULE).get(resourceId)).toBeUndefined();
    expect(sim.counters().calls[A]?.ecs).toBeUndefined();
  });

  it('names clusters and services of the running tasks in the NON_COMPLIANT annotation', async () => {
    await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, CHANGE_RULE), latestItem(sim.state, A, { arn: arn('web') })));
    expect(storedEvaluations(sim, A, CHANGE_RULE).get(ID.web1)?.annotation).toBe(
      "pidMode=host: containers share the host's process namespace; 3 running tasks in 2 clusters (prod-a, prod-b); services: web",
    );
  });

  it('reports NOT_APPLICABLE for a running host revision when the event says it left the rule scope', async () => {
    const item = latestItem(sim.state, A, { arn: arn('scope') });
    await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, CHANGE_RULE), item, { eventLeftScope: true }));
    expect(storedEvaluations(sim, A, CHANGE_RULE).get(ID.scope)).toMatchObject({
      complianceType: 'NOT_APPLICABLE',
      annotation: "The resource left the rule's scope",
    });
    expect(sim.counters().calls[A]?.ecs ?? {}).toEqual({});
  });
});

describe('OversizedConfigurationItemChangeNotification', () => {
  it('fetches the item with GetResourceConfigHistory, then decides (host + running -> NON_COMPLIANT)', async () => {
    const item = latestItem(sim.state, A, { arn: arn('big') });
    const event = oversizedEvent(ruleRef(sim, A, CHANGE_RULE), item);
    expect(event.invokingEvent).not.toContain('SIMSECRET-');
    await invokeFresh(envFor(sim, A), event);

    expect(storedEvaluations(sim, A, CHANGE_RULE).get(ID.big)).toMatchObject({ complianceType: 'NON_COMPLIANT' });
    const counters = sim.counters();
    expect(calls(counters, A, 'config', 'GetResourceConfigHistory')).toBe(1);
    expect(counters.evaluationsForUnknownResources).toBe(0);
  });

  it('leaves a deleted item whose revision ECS still describes (DELETE_IN_PROGRESS) and no task runs to the periodic sweep', async () => {
    // The family filter's reading of non-ACTIVE revisions is undocumented: "not found" is not "not in use".
    const summary = await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, CHANGE_RULE), latestItem(sim.state, A, { arn: arn('gone') })));
    expect(summary).toMatchObject({ sent: 0, deferred: 1 });
    expect(storedEvaluations(sim, A, CHANGE_RULE).get(ID.gone)).toBeUndefined();
  });

  it('leaves an item Config stopped recording (ResourceNotRecorded) whose revision runs and is not host-mode to the periodic sweep', async () => {
    const summary = await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, CHANGE_RULE), latestItem(sim.state, A, { arn: arn('notrec') })));
    expect(summary).toMatchObject({ sent: 0, deferred: 1 });
  });

  it('reports NOT_APPLICABLE for a deleted item once ECS has finished deleting the revision, also from an oversized notification', async () => {
    sim.purgeTaskDefinition(A, arn('gone'));
    const item = latestItem(sim.state, A, { arn: arn('gone') });
    await invokeFresh(envFor(sim, A), oversizedEvent(ruleRef(sim, A, CHANGE_RULE), item));
    expect(storedVerdicts(sim, A, CHANGE_RULE)[ID.gone]).toBe('NOT_APPLICABLE');
    expect(storedEvaluations(sim, A, CHANGE_RULE).get(ID.gone)?.annotation).toMatch(/ResourceDeleted/);
  });
});

describe('ScheduledNotification', () => {
  it('decides every in-use revision of the account, under the ids Config recorded', async () => {
    const summary = await invokeFresh(envFor(sim, A), scheduledEvent(ruleRef(sim, A, PERIODIC_RULE), nowSeconds()));

    expect(storedVerdicts(sim, A, PERIODIC_RULE)).toEqual({
      [ID.web1]: 'NON_COMPLIANT',
      [ID.web2]: 'COMPLIANT',
      [ID.plain]: 'COMPLIANT',
      [ID.blank]: 'COMPLIANT',
      [ID.nullpid]: 'COMPLIANT',
      [ID.old]: 'NON_COMPLIANT',
      [ID.dip]: 'NON_COMPLIANT',
      [ID.scope]: 'NON_COMPLIANT',
      [ID.big]: 'NON_COMPLIANT',
      [ID.fargate]: 'COMPLIANT',
      [ID.pending]: 'NON_COMPLIANT',
      // Running but not (or no longer) recorded by Config: described through ECS, reported under the ARN.
      [arn('ghost')]: 'NON_COMPLIANT',
      [arn('notrec')]: 'COMPLIANT',
      // idle:1 and gone:1 do not run and were never reported: nothing to say about them.
    });
    expect(summary).toMatchObject({ revisionsInUse: 13, unrecordedRevisions: 2, clusters: 2 });

    const counters = sim.counters();
    // Only the two unrecorded revisions are evaluations for resources Config does not know.
    expect(counters.evaluationsForUnknownResources).toBe(2);
    expect(calls(counters, A, 'ecs', 'DescribeTaskDefinition')).toBe(2);
    expect(calls(counters, A, 'config', 'GetResourceConfigHistory')).toBe(0);
    expect(calls(counters, A, 'config', 'PutEvaluations')).toBe(1);
    expect(storedEvaluations(sim, A, PERIODIC_RULE).get(arn('ghost'))?.annotation).toContain('revision not recorded by AWS Config');
  });
});
