// Client-side pacing that mirrors ECS's documented token buckets, so a sweep of thousands of
// calls stays inside them instead of leaning on retries.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
import { systemClock, type Clock } from './clock';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(capacity >= 1) || !(refillPerSecond > 0)) throw new RangeError('token bucket needs capacity >= 1 and a positive refill rate');
    this.tokens = capacity;
    this.last = clock.now();
  }

  /**
   * Takes one token, waiting for it if needed. Callers reserve in arrival order (the balance may
   * go negative), so concurrent callers are served first come, first served.
   */
  async take(): Promise<void> {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.refillPerSecond);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    await this.clock.sleep((-this.tokens / this.refillPerSecond) * 1000);
  }
}

/** ECS throttle buckets per account and Region (DESIGN section 3). */
export const ECS_BUCKETS = {
  clusterRead: { capacity: 50, refillPerSecond: 20 },
  taskDefinitionRead: { capacity: 50, refillPerSecond: 20 },
  clusterResourceRead: { capacity: 100, refillPerSecond: 20 },
} as const;
export type EcsBucket = keyof typeof ECS_BUCKETS;

export const ECS_OPERATION_BUCKET: Readonly<Record<string, EcsBucket>> = {
  ListClusters: 'clusterRead',
  DescribeClusters: 'clusterRead',
  DescribeTaskDefinition: 'taskDefinitionRead',
  ListTaskDefinitions: 'taskDefinitionRead',
  ListTasks: 'clusterResourceRead',
  DescribeTasks: 'clusterResourceRead',
};

/**
 * One bucket per ECS throttle category, scaled by `share` (the fraction of the account's rate
 * this rule may use) and kept a little under the documented figures: the account's real buckets
 * are shared with every other caller, and clocks on both sides drift.
 */
export function ecsBuckets(share = 1, clock: Clock = systemClock): Record<EcsBucket, TokenBucket> {
  const make = (b: { capacity: number; refillPerSecond: number }): TokenBucket =>
    new TokenBucket(Math.max(1, Math.floor(b.capacity * share * 0.9)), b.refillPerSecond * share * 0.95, clock);
  return {
    clusterRead: make(ECS_BUCKETS.clusterRead),
    taskDefinitionRead: make(ECS_BUCKETS.taskDefinitionRead),
    clusterResourceRead: make(ECS_BUCKETS.clusterResourceRead),
  };
}

/**
 * The least time a sweep of `clusters` clusters can take at this share of ECS's rates: every
 * cluster needs at least a ListTasks and a DescribeTasks from the cluster-resource bucket. A lower
 * bound (clusters with over 100 tasks need more), so a warning built on it is never a false alarm.
 */
export function minimumSweepSeconds(clusters: number, share = 1): number {
  const b = ECS_BUCKETS.clusterResourceRead;
  const burst = Math.max(1, Math.floor(b.capacity * share * 0.9));
  return Math.max(0, 2 * clusters - burst) / (b.refillPerSecond * share * 0.95);
}
