// Periodic sweeps of a generated account, compared with the simulator's oracle, then run again as
// the account changes: no stale results, nothing resent when nothing changed.
import {
  expectedVerdicts,
  generateAccount,
  scheduledEvent,
  startSimulator,
  type ComplianceType,
  type ExpectedRevision,
  type Simulator,
} from '../../tools/simulator';
import { Lambda, calls, envFor, keysFor, nowSeconds, ruleRef, runningTasksOf, storedEvaluations, storedVerdicts, useBundle } from './helpers';

useBundle();

const ACCOUNT = '222222222222';
const RULE = 'ecs-pid-mode-host-in-use';
const NO_LONGER_RUNNING = 'No longer in use: no task with desiredStatus RUNNING uses this revision in any cluster';

const { account, stats } = generateAccount({
  seed: 11,
  accountId: ACCOUNT,
  ...keysFor(ACCOUNT),
  configRules: [RULE],
  clusters: 8,
  tasks: 1500,
  revisions: 400,
  inUseShare: 0.3,
  hostShare: 0.25,
  inactiveInUseShare: 0.15,
  deleteInProgressInUseShare: 0.05,
  unrecordedShare: 0.05,
  stoppedTasks: 40,
  resourceIdStyle: 'opaque',
});
const oracle = expectedVerdicts(account);
const inUse = oracle.filter((r) => r.inUse);
const unrecordedInUse = inUse.filter((r) => !r.recorded);

/**
 * The id the rule reports a revision under, and its verdict. The oracle gives NOT_APPLICABLE to
 * revisions Config does not record; the rule evaluates those from ECS and reports them under their
 * task definition ARN (README "How it runs"), so for them the verdict follows pidMode.
 */
function reported(r: ExpectedRevision): [string, ComplianceType] {
  if (r.recorded) return [r.resourceId, r.expected];
  return [r.taskDefinitionArn, r.pidMode === 'host' ? 'NON_COMPLIANT' : 'COMPLIANT'];
}

let sim: Simulator;
// One warm function for the whole sequence: its ECS pacing remembers the earlier sweeps, as it does
// between warm invocations. (Fresh bundles back to back would each start with a full burst while
// the account's buckets are still drained; real sweeps are hours apart.)
let lambda: Lambda;
// Hours apart, in the past: the rule refuses notification times more than 15 minutes ahead.
const start = nowSeconds() - 4 * 3600;
const at = (hours: number): number => start + hours * 3600;
const sweep = (hours: number) => lambda.invoke(scheduledEvent(ruleRef(sim, ACCOUNT, RULE), at(hours)));

beforeAll(async () => {
  sim = await startSimulator({ scenario: { accounts: [account] } });
  lambda = Lambda.load(envFor(sim, ACCOUNT));
});

afterAll(async () => {
  await sim?.stop();
});

beforeEach(() => sim.resetCounters());
// ECS throttling stays on (the simulator's default): the rule must pace itself across runs too.
afterEach(() => expect(sim.counters().throttledTotal).toBe(0));

describe('periodic sweep of a generated account (8 clusters, 1,500 tasks, 400 revisions, opaque resource ids)', () => {
  // Filled by the first run, changed by the next ones.
  let expected: Record<string, ComplianceType> = {};
  let stopped: ExpectedRevision[] = [];

  it('has every kind of in-use revision the decision table distinguishes', () => {
    expect(stats.inUseHost).toBeGreaterThan(0);
    expect(stats.inUseInactive).toBeGreaterThan(0);
    expect(stats.inUseDeleteInProgress).toBeGreaterThan(0);
    expect(unrecordedInUse.length).toBeGreaterThan(0);
    expect(inUse.some((r) => r.recorded && r.status === 'INACTIVE' && r.pidMode === 'host')).toBe(true);
    expect(inUse.some((r) => r.recorded && r.pidMode === undefined)).toBe(true);
  });

  it('reports the oracle verdict for every in-use revision, and nothing for revisions nobody runs', async () => {
    const summary = await sweep(0);

    expected = Object.fromEntries(inUse.map(reported));
    expect(Object.keys(expected)).toHaveLength(stats.inUse);
    expect(storedVerdicts(sim, ACCOUNT, RULE)).toEqual(expected);
    expect(summary).toMatchObject({ revisionsInUse: stats.inUse, runningTasks: stats.runningTasks, unrecordedRevisions: unrecordedInUse.length, clusters: 8 });

    const counters = sim.counters();
    // Ids come from Config: only the unrecorded revisions (reported under their ARN) are unknown to it.
    expect(counters.evaluationsForUnknownResources).toBe(unrecordedInUse.length);
    expect(calls(counters, ACCOUNT, 'ecs', 'DescribeTaskDefinition')).toBe(unrecordedInUse.length);
    expect(calls(counters, ACCOUNT, 'config', 'PutEvaluations')).toBe(Math.ceil(stats.inUse / 100));
  });

  it('sets a revision whose tasks all stopped to NOT_APPLICABLE on the next run (no stale result)', async () => {
    const nonCompliant = inUse.find((r) => r.recorded && r.expected === 'NON_COMPLIANT' && r.status === 'INACTIVE');
    const compliant = inUse.find((r) => r.recorded && r.expected === 'COMPLIANT');
    const unrecorded = unrecordedInUse[0];
    if (!nonCompliant || !compliant || !unrecorded) throw new Error('scenario lacks the revisions this test stops');
    stopped = [nonCompliant, compliant, unrecorded];
    for (const r of stopped) {
      const tasks = runningTasksOf(sim, ACCOUNT, r.taskDefinitionArn);
      expect(tasks.length).toBeGreaterThan(0);
      for (const task of tasks) sim.stopTask(ACCOUNT, task.arn);
    }
    expect(storedVerdicts(sim, ACCOUNT, RULE)[nonCompliant.resourceId]).toBe('NON_COMPLIANT');

    const summary = await sweep(1);

    const [ncId] = reported(nonCompliant);
    const [cId] = reported(compliant);
    const [uId] = reported(unrecorded);
    expected = { ...expected, [ncId]: 'NOT_APPLICABLE', [cId]: 'NOT_APPLICABLE', [uId]: 'NOT_APPLICABLE' };
    expect(storedVerdicts(sim, ACCOUNT, RULE)).toEqual(expected);
    const stored = storedEvaluations(sim, ACCOUNT, RULE);
    for (const id of [ncId, cId, uId]) {
      expect(stored.get(id)).toMatchObject({ annotation: NO_LONGER_RUNNING, orderingTimestamp: at(1) });
    }
    // Everything else was unchanged, so only the three new verdicts were sent.
    expect(summary).toMatchObject({ staleResolved: 3, unchanged: stats.inUse - 3 });
    const counters = sim.counters();
    expect(counters.evaluationsStored).toBe(3);
    expect(calls(counters, ACCOUNT, 'config', 'PutEvaluations')).toBe(1);
  });

  it('sends no PutEvaluations when nothing changed since the last run', async () => {
    const before = storedEvaluations(sim, ACCOUNT, RULE);

    const summary = await sweep(2);

    const counters = sim.counters();
    expect(calls(counters, ACCOUNT, 'config', 'PutEvaluations')).toBe(0);
    expect(counters.evaluationsStored).toBe(0);
    // The sweep itself still ran: it read the account and what the rule reported before.
    expect(calls(counters, ACCOUNT, 'ecs', 'ListTasks')).toBeGreaterThanOrEqual(8);
    expect(calls(counters, ACCOUNT, 'config', 'GetComplianceDetailsByConfigRule')).toBeGreaterThan(0);
    expect(summary).toMatchObject({ sent: 0, staleResolved: 0, unchanged: stats.inUse - stopped.length });
    expect(storedEvaluations(sim, ACCOUNT, RULE)).toEqual(before);
  });

  it('reports a host revision that started running after its last configuration change', async () => {
    // Config records no tasks, so only the periodic run can notice this.
    const idleHost = oracle.find((r) => !r.inUse && r.recorded && r.pidMode === 'host');
    if (!idleHost) throw new Error('scenario lacks an unused host revision');
    sim.startTask(ACCOUNT, 'cluster-003', { taskDefinitionArn: idleHost.taskDefinitionArn, group: 'service:late-starter' });

    await sweep(3);

    expect(storedVerdicts(sim, ACCOUNT, RULE)).toEqual({ ...expected, [idleHost.resourceId]: 'NON_COMPLIANT' });
    expect(storedEvaluations(sim, ACCOUNT, RULE).get(idleHost.resourceId)?.annotation).toBe(
      "pidMode=host: containers share the host's process namespace; 1 running task in 1 cluster (cluster-003); services: late-starter",
    );
    expect(sim.counters().evaluationsStored).toBe(1);
  });
});
