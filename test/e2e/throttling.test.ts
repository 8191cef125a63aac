// ECS throttling: the simulator's token buckets (per account: ListTasks/DescribeTasks burst 100,
// 20/s) are on, with a per-call latency. A sweep that needs well over 100 of those calls must pace
// itself instead of leaning on retries; injected ThrottlingExceptions are retried within
// RULE_MAX_ATTEMPTS.
import { expectedVerdicts, generateAccount, scheduledEvent, startSimulator, type ComplianceType, type Simulator } from '../../tools/simulator';
import { accountWith, calls, envFor, invokeFresh, keysFor, nowSeconds, rejectionOf, ruleRef, storedVerdicts, useBundle } from './helpers';

useBundle();

const BIG = '121212121212';
const SMALL = '343434343434';
const RULE = 'ecs-pid-mode-host-in-use';

const big = generateAccount({
  seed: 5,
  accountId: BIG,
  ...keysFor(BIG),
  configRules: [RULE],
  clusters: 60,
  tasks: 6000,
  revisions: 300,
  inUseShare: 0.4,
  hostShare: 0.2,
  unrecordedShare: 0,
  resourceIdStyle: 'opaque',
});

/** Recorded revisions only (no unrecorded share), so the oracle's verdicts are the rule's. */
const oracleOf = (account: typeof big.account): Record<string, ComplianceType> =>
  Object.fromEntries(expectedVerdicts(account).filter((r) => r.inUse).map((r) => [r.resourceId, r.expected]));

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      accounts: [
        big.account,
        accountWith(SMALL, {
          configRules: [RULE],
          taskDefinitions: [
            { family: 'edge', revision: 1, pidMode: 'host', resourceId: 'edge-1' },
            { family: 'core', revision: 1, pidMode: 'task', resourceId: 'core-1' },
          ],
          clusters: ['a', 'b'].map((name) => ({
            name: `small-${name}`,
            tasks: [{ taskDefinitionArn: `arn:aws:ecs:us-east-1:${SMALL}:task-definition/${name === 'a' ? 'edge' : 'core'}:1` }],
          })),
        }),
      ],
    },
    throttling: true,
    latencyMs: 5,
    latencyJitterMs: 10,
  });
});

afterAll(async () => {
  await sim?.stop();
});

beforeEach(() => {
  sim.clearFaults();
  sim.resetCounters();
});

it('sweeps 60 clusters (more ListTasks + DescribeTasks calls than the burst of 100) without being throttled once', async () => {
  // RULE_MAX_ATTEMPTS left at the rule's default (10), as deployed.
  const summary = await invokeFresh(envFor(sim, BIG, { maxAttempts: null }), scheduledEvent(ruleRef(sim, BIG, RULE), nowSeconds()));

  const counters = sim.counters();
  const clusterResourceReads = calls(counters, BIG, 'ecs', 'ListTasks') + calls(counters, BIG, 'ecs', 'DescribeTasks');
  expect(clusterResourceReads).toBeGreaterThan(150);
  expect(counters.throttledTotal).toBe(0);
  expect(counters.errorsByCode).toEqual({});
  expect(summary).toMatchObject({ clusters: 60, runningTasks: big.stats.runningTasks, revisionsInUse: big.stats.inUse });
  expect(storedVerdicts(sim, BIG, RULE)).toEqual(oracleOf(big.account));
}, 30_000);

describe('injected ThrottlingExceptions (throttle buckets still on)', () => {
  const small = { 'edge-1': 'NON_COMPLIANT', 'core-1': 'COMPLIANT' };

  it('are retried within RULE_MAX_ATTEMPTS and the run succeeds', async () => {
    // Two in a row on one cluster's ListTasks (3 attempts needed), one on the other's DescribeTasks.
    sim.addFault({ service: 'ecs', operation: 'ListTasks', cluster: 'small-b', error: 'ThrottlingException', count: 2 });
    sim.addFault({ service: 'ecs', operation: 'DescribeTasks', cluster: 'small-a', error: 'ThrottlingException', count: 1 });

    // RULE_MAX_ATTEMPTS at the rule's default (10).
    await invokeFresh(envFor(sim, SMALL, { maxAttempts: null }), scheduledEvent(ruleRef(sim, SMALL, RULE), nowSeconds()));

    expect(storedVerdicts(sim, SMALL, RULE)).toEqual(small);
    const counters = sim.counters();
    expect(counters.faultsTotal).toBe(3);
    expect(counters.throttledTotal).toBe(0);
    expect(calls(counters, SMALL, 'ecs', 'ListTasks')).toBe(2 + 2);
  }, 15_000);

  it('fail the run, naming the cluster, once they outlast RULE_MAX_ATTEMPTS', async () => {
    sim.addFault({ service: 'ecs', operation: 'ListTasks', cluster: 'small-b', error: 'ThrottlingException', count: 2 });

    const error = await rejectionOf(
      invokeFresh(envFor(sim, SMALL, { maxAttempts: 2 }), scheduledEvent(ruleRef(sim, SMALL, RULE), nowSeconds() + 60)),
    );

    expect(error.message).toMatch(/^ECS in-use discovery failed in 1 cluster\(s\): small-b \(ListTasks: ThrottlingException: Rate exceeded\)/);
    // Nothing became NOT_APPLICABLE from the incomplete sweep.
    expect(sim.evaluations(SMALL, RULE).filter((e) => e.complianceType === 'NOT_APPLICABLE')).toEqual([]);
  }, 15_000);
});
