// Folds running tasks into per-revision usage. Keyed by the exact revision ARN, never the family.
import type { RevisionUsage, RunningTask } from './types';

export type UsageIndex = Map<string, RevisionUsage>;

/** Adds the task when it counts as use; says whether it did. */
export function addTask(index: UsageIndex, task: RunningTask): boolean {
  // ListTasks with desiredStatus RUNNING "might" list recently stopped tasks (ListTasks reference),
  // and DescribeTasks runs after it: only a task ECS still wants running, and that has not
  // stopped, counts as use.
  if (!isInUse(task)) return false;
  let usage = index.get(task.taskDefinitionArn);
  if (!usage) {
    usage = { taskCount: 0, clusters: new Set(), services: new Set() };
    index.set(task.taskDefinitionArn, usage);
  }
  usage.taskCount += 1;
  usage.clusters.add(task.clusterName);
  const service = serviceFromGroup(task.group);
  if (service) usage.services.add(service);
  return true;
}

export function isInUse(task: Pick<RunningTask, 'desiredStatus' | 'lastStatus'>): boolean {
  return task.desiredStatus === 'RUNNING' && task.lastStatus !== 'STOPPED';
}

/** "service:api" -> "api"; standalone tasks ("family:x") have no service. */
export function serviceFromGroup(group: string | undefined): string | undefined {
  return group?.startsWith('service:') ? group.slice('service:'.length) || undefined : undefined;
}

/** arn:aws:ecs:us-east-1:123456789012:cluster/prod-a -> prod-a; a bare name stays as it is. */
export function clusterName(clusterArnOrName: string): string {
  const slash = clusterArnOrName.indexOf(':cluster/');
  return slash >= 0 ? clusterArnOrName.slice(slash + ':cluster/'.length) : clusterArnOrName;
}
