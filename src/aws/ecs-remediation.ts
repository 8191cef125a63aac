// ECS reads for a remediation plan (the CLI's remediate --plan): who runs a revision (services and
// standalone tasks), the services' tags, and the revision's full definition. Read-only; every call
// goes through the client's pacing middleware like the sweep's.
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand, type ECSClient, type TaskDefinition } from '@aws-sdk/client-ecs';
import { AWS_BATCH_MAX, chunk } from '../core/batch';
import { AwsCallError, EcsResponseError, quote } from '../core/errors';
import type { PlanService, PlanStandalone } from '../core/remediation';
import { familyOf } from '../core/revision';
import { isInUse, serviceFromGroup } from '../core/usage';

/** DescribeServices takes at most 10 services a call (ECS API reference). */
const DESCRIBE_SERVICES_MAX = 10;

export interface RevisionRunners {
  readonly services: PlanService[];
  readonly standalone: PlanStandalone[];
  /** Tasks of the revision found running (services' and standalone). */
  readonly taskCount: number;
}

/**
 * Who runs `taskDefinitionArn` in the clusters the sweep saw it in. Tasks are listed with the
 * family filter and matched on the exact revision; if that finds fewer tasks than the sweep
 * counted (ListTasks' family filter may leave out tasks of INACTIVE revisions: undocumented), the
 * clusters are listed again without it.
 */
export async function revisionRunners(ecs: ECSClient, taskDefinitionArn: string, clusters: readonly string[], expectedTasks: number): Promise<RevisionRunners> {
  let tasks = await revisionTasks(ecs, taskDefinitionArn, clusters, familyOf(taskDefinitionArn));
  if (tasks.length < expectedTasks) tasks = await revisionTasks(ecs, taskDefinitionArn, clusters, undefined);

  const standalone = new Map<string, { cluster: string; startedBy?: string; taskCount: number }>();
  const serviceNames = new Map<string, Map<string, number>>();
  for (const task of tasks) {
    const service = serviceFromGroup(task.group);
    if (service) {
      const byName = serviceNames.get(task.cluster) ?? new Map<string, number>();
      byName.set(service, (byName.get(service) ?? 0) + 1);
      serviceNames.set(task.cluster, byName);
      continue;
    }
    const key = `${task.cluster}\u0000${task.startedBy ?? ''}`;
    const entry = standalone.get(key) ?? { cluster: task.cluster, ...(task.startedBy ? { startedBy: task.startedBy } : {}), taskCount: 0 };
    entry.taskCount += 1;
    standalone.set(key, entry);
  }

  const services: PlanService[] = [];
  for (const [cluster, byName] of serviceNames) {
    for (const names of chunk([...byName.keys()].sort(), DESCRIBE_SERVICES_MAX)) {
      const out = await call('DescribeServices', `cluster ${quote(cluster)}`, ecs.send(new DescribeServicesCommand({ cluster, services: names, include: ['TAGS'] })));
      for (const s of out.services ?? []) {
        if (!s.serviceName) continue;
        services.push({
          cluster,
          service: s.serviceName,
          desiredCount: s.desiredCount ?? 0,
          runningCount: byName.get(s.serviceName) ?? 0,
          tags: (s.tags ?? []).flatMap((t) => (t.key !== undefined ? [{ key: t.key, value: t.value ?? '' }] : [])),
        });
      }
      // A service deleted since its tasks were listed keeps its tasks draining: list them as standalone.
      for (const f of out.failures ?? []) {
        const name = f.arn?.slice(f.arn.lastIndexOf('/') + 1);
        if (f.reason !== 'MISSING' || !name) throw new EcsResponseError(`DescribeServices could not describe ${quote(f.arn ?? '?')} in cluster ${quote(cluster)} (${f.reason ?? 'no reason'})`);
        standalone.set(`${cluster}\u0000service:${name}`, { cluster, startedBy: `service:${name} (deleted)`, taskCount: byName.get(name) ?? 0 });
      }
    }
  }
  return { services, standalone: [...standalone.values()], taskCount: tasks.length };
}

interface RevisionTask {
  readonly cluster: string;
  readonly group?: string;
  readonly startedBy?: string;
}

async function revisionTasks(ecs: ECSClient, taskDefinitionArn: string, clusters: readonly string[], family: string | undefined): Promise<RevisionTask[]> {
  const found: RevisionTask[] = [];
  for (const cluster of clusters) {
    let nextToken: string | undefined;
    do {
      const page = await call(
        'ListTasks',
        `cluster ${quote(cluster)}`,
        ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING', maxResults: AWS_BATCH_MAX, nextToken, ...(family ? { family } : {}) })),
      );
      nextToken = page.nextToken;
      for (const taskArns of chunk(page.taskArns ?? [])) {
        const { tasks = [] } = await call('DescribeTasks', `cluster ${quote(cluster)}`, ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns })));
        for (const task of tasks) {
          if (task.taskDefinitionArn !== taskDefinitionArn || !isInUse(task)) continue;
          found.push({ cluster, ...(task.group ? { group: task.group } : {}), ...(task.startedBy ? { startedBy: task.startedBy } : {}) });
        }
      }
    } while (nextToken);
  }
  return found;
}

/** The revision's full definition and its tags, as DescribeTaskDefinition returns them. */
export async function describeFullRevision(ecs: ECSClient, taskDefinitionArn: string): Promise<{ taskDefinition: TaskDefinition; tags: Array<{ key?: string; value?: string }> }> {
  const out = await call(
    'DescribeTaskDefinition',
    `revision ${quote(taskDefinitionArn)}`,
    ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn, include: ['TAGS'] })),
  );
  if (!out.taskDefinition) throw new EcsResponseError(`DescribeTaskDefinition returned no task definition for ${quote(taskDefinitionArn)}`);
  return { taskDefinition: out.taskDefinition, tags: out.tags ?? [] };
}

async function call<T>(operation: string, resource: string, sent: Promise<T>): Promise<T> {
  try {
    return await sent;
  } catch (cause) {
    throw new AwsCallError(operation, resource, { cause });
  }
}
