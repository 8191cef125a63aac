/**
 * The benchmark's yardsticks, computed from the generated scenario itself (never from the rule's
 * output). Definitions are repeated in docs/performance.md.
 *
 * - Lower bound on calls: the fewest API calls any periodic sweep that follows DESIGN.md can make.
 * - Least time: the shortest time ECS's token buckets allow for the ECS calls actually made.
 * - Latency bound: the shortest time the sweep's dependent round trips take at a given latency.
 */
import { AWS_BATCH_MAX, lookupQueries } from '../../src/core/batch';

/** ECS throttle buckets per account and Region (DESIGN.md section 3). */
export const ECS_BUCKETS = {
  clusterRead: { burst: 50, refillPerSecond: 20, operations: ['ListClusters', 'DescribeClusters'] },
  taskDefinitionRead: { burst: 50, refillPerSecond: 20, operations: ['DescribeTaskDefinition', 'ListTaskDefinitions'] },
  clusterResourceRead: { burst: 100, refillPerSecond: 20, operations: ['ListTasks', 'DescribeTasks'] },
} as const;
export type BucketName = keyof typeof ECS_BUCKETS;

/** Operations of a periodic sweep, in the order the design makes them. */
export const SWEEP_OPERATIONS = [
  'ListClusters',
  'ListTasks',
  'DescribeTasks',
  'SelectResourceConfig',
  'DescribeTaskDefinition',
  'GetComplianceDetailsByConfigRule',
  'PutEvaluations',
] as const;
export type SweepOperation = (typeof SWEEP_OPERATIONS)[number];

/** What a sweep has to find and do, read off the scenario. */
export interface SweepInputs {
  /** Tasks with desiredStatus RUNNING, per cluster (one entry per cluster, zeros included). */
  readonly runningTasksPerCluster: readonly number[];
  /** Revisions with at least one RUNNING task (their ARNs). */
  readonly inUseArns: readonly string[];
  /** In-use revisions the Config recorder records (found by the ARN look-up). */
  readonly recordedInUse: ReadonlySet<string>;
  /** COMPLIANT or NON_COMPLIANT results the rule reported before this sweep. */
  readonly previousResults: number;
  /** Config resource IDs of those earlier results whose revision no longer runs: the rule looks
   *  them up by resource ID to learn which revision each names before calling it stale. */
  readonly staleResourceIds: readonly string[];
  /** Results that must be sent: new or changed verdicts, and stale ones turning NOT_APPLICABLE. */
  readonly evaluationsToSend: number;
}

const pages = (items: number): number => Math.ceil(items / AWS_BATCH_MAX);

/** ARNs in one look-up query, as the rule packs them (`lookupQueries('arn', …)` from src/core/batch.ts). */
function arnsPerQuery(inUseArns: readonly string[]): string[][] {
  return lookupQueries('arn', [...inUseArns].sort()).map((query) => {
    const list = query.slice(query.lastIndexOf(' IN (') + ' IN ('.length, -1);
    return list.slice(1, -1).split("', '").map((arn) => arn.replace(/''/g, "'"));
  });
}

/** Fewest calls per operation (see docs/performance.md, "Lower bound on calls"). */
export function lowerBound(inputs: SweepInputs): Record<SweepOperation, number> {
  const clusters = inputs.runningTasksPerCluster.length;
  const queries = arnsPerQuery(inputs.inUseArns);
  return {
    ListClusters: Math.max(1, pages(clusters)),
    ListTasks: inputs.runningTasksPerCluster.reduce((n, t) => n + Math.max(1, pages(t)), 0),
    DescribeTasks: inputs.runningTasksPerCluster.reduce((n, t) => n + pages(t), 0),
    // One page per query unless a query could match more rows than a page holds.
    SelectResourceConfig:
      queries.reduce((n, arns) => n + Math.max(1, pages(arns.filter((a) => inputs.recordedInUse.has(a)).length)), 0) +
      lookupQueries('resourceId', inputs.staleResourceIds).length,
    DescribeTaskDefinition: inputs.inUseArns.filter((a) => !inputs.recordedInUse.has(a)).length,
    GetComplianceDetailsByConfigRule: Math.max(1, pages(inputs.previousResults)),
    PutEvaluations: pages(inputs.evaluationsToSend),
  };
}

export const total = (byOperation: Readonly<Record<string, number>>): number => Object.values(byOperation).reduce((a, b) => a + b, 0);

export interface LeastTime {
  readonly seconds: number;
  readonly byBucket: Record<BucketName, { calls: number; seconds: number }>;
}

/**
 * Least time the ECS buckets allow for `calls` (accepted calls per operation): per bucket
 * max(0, (calls - burst) / refill), the least time being the maximum over buckets. Starts from
 * full buckets (a quiet account).
 */
export function leastTime(calls: Readonly<Record<string, number>>): LeastTime {
  const byBucket = {} as LeastTime['byBucket'];
  let seconds = 0;
  for (const [name, bucket] of Object.entries(ECS_BUCKETS) as [BucketName, (typeof ECS_BUCKETS)[BucketName]][]) {
    const n = bucket.operations.reduce((sum, op) => sum + (calls[op] ?? 0), 0);
    const s = Math.max(0, (n - bucket.burst) / bucket.refillPerSecond);
    byBucket[name] = { calls: n, seconds: s };
    seconds = Math.max(seconds, s);
  }
  return { seconds, byBucket };
}

/**
 * Latency bound: round trips on the critical path times the per-call latency, for a sweep in the
 * phases DESIGN.md orders (clusters, tasks, Config look-ups, previous results, report), where a
 * paginated listing is a chain of dependent calls, a cluster is read as the chain ListTasks page ->
 * DescribeTasks of that page, and at most `concurrency` calls are in flight (RULE_ECS_CONCURRENCY).
 * Independent calls within a phase (look-up queries, PutEvaluations batches) may overlap.
 */
export function latencyBound(inputs: SweepInputs, latencyMs: number, concurrency: number): { roundTrips: number; ms: number } {
  const lb = lowerBound(inputs);
  const chains = inputs.runningTasksPerCluster.map((t) => Math.max(1, pages(t)) + pages(t));
  const clusterRounds = Math.max(Math.max(0, ...chains), Math.ceil(chains.reduce((a, b) => a + b, 0) / concurrency));
  const roundTrips =
    lb.ListClusters +
    clusterRounds +
    Math.ceil(lb.SelectResourceConfig / concurrency) +
    Math.ceil(lb.DescribeTaskDefinition / concurrency) +
    lb.GetComplianceDetailsByConfigRule +
    Math.ceil(lb.PutEvaluations / concurrency);
  return { roundTrips, ms: roundTrips * latencyMs };
}
