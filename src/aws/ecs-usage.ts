// ECS adapter: which task definition revisions have tasks with desiredStatus RUNNING.
// ListTasks has no revision filter (only family), so tasks are described and matched on the
// exact taskDefinitionArn. Every call is paced by the client's token-bucket middleware.
import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  paginateListClusters,
  paginateListTasks,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { AWS_BATCH_MAX, chunk } from '../core/batch';
import { mapSettled } from '../core/concurrency';
import { DiscoveryError, EcsResponseError, type ClusterFailure } from '../core/errors';
import { revisionFacts } from '../core/revision';
import type { RevisionFacts } from '../core/types';
import { addTask, clusterName, type UsageIndex } from '../core/usage';

export interface DiscoveryOptions {
  /** Only tasks of this family (change events); the whole account when absent (periodic runs). */
  readonly family?: string;
  /** Clusters read at once. */
  readonly concurrency: number;
}

export interface DiscoveryResult {
  readonly usage: UsageIndex;
  readonly clusterCount: number;
  readonly taskCount: number;
  /** Clusters that could not be read; usage from them may be missing. */
  readonly failures: ClusterFailure[];
}

export async function discoverUsage(ecs: ECSClient, options: DiscoveryOptions): Promise<DiscoveryResult> {
  const clusterArns = await listClusters(ecs);
  const usage: UsageIndex = new Map();
  let taskCount = 0;
  const outcomes = await mapSettled(clusterArns, options.concurrency, async (clusterArn) => {
    // Not `taskCount += await ...`: that reads taskCount before the await and loses updates.
    const running = await readCluster(ecs, clusterArn, options.family, usage).catch((error: unknown) => {
      // Deleted between ListClusters and ListTasks: a cluster that no longer exists runs nothing.
      if (error instanceof Error && error.name === 'ClusterNotFoundException') return 0;
      throw error;
    });
    taskCount += running;
  });
  const failures: ClusterFailure[] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'rejected') failures.push({ cluster: clusterName(clusterArns[i] as string), cause: outcome.reason });
  });
  return { usage, clusterCount: clusterArns.length, taskCount, failures };
}

async function listClusters(ecs: ECSClient): Promise<string[]> {
  const arns: string[] = [];
  try {
    for await (const page of paginateListClusters({ client: ecs, pageSize: AWS_BATCH_MAX }, {})) {
      arns.push(...(page.clusterArns ?? []));
    }
  } catch (cause) {
    // Without the cluster list nothing can be established.
    throw new DiscoveryError([{ cluster: '(ListClusters)', cause }]);
  }
  return arns;
}

/** Lists and describes one cluster page by page, so memory holds one page of task ARNs at a time. */
async function readCluster(ecs: ECSClient, clusterArn: string, family: string | undefined, usage: UsageIndex): Promise<number> {
  const name = clusterName(clusterArn);
  let running = 0;
  const pages = paginateListTasks(
    { client: ecs, pageSize: AWS_BATCH_MAX },
    { cluster: clusterArn, desiredStatus: 'RUNNING', ...(family ? { family } : {}) },
  );
  for await (const page of pages) {
    // A page should hold at most 100 tasks, but DescribeTasks' limit is not ours to trust to it.
    for (const taskArns of chunk(page.taskArns ?? [])) {
      const { tasks = [], failures = [] } = await ecs.send(new DescribeTasksCommand({ cluster: clusterArn, tasks: taskArns }));
      // MISSING: the task stopped and was reaped between ListTasks and DescribeTasks.
      const unexplained = failures.filter((f) => f.reason !== 'MISSING');
      if (unexplained.length > 0) {
        throw new EcsResponseError(`DescribeTasks could not describe ${unexplained.length} task(s) (${unexplained[0]?.reason ?? 'no reason'})`);
      }
      for (const task of tasks) {
        // A task we cannot attribute to a revision would make "not in use" a guess.
        if (!task.taskDefinitionArn) throw new EcsResponseError('DescribeTasks returned a task without taskDefinitionArn');
        if (task.lastStatus === 'STOPPED') continue;
        addTask(usage, { taskDefinitionArn: task.taskDefinitionArn, clusterName: name, group: task.group, lastStatus: task.lastStatus });
        running += 1;
      }
    }
  }
  return running;
}

/** For running revisions that AWS Config has no record of. */
export async function describeRevision(ecs: ECSClient, taskDefinitionArn: string): Promise<RevisionFacts> {
  const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }));
  return revisionFacts(taskDefinition, taskDefinitionArn, taskDefinitionArn);
}
