/**
 * Token buckets as ECS documents them (per account and Region, one bucket per group of actions):
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html
 */

export interface BucketSpec {
  burst: number;
  ratePerSecond: number;
}

export type EcsBucketName = 'clusterRead' | 'taskDefinitionRead' | 'clusterResourceRead' | 'serviceRead';

export const ECS_BUCKETS: Readonly<Record<EcsBucketName, BucketSpec>> = {
  clusterRead: { burst: 50, ratePerSecond: 20 },
  taskDefinitionRead: { burst: 50, ratePerSecond: 20 },
  clusterResourceRead: { burst: 100, ratePerSecond: 20 },
  serviceRead: { burst: 100, ratePerSecond: 20 },
};

export const ECS_BUCKET_OF_OPERATION: Readonly<Record<string, EcsBucketName>> = {
  ListClusters: 'clusterRead',
  DescribeClusters: 'clusterRead',
  DescribeTaskDefinition: 'taskDefinitionRead',
  ListTaskDefinitions: 'taskDefinitionRead',
  ListTasks: 'clusterResourceRead',
  DescribeTasks: 'clusterResourceRead',
  ListServices: 'serviceRead',
  DescribeServices: 'serviceRead',
};

export class TokenBucket {
  private tokens: number;
  private lastRefillMs: number;

  constructor(
    private readonly spec: BucketSpec,
    nowMs: number,
  ) {
    this.tokens = spec.burst;
    this.lastRefillMs = nowMs;
  }

  /** Takes one token; false means throttle. A throttled call takes nothing, as in AWS. */
  take(nowMs: number): boolean {
    const elapsed = Math.max(0, nowMs - this.lastRefillMs) / 1000;
    this.tokens = Math.min(this.spec.burst, this.tokens + elapsed * this.spec.ratePerSecond);
    this.lastRefillMs = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/** Buckets keyed by account, Region and group, created full on first use. */
export class BucketSet {
  private readonly buckets = new Map<string, TokenBucket>();

  take(key: string, spec: BucketSpec, nowMs: number): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(spec, nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket.take(nowMs);
  }

  clear(): void {
    this.buckets.clear();
  }
}
