// ECS adapter: which task definition revisions have tasks with desiredStatus RUNNING.
// ListTasks has no revision filter (only family), so tasks are described and matched on the
// exact taskDefinitionArn. Every call is paced by the client's token-bucket middleware.
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListClustersCommand,
  ListTasksCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { AWS_BATCH_MAX, chunk } from '../core/batch';
import { mapSettled } from '../core/concurrency';
import { abortable, abortError } from '../core/deadline';
import { AwsCallError, DiscoveryError, EcsResponseError, isAbort, quote, type ClusterFailure } from '../core/errors';
import { revisionFacts } from '../core/revision';
import type { RevisionFacts } from '../core/types';
import { addTask, clusterName, type UsageIndex } from '../core/usage';

export interface DiscoveryOptions {
  /** Only tasks of this family (change events); the whole account when absent (periodic runs). */
  readonly family?: string;
  /** Clusters read at once. */
  readonly concurrency: number;
  /**
   * Fires when the time reserved for discovery is over: in-flight calls and their retries are
   * abandoned, clusters not yet read are left unread, and what was seen so far is returned.
   */
  readonly signal?: AbortSignal;
  /** Told the cluster count as soon as it is known (for the start-up time estimate). */
  readonly onClusters?: (count: number) => void;
}

export interface DiscoveryResult {
  readonly usage: UsageIndex;
  readonly clusterCount: number;
  /** Clusters read to the end. Less than clusterCount when failures or the time limit cut it short. */
  readonly clustersRead: number;
  readonly taskCount: number;
  /** Clusters that could not be read; usage from them may be missing. */
  readonly failures: ClusterFailure[];
  /** The time limit stopped discovery before every cluster was read. */
  readonly interrupted: boolean;
}

export async function discoverUsage(ecs: ECSClient, options: DiscoveryOptions): Promise<DiscoveryResult> {
  const { signal } = options;
  let clusterArns: string[];
  try {
    clusterArns = await listClusters(ecs, signal);
  } catch (error) {
    // The time limit came before the cluster list: nothing was read, and nothing is concluded.
    if (isAbort(error)) return { usage: new Map(), clusterCount: 0, clustersRead: 0, taskCount: 0, failures: [], interrupted: true };
    throw error;
  }
  options.onClusters?.(clusterArns.length);
  const usage: UsageIndex = new Map();
  let taskCount = 0;
  let clustersRead = 0;
  const outcomes = await mapSettled(clusterArns, options.concurrency, async (clusterArn) => {
    // Not `taskCount += await ...`: that reads taskCount before the await and loses updates.
    const running = await readCluster(ecs, clusterArn, options.family, usage, signal).catch((error: unknown) => {
      // Deleted between ListClusters and ListTasks: a cluster that no longer exists runs nothing.
      if (error instanceof Error && error.name === 'ClusterNotFoundException') return 0;
      throw error;
    });
    taskCount += running;
    clustersRead += 1;
  });
  const failures: ClusterFailure[] = [];
  let interrupted = false;
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') return;
    if (isAbort(outcome.reason)) interrupted = true;
    else failures.push({ cluster: clusterName(clusterArns[i] as string), cause: outcome.reason });
  });
  return { usage, clusterCount: clusterArns.length, clustersRead, taskCount, failures, interrupted };
}

async function listClusters(ecs: ECSClient, signal: AbortSignal | undefined): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await abortable(ecs.send(new ListClustersCommand({ maxResults: AWS_BATCH_MAX, nextToken }), { abortSignal: signal }), signal);
      arns.push(...(page.clusterArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (cause) {
    if (isAbort(cause)) throw cause;
    // Without the cluster list nothing can be established.
    throw new DiscoveryError([{ cluster: '(ListClusters)', cause }]);
  }
  return arns;
}

/** Lists and describes one cluster page by page, so memory holds one page of task ARNs at a time. */
async function readCluster(
  ecs: ECSClient,
  clusterArn: string,
  family: string | undefined,
  usage: UsageIndex,
  signal: AbortSignal | undefined,
): Promise<number> {
  const name = clusterName(clusterArn);
  let running = 0;
  let nextToken: string | undefined;
  do {
    const page = await call('ListTasks', name, signal, () =>
      ecs.send(
        new ListTasksCommand({ cluster: clusterArn, desiredStatus: 'RUNNING', maxResults: AWS_BATCH_MAX, nextToken, ...(family ? { family } : {}) }),
        { abortSignal: signal },
      ),
    );
    nextToken = page.nextToken;
    // A page should hold at most 100 tasks, but DescribeTasks' limit is not ours to trust to it.
    for (const taskArns of chunk(page.taskArns ?? [])) {
      const { tasks = [], failures = [] } = await call('DescribeTasks', name, signal, () =>
        ecs.send(new DescribeTasksCommand({ cluster: clusterArn, tasks: taskArns }), { abortSignal: signal }),
      );
      // MISSING: the task stopped and was reaped between ListTasks and DescribeTasks.
      const unexplained = failures.filter((f) => f.reason !== 'MISSING');
      if (unexplained.length > 0) {
        throw new EcsResponseError(`DescribeTasks could not describe ${unexplained.length} task(s) in cluster ${quote(name)} (${unexplained[0]?.reason ?? 'no reason'})`);
      }
      for (const task of tasks) {
        // A task we cannot attribute to a revision (or whose desired state is unknown) would make
        // "not in use" a guess.
        if (!task.taskDefinitionArn || !task.desiredStatus) {
          throw new EcsResponseError(`DescribeTasks returned a task without taskDefinitionArn or desiredStatus in cluster ${quote(name)}`);
        }
        const facts = { taskDefinitionArn: task.taskDefinitionArn, clusterName: name, group: task.group, lastStatus: task.lastStatus, desiredStatus: task.desiredStatus };
        if (addTask(usage, facts)) running += 1;
      }
    }
  } while (nextToken);
  return running;
}

/**
 * Names the operation and cluster in a failure; an abandoned call stays an AbortError. Once the
 * signal has fired no call is made at all: a sent call would still be counted and take a pacing
 * token (the account's buckets outlive this invocation), for a cluster nobody will read.
 */
async function call<T>(operation: string, cluster: string, signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
  try {
    if (signal?.aborted) throw abortError('time reserved for discovery is over');
    return await abortable(send(), signal);
  } catch (cause) {
    if (isAbort(cause) || (cause instanceof Error && cause.name === 'ClusterNotFoundException')) throw cause;
    throw new AwsCallError(operation, `cluster ${quote(cluster)}`, { cause });
  }
}

/** For running revisions that AWS Config has no record of (or recorded without a configuration). */
export async function describeRevision(ecs: ECSClient, taskDefinitionArn: string, signal?: AbortSignal): Promise<RevisionFacts> {
  let taskDefinition;
  try {
    ({ taskDefinition } = await abortable(
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }), { abortSignal: signal }),
      signal,
    ));
  } catch (cause) {
    throw new AwsCallError('DescribeTaskDefinition', `revision ${quote(taskDefinitionArn)}`, { cause });
  }
  return revisionFacts(taskDefinition, taskDefinitionArn, taskDefinitionArn);
}
