// Wires aws-sdk-client-mock's ECS mock to a small in-memory account: paginated ListClusters and
// ListTasks (family and desiredStatus filters, 100 per page) and DescribeTasks (<= 100 tasks).
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ListClustersCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import type { AwsStub } from 'aws-sdk-client-mock';
import { ACCOUNT, clusterArn } from './fixtures';

export interface FakeTask {
  readonly taskDefinitionArn: string;
  readonly lastStatus?: string;
  readonly desiredStatus?: string;
  readonly group?: string;
}

export interface FakeEcsAccount {
  readonly clusters: Record<string, readonly FakeTask[]>;
  /** Task definitions DescribeTaskDefinition knows, by ARN (camelCase, as the ECS API returns them). */
  readonly taskDefinitions?: Record<string, { pidMode?: string; status?: string }>;
  readonly account?: string;
}

type EcsMock = AwsStub<any, any, any>;

function page<T>(items: readonly T[], token: string | undefined, max = 100): { items: T[]; next?: string } {
  const start = token ? Number(token) : 0;
  const size = Math.min(max, 100);
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { items: slice, next: String(start + size) } : { items: slice };
}

export function fakeEcs(mock: EcsMock, world: FakeEcsAccount): void {
  const account = world.account ?? ACCOUNT;
  const names = Object.keys(world.clusters);
  const taskArn = (cluster: string, i: number): string => `arn:aws:ecs:us-east-1:${account}:task/${cluster}/${String(i).padStart(32, '0')}`;
  const byArn = new Map<string, FakeTask & { cluster: string }>();
  for (const name of names) world.clusters[name]!.forEach((t, i) => byArn.set(taskArn(name, i), { ...t, cluster: name }));

  mock.on(ListClustersCommand).callsFake((input) => {
    const p = page(names.map((n) => clusterArn(n, account)), input.nextToken, input.maxResults);
    return { clusterArns: p.items, nextToken: p.next };
  });
  mock.on(ListTasksCommand).callsFake((input) => {
    const name = String(input.cluster).split('/').pop()!;
    const tasks = (world.clusters[name] ?? [])
      .map((t, i) => ({ t, arn: taskArn(name, i) }))
      .filter(({ t }) => (t.desiredStatus ?? 'RUNNING') === (input.desiredStatus ?? 'RUNNING'))
      .filter(({ t }) => !input.family || t.taskDefinitionArn.split('/').pop()!.split(':')[0] === input.family);
    const p = page(tasks.map((x) => x.arn), input.nextToken, input.maxResults);
    return { taskArns: p.items, nextToken: p.next };
  });
  mock.on(DescribeTasksCommand).callsFake((input) => {
    if ((input.tasks ?? []).length > 100) throw Object.assign(new Error('too many tasks'), { name: 'InvalidParameterException' });
    return {
      tasks: (input.tasks ?? []).map((arn: string) => {
        const t = byArn.get(arn)!;
        return { taskArn: arn, clusterArn: clusterArn(t.cluster, account), taskDefinitionArn: t.taskDefinitionArn, lastStatus: t.lastStatus ?? 'RUNNING', desiredStatus: t.desiredStatus ?? 'RUNNING', group: t.group };
      }),
      failures: [],
    };
  });
  mock.on(DescribeTaskDefinitionCommand).callsFake((input) => {
    const td = world.taskDefinitions?.[input.taskDefinition];
    if (!td) throw Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException' });
    return { taskDefinition: { taskDefinitionArn: input.taskDefinition, status: td.status ?? 'ACTIVE', ...(td.pidMode ? { pidMode: td.pidMode } : {}) } };
  });
}

export const awsError = (name: string, message = name): Error => Object.assign(new Error(message), { name, $metadata: {} });
