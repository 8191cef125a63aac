// Folds running tasks into per-revision usage. Keyed by the exact revision ARN, never the family.
import type { RevisionUsage, RunningTask } from './types';

export type UsageIndex = Map<string, RevisionUsage>;

export function addTask(index: UsageIndex, task: RunningTask): void {
  // DescribeTasks runs after ListTasks: a task that stopped in between no longer counts.
  if (task.lastStatus === 'STOPPED') return;
  let usage = index.get(task.taskDefinitionArn);
  if (!usage) {
    usage = { taskCount: 0, clusters: new Set(), services: new Set() };
    index.set(task.taskDefinitionArn, usage);
  }
  usage.taskCount += 1;
  usage.clusters.add(task.clusterName);
  const service = serviceFromGroup(task.group);
  if (service) usage.services.add(service);
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
