// The benchmark's yardsticks (docs/performance.md, "Definitions"): if these are wrong, every
// ratio in the published table is.
import { latencyBound, leastTime, lowerBound, total, type SweepInputs } from '../../tools/bench/bounds';
import { checkVerdicts, generate, stopForRepeat, sweepInputs, inUseArns } from '../../tools/bench/scenario';

const arn = (n: number): string => `arn:aws:ecs:us-east-1:123456789012:task-definition/app-${String(n).padStart(4, '0')}:1`;

function inputs(overrides: Partial<SweepInputs> = {}): SweepInputs {
  const inUse = Array.from({ length: 150 }, (_, i) => arn(i));
  return {
    runningTasksPerCluster: [0, 100, 101, 250],
    inUseArns: inUse,
    recordedInUse: new Set(inUse.slice(0, 140)),
    previousResults: 0,
    staleResourceIds: [],
    evaluationsToSend: 150,
    ...overrides,
  };
}

describe('lowerBound', () => {
  it('counts one ListTasks page even for an empty cluster, and DescribeTasks per 100 tasks', () => {
    const lb = lowerBound(inputs());
    expect(lb.ListClusters).toBe(1);
    expect(lb.ListTasks).toBe(1 + 1 + 2 + 3);
    expect(lb.DescribeTasks).toBe(0 + 1 + 2 + 3);
  });

  it('counts one DescribeTaskDefinition per in-use revision Config does not record', () => {
    expect(lowerBound(inputs()).DescribeTaskDefinition).toBe(10);
  });

  it('pages earlier results and evaluations by 100, with at least one compliance page', () => {
    expect(lowerBound(inputs({ previousResults: 0 })).GetComplianceDetailsByConfigRule).toBe(1);
    expect(lowerBound(inputs({ previousResults: 201 })).GetComplianceDetailsByConfigRule).toBe(3);
    expect(lowerBound(inputs({ evaluationsToSend: 0 })).PutEvaluations).toBe(0);
    expect(lowerBound(inputs({ evaluationsToSend: 101 })).PutEvaluations).toBe(2);
  });

  it('needs one look-up query per expression of at most 4096 characters', () => {
    const lb = lowerBound(inputs());
    // ~66 characters per quoted ARN: 150 ARNs do not fit in one expression, and fit in three.
    expect(lb.SelectResourceConfig).toBeGreaterThanOrEqual(2);
    expect(lb.SelectResourceConfig).toBeLessThanOrEqual(3);
    expect(lowerBound(inputs({ inUseArns: [], recordedInUse: new Set() })).SelectResourceConfig).toBe(0);
    // Earlier results that stopped running are looked up by resource ID: one more query here.
    expect(lowerBound(inputs({ inUseArns: [], recordedInUse: new Set(), staleResourceIds: ['a:1', 'b:2'] })).SelectResourceConfig).toBe(1);
  });
});

describe('leastTime', () => {
  it('is the slowest bucket: (calls - burst) / refill, never negative', () => {
    const least = leastTime({ ListTasks: 1100, DescribeTasks: 1100, ListClusters: 2, DescribeTaskDefinition: 70 });
    expect(least.byBucket.clusterResourceRead.seconds).toBeCloseTo((2200 - 100) / 20);
    expect(least.byBucket.clusterRead.seconds).toBe(0);
    expect(least.byBucket.taskDefinitionRead.seconds).toBeCloseTo(1);
    expect(least.seconds).toBeCloseTo(105);
  });
});

describe('latencyBound', () => {
  it('chains pages within a cluster and runs at most `concurrency` calls at once', () => {
    // Chains (ListTasks pages + DescribeTasks batches): 0 tasks 1, 100 tasks 2, 101 tasks 4, 250 tasks 6.
    const { roundTrips } = latencyBound(inputs({ inUseArns: [], recordedInUse: new Set(), evaluationsToSend: 0 }), 20, 10);
    expect(roundTrips).toBe(1 + 6 + 0 + 0 + 1 + 0);
    expect(latencyBound(inputs({ inUseArns: [], recordedInUse: new Set(), evaluationsToSend: 0 }), 20, 1).roundTrips).toBe(1 + 13 + 1);
  });
});

describe('benchmark scenario', () => {
  const point = { clusters: 3, tasks: 300, revisions: 100 };
  const shape = { seed: 3, inUseShare: 0.3, hostShare: 0.1, inactiveInUseShare: 0.1, unrecordedShare: 0, revisionsPerFamily: 10, resourceIdStyle: 'opaque' as const };

  it('sends every in-use revision in a first sweep and only stale ones in the repeat', () => {
    const { account } = generate(point, shape);
    const first = sweepInputs(account, new Set());
    expect(first.evaluationsToSend).toBe(30);
    expect(total(lowerBound(first))).toBeGreaterThan(0);
    const before = inUseArns(account);
    const stopped = stopForRepeat(account, 10);
    const repeat = sweepInputs(account, before);
    expect(stopped.revisions).toBe(3);
    expect(repeat.evaluationsToSend).toBe(3);
    expect(repeat.previousResults).toBe(30);
  });

  it('counts an in-use revision without a result as a mismatch, an unused one without a result as none', () => {
    const { account } = generate(point, shape);
    expect(checkVerdicts(account, []).mismatches).toBe(30);
  });
});
