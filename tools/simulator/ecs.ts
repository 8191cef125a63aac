/**
 * Amazon ECS read API (awsJson1_1, target prefix AmazonEC2ContainerServiceV20141113).
 * Limits follow the API reference: maxResults 1-100, DescribeTasks/DescribeClusters at most 100 names.
 */
import type { CallContext, JsonOperation } from './context';
import { AwsError } from './errors';
import { parseTaskDefinitionRef, serviceArnOf, taskArnOf, taskDefinitionArnOf, type ScenarioTag } from './model';
import { decodePageToken, page } from './pagination';
import { optInteger, optString, optStringList, type JsonInput } from './params';
import type { ClusterRecord, RegionState, TaskDefinitionRecord, TaskRecord } from './state';

const invalidParameter = (message: string): AwsError => new AwsError('InvalidParameterException', message);
const invalidToken = (): AwsError => invalidParameter('Invalid nextToken.');

const DESIRED_STATUSES = ['RUNNING', 'PENDING', 'STOPPED'];
const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'];
const TASK_DEFINITION_STATUSES = ['ACTIVE', 'INACTIVE', 'DELETE_IN_PROGRESS'];

const pageSize = (input: JsonInput): number => {
  const maxResults = optInteger(input, 'maxResults');
  if (maxResults === undefined) return 100;
  if (maxResults < 1 || maxResults > 100) {
    throw invalidParameter('maxResults must be between 1 and 100.');
  }
  return maxResults;
};

/** Cluster name from a name or an ARN; "default" when absent. Exported for fault matching. */
export const clusterNameOf = (ref: string | undefined): string => {
  if (ref === undefined || ref === '') return 'default';
  const slash = ref.startsWith('arn:') ? ref.indexOf(':cluster/') : -1;
  return slash >= 0 ? ref.slice(slash + 9) : ref;
};

const resolveCluster = (rs: RegionState, ref: string | undefined): ClusterRecord => {
  if (ref !== undefined && ref.startsWith('arn:')) {
    const match = /^arn:aws:ecs:([^:]+):(\d{12}):cluster\/(.+)$/.exec(ref);
    if (!match || match[1] !== rs.region || match[2] !== rs.accountId) {
      throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
    }
  }
  const cluster = rs.clusters.get(clusterNameOf(ref));
  if (!cluster) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
  return cluster;
};

const familyOf = (taskDefinitionArn: string): string | undefined => parseTaskDefinitionRef(taskDefinitionArn)?.family;

const listClusters: JsonOperation = (ctx, input) => {
  const size = pageSize(input);
  const binding = `ecs:ListClusters:${ctx.rs.accountId}:${ctx.rs.region}`;
  const offset = decodePageToken(optString(input, 'nextToken'), binding, invalidToken);
  const result = page(ctx.rs.clusterList, offset, size, binding);
  return { clusterArns: result.items.map((c) => c.arn), ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
};

const listTasks: JsonOperation = (ctx, input) => {
  const cluster = resolveCluster(ctx.rs, optString(input, 'cluster'));
  const desiredStatus = optString(input, 'desiredStatus') ?? 'RUNNING';
  if (!DESIRED_STATUSES.includes(desiredStatus)) throw invalidParameter(`Invalid desiredStatus: ${desiredStatus}`);
  const launchType = optString(input, 'launchType');
  if (launchType !== undefined && !LAUNCH_TYPES.includes(launchType)) {
    throw invalidParameter(`Invalid launchType: ${launchType}`);
  }
  const family = optString(input, 'family');
  const serviceName = optString(input, 'serviceName');
  const startedBy = optString(input, 'startedBy');
  if (optString(input, 'containerInstance') !== undefined) {
    // The simulator models no container instances; silently ignoring the filter would return wrong data.
    throw invalidParameter('containerInstance filter is not supported by the simulator.');
  }
  const size = pageSize(input);
  const filterKey = JSON.stringify([desiredStatus, family, serviceName, startedBy, launchType]);
  const binding = `ecs:ListTasks:${ctx.rs.accountId}:${ctx.rs.region}:${cluster.name}:${filterKey}`;
  const offset = decodePageToken(optString(input, 'nextToken'), binding, invalidToken);

  const activeOnly = family !== undefined && ctx.behaviour.listTasksFamilyFilter === 'active-only';
  // With the active-only reading, deregistering a revision also changes what the filter lists.
  const generation = activeOnly ? `${cluster.generation}/${ctx.rs.taskDefinitionGeneration}` : String(cluster.generation);
  let cached = cluster.listCache.get(filterKey);
  if (!cached || cached.generation !== generation) {
    const group = serviceName !== undefined ? `service:${serviceName}` : undefined;
    const arns: string[] = [];
    // "You can filter on a desiredStatus of PENDING, but it doesn't return any results" (ListTasks reference).
    if (desiredStatus !== 'PENDING') {
      for (const task of cluster.tasks) {
        const stoppingListed =
          ctx.behaviour.listTasksIncludesStopping && desiredStatus === 'RUNNING' && task.desiredStatus === 'STOPPED' && task.lastStatus !== 'STOPPED';
        if (task.desiredStatus !== desiredStatus && !stoppingListed) continue;
        if (family !== undefined && familyOf(task.taskDefinitionArn) !== family) continue;
        if (group !== undefined && task.group !== group) continue;
        if (startedBy !== undefined && task.startedBy !== startedBy) continue;
        if (launchType !== undefined && task.launchType !== launchType) continue;
        if (activeOnly && ctx.rs.taskDefinitions.get(task.taskDefinitionArn)?.status !== 'ACTIVE') continue;
        arns.push(task.arn);
      }
    }
    cached = { generation, arns };
    cluster.listCache.set(filterKey, cached);
  }
  const result = page(cached.arns, offset, size, binding);
  return { taskArns: result.items, ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
};

const taskJson = (rs: RegionState, task: TaskRecord): Record<string, unknown> => {
  const td = rs.taskDefinitions.get(task.taskDefinitionArn);
  const containerStatus = task.lastStatus === 'RUNNING' ? 'RUNNING' : task.lastStatus === 'STOPPED' ? 'STOPPED' : 'PENDING';
  return {
    taskArn: task.arn,
    clusterArn: task.clusterArn,
    taskDefinitionArn: task.taskDefinitionArn,
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    launchType: task.launchType,
    group: task.group,
    ...(task.startedBy !== undefined ? { startedBy: task.startedBy } : {}),
    createdAt: task.createdAt,
    ...(task.startedAt !== undefined ? { startedAt: task.startedAt } : {}),
    ...(task.stoppedAt !== undefined ? { stoppedAt: task.stoppedAt } : {}),
    version: 1,
    availabilityZone: `${rs.region}a`,
    connectivity: 'CONNECTED',
    healthStatus: 'UNKNOWN',
    attachments: [],
    attributes: [],
    tags: [],
    overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [] },
    containers: (td?.containerDefinitions ?? []).map((c, i) => ({
      containerArn: `arn:aws:ecs:${rs.region}:${rs.accountId}:container/${task.clusterName}/${task.id}/${task.id.slice(0, 24)}${String(i).padStart(8, '0')}`,
      taskArn: task.arn,
      name: c.name,
      image: c.image,
      lastStatus: containerStatus,
      healthStatus: 'UNKNOWN',
    })),
  };
};

const describeTasks: JsonOperation = (ctx, input) => {
  const cluster = resolveCluster(ctx.rs, optString(input, 'cluster'));
  const refs = optStringList(input, 'tasks') ?? [];
  if (refs.length === 0) throw invalidParameter('Tasks cannot be empty.');
  if (refs.length > 100) throw invalidParameter('Too many tasks were provided. Maximum is 100.');
  const tasks: Record<string, unknown>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    let id = ref;
    let clusterOk = true;
    if (ref.startsWith('arn:')) {
      const match = /^arn:aws:ecs:([^:]+):(\d{12}):task\/(?:([^/]+)\/)?([^/]+)$/.exec(ref);
      clusterOk =
        !!match && match[1] === ctx.rs.region && match[2] === ctx.rs.accountId && (match[3] ?? cluster.name) === cluster.name;
      id = match?.[4] ?? ref;
    }
    const task = clusterOk ? cluster.byId.get(id) : undefined;
    if (!task) {
      failures.push({ arn: ref.startsWith('arn:') ? ref : taskArnOf(ctx.rs.region, ctx.rs.accountId, cluster.name, ref), reason: 'MISSING' });
      continue;
    }
    if (seen.has(task.id)) continue;
    seen.add(task.id);
    tasks.push(taskJson(ctx.rs, task));
  }
  return { tasks, failures };
};

const compatibilitiesOf = (td: TaskDefinitionRecord): string[] => {
  const out = ['EC2', 'EXTERNAL'];
  if (td.networkMode === 'awsvpc' && td.pidMode !== 'host') out.push('FARGATE');
  return out;
};

const taskDefinitionJson = (rs: RegionState, td: TaskDefinitionRecord): Record<string, unknown> => {
  const fargate = td.requiresCompatibilities.includes('FARGATE');
  return {
    taskDefinitionArn: td.arn,
    family: td.family,
    revision: td.revision,
    status: td.status,
    containerDefinitions: td.containerDefinitions.map((c) => ({
      name: c.name,
      image: c.image,
      cpu: 0,
      essential: true,
      environment: (c.environment ?? []).map((e) => ({ name: e.name, value: e.value })),
      portMappings: [],
      mountPoints: [],
      volumesFrom: [],
    })),
    networkMode: td.networkMode,
    ...(td.pidMode !== undefined ? { pidMode: td.pidMode } : {}),
    volumes: [],
    placementConstraints: [],
    requiresAttributes: [],
    compatibilities: compatibilitiesOf(td),
    requiresCompatibilities: [...td.requiresCompatibilities],
    ...(fargate ? { cpu: '256', memory: '512' } : {}),
    registeredAt: td.registeredAt,
    registeredBy: `arn:aws:iam::${rs.accountId}:root`,
    ...(td.deregisteredAt !== undefined ? { deregisteredAt: td.deregisteredAt } : {}),
  };
};

const describeTaskDefinition: JsonOperation = (ctx, input) => {
  const ref = optString(input, 'taskDefinition');
  if (ref === undefined || ref === '') throw new AwsError('ClientException', 'taskDefinition is required.');
  const { rs } = ctx;
  const notFound = (): AwsError => new AwsError('ClientException', 'Unable to describe task definition.');
  let td: TaskDefinitionRecord | undefined;
  if (ref.startsWith('arn:')) {
    const match = /^arn:aws:ecs:([^:]+):(\d{12}):task-definition\/[^/]+$/.exec(ref);
    if (!match || match[1] !== rs.region || match[2] !== rs.accountId) throw notFound();
    td = rs.taskDefinitions.get(ref);
  } else if (ref.includes(':')) {
    const parsed = parseTaskDefinitionRef(ref);
    if (!parsed) throw notFound();
    td = rs.taskDefinitions.get(taskDefinitionArnOf(rs.region, rs.accountId, parsed.family, parsed.revision));
  } else {
    // A bare family means its latest ACTIVE revision.
    const revisions = rs.families.get(ref) ?? [];
    td = [...revisions].reverse().find((r) => r.status === 'ACTIVE');
  }
  if (!td) throw notFound();
  const include = optStringList(input, 'include') ?? [];
  return { taskDefinition: taskDefinitionJson(rs, td), ...(include.includes('TAGS') ? { tags: [] } : {}) };
};

const listTaskDefinitions: JsonOperation = (ctx, input) => {
  const status = optString(input, 'status') ?? 'ACTIVE';
  if (!TASK_DEFINITION_STATUSES.includes(status)) throw invalidParameter(`Invalid status: ${status}`);
  const sort = optString(input, 'sort') ?? 'ASC';
  if (sort !== 'ASC' && sort !== 'DESC') throw invalidParameter(`Invalid sort: ${sort}`);
  const familyPrefix = optString(input, 'familyPrefix');
  const size = pageSize(input);
  const key = `ListTaskDefinitions:${JSON.stringify([status, sort, familyPrefix])}`;
  const binding = `ecs:${key}:${ctx.rs.accountId}:${ctx.rs.region}`;
  const offset = decodePageToken(optString(input, 'nextToken'), binding, invalidToken);
  let cached = ctx.rs.queryCache.get(key);
  if (!cached || cached.generation !== ctx.rs.taskDefinitionGeneration) {
    const rows = [...ctx.rs.taskDefinitions.values()]
      .filter((td) => td.status === status && (familyPrefix === undefined || td.family.startsWith(familyPrefix)))
      .sort((a, b) => (a.family < b.family ? -1 : a.family > b.family ? 1 : a.revision - b.revision))
      .map((td) => td.arn);
    if (sort === 'DESC') rows.reverse();
    cached = { generation: ctx.rs.taskDefinitionGeneration, rows };
    ctx.rs.queryCache.set(key, cached);
  }
  const result = page(cached.rows as string[], offset, size, binding);
  return { taskDefinitionArns: result.items, ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
};

const describeClusters: JsonOperation = (ctx: CallContext, input) => {
  const refs = optStringList(input, 'clusters') ?? ['default'];
  if (refs.length > 100) throw invalidParameter('Too many clusters were provided. Maximum is 100.');
  const clusters: Record<string, unknown>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of refs) {
    let cluster: ClusterRecord | undefined;
    try {
      cluster = resolveCluster(ctx.rs, ref);
    } catch {
      cluster = undefined;
    }
    if (!cluster) {
      failures.push({ arn: ref.startsWith('arn:') ? ref : `arn:aws:ecs:${ctx.rs.region}:${ctx.rs.accountId}:cluster/${ref}`, reason: 'MISSING' });
      continue;
    }
    let running = 0;
    let pending = 0;
    for (const task of cluster.tasks) {
      if (task.lastStatus === 'RUNNING') running += 1;
      else if (task.lastStatus === 'PENDING' || task.lastStatus === 'PROVISIONING' || task.lastStatus === 'ACTIVATING') pending += 1;
    }
    clusters.push({
      clusterArn: cluster.arn,
      clusterName: cluster.name,
      status: 'ACTIVE',
      registeredContainerInstancesCount: 0,
      runningTasksCount: running,
      pendingTasksCount: pending,
      activeServicesCount: servicesOf(ctx.rs, cluster).size,
      statistics: [],
      tags: [],
      settings: [],
      capacityProviders: [],
      defaultCapacityProviderStrategy: [],
    });
  }
  return { clusters, failures };
};

// ------------------------------------------------------------------------------------ services
// A service is what the scenario declares in a cluster plus every task group "service:<name>" among
// its tasks (ECS gives a service's tasks that group). Its deployments are the revisions its tasks
// with desiredStatus RUNNING run: PRIMARY for the service's revision, ACTIVE for the others (a
// rolling update in progress).

interface ServiceView {
  name: string;
  arn: string;
  taskDefinition?: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  launchType: string;
  tags: ScenarioTag[];
  createdAt: number;
  deployments: Array<{ taskDefinition: string; running: number; pending: number }>;
}

const revisionNumber = (arn: string): number => parseTaskDefinitionRef(arn)?.revision ?? 0;

const servicesOf = (rs: RegionState, cluster: ClusterRecord): Map<string, ServiceView> => {
  // service name -> revision -> { running, pending }
  const counts = new Map<string, Map<string, { running: number; pending: number }>>();
  for (const task of cluster.tasks) {
    if (!task.group.startsWith('service:') || task.desiredStatus !== 'RUNNING' || task.lastStatus === 'STOPPED') continue;
    const name = task.group.slice('service:'.length);
    let byRevision = counts.get(name);
    if (!byRevision) counts.set(name, (byRevision = new Map()));
    const c = byRevision.get(task.taskDefinitionArn) ?? { running: 0, pending: 0 };
    if (task.lastStatus === 'RUNNING') c.running += 1;
    else c.pending += 1;
    byRevision.set(task.taskDefinitionArn, c);
  }
  const names = [...cluster.services.keys(), ...[...counts.keys()].filter((n) => !cluster.services.has(n))];
  const out = new Map<string, ServiceView>();
  for (const name of names) {
    const declared = cluster.services.get(name);
    const byRevision = counts.get(name) ?? new Map<string, { running: number; pending: number }>();
    const ranked = [...byRevision].sort(([a, x], [b, y]) => y.running + y.pending - (x.running + x.pending) || revisionNumber(b) - revisionNumber(a));
    const primary = declared?.taskDefinitionArn ?? ranked[0]?.[0];
    let running = 0;
    let pending = 0;
    for (const c of byRevision.values()) {
      running += c.running;
      pending += c.pending;
    }
    const revisions = primary ? [primary, ...ranked.map(([arn]) => arn).filter((arn) => arn !== primary)] : [];
    out.set(name, {
      name,
      arn: serviceArnOf(rs.region, rs.accountId, cluster.name, name),
      ...(primary ? { taskDefinition: primary } : {}),
      desiredCount: declared?.desiredCount ?? running + pending,
      runningCount: running,
      pendingCount: pending,
      launchType: declared?.launchType ?? 'EC2',
      tags: declared?.tags ?? [],
      createdAt: declared?.createdAt ?? 1_600_000_000,
      deployments: revisions.map((arn) => ({ taskDefinition: arn, running: byRevision.get(arn)?.running ?? 0, pending: byRevision.get(arn)?.pending ?? 0 })),
    });
  }
  return out;
};

const deploymentId = (serviceArn: string, index: number): string => {
  let hash = 7;
  for (const ch of serviceArn) hash = (hash * 31 + ch.charCodeAt(0)) % 1_000_000_007;
  return `ecs-svc/${String(hash).padStart(10, '0')}${String(index).padStart(9, '0')}`;
};

const serviceJson = (cluster: ClusterRecord, service: ServiceView, withTags: boolean): Record<string, unknown> => ({
  serviceArn: service.arn,
  serviceName: service.name,
  clusterArn: cluster.arn,
  status: 'ACTIVE',
  desiredCount: service.desiredCount,
  runningCount: service.runningCount,
  pendingCount: service.pendingCount,
  launchType: service.launchType,
  ...(service.taskDefinition ? { taskDefinition: service.taskDefinition } : {}),
  deployments: service.deployments.map((d, i) => ({
    id: deploymentId(service.arn, i),
    status: i === 0 ? 'PRIMARY' : 'ACTIVE',
    taskDefinition: d.taskDefinition,
    desiredCount: i === 0 ? service.desiredCount : d.running + d.pending,
    runningCount: d.running,
    pendingCount: d.pending,
    launchType: service.launchType,
    createdAt: service.createdAt,
    updatedAt: service.createdAt,
    rolloutState: service.deployments.length > 1 ? 'IN_PROGRESS' : 'COMPLETED',
  })),
  schedulingStrategy: 'REPLICA',
  deploymentController: { type: 'ECS' },
  createdAt: service.createdAt,
  events: [],
  loadBalancers: [],
  serviceRegistries: [],
  placementConstraints: [],
  placementStrategy: [],
  ...(withTags ? { tags: service.tags.map((t) => ({ key: t.key, value: t.value })) } : {}),
});

/** Service name from a name or an ARN (arn:...:service/<cluster>/<name>, or the older arn:...:service/<name>). */
const serviceNameOf = (rs: RegionState, cluster: ClusterRecord, ref: string): string | undefined => {
  if (!ref.startsWith('arn:')) return ref;
  const match = /^arn:aws:ecs:([^:]+):(\d{12}):service\/(?:([^/]+)\/)?([^/]+)$/.exec(ref);
  if (!match || match[1] !== rs.region || match[2] !== rs.accountId || (match[3] ?? cluster.name) !== cluster.name) return undefined;
  return match[4];
};

const listServices: JsonOperation = (ctx, input) => {
  const cluster = resolveCluster(ctx.rs, optString(input, 'cluster'));
  // "If maxResults isn't used, then ListServices returns up to 10 results" (ListServices reference).
  const maxResults = optInteger(input, 'maxResults');
  if (maxResults !== undefined && (maxResults < 1 || maxResults > 100)) throw invalidParameter('maxResults must be between 1 and 100.');
  const launchType = optString(input, 'launchType');
  if (launchType !== undefined && !LAUNCH_TYPES.includes(launchType)) throw invalidParameter(`Invalid launchType: ${launchType}`);
  const schedulingStrategy = optString(input, 'schedulingStrategy');
  if (schedulingStrategy !== undefined && schedulingStrategy !== 'REPLICA' && schedulingStrategy !== 'DAEMON') {
    throw invalidParameter(`Invalid schedulingStrategy: ${schedulingStrategy}`);
  }
  const binding = `ecs:ListServices:${ctx.rs.accountId}:${ctx.rs.region}:${cluster.name}:${JSON.stringify([launchType, schedulingStrategy])}`;
  const offset = decodePageToken(optString(input, 'nextToken'), binding, invalidToken);
  const arns = [...servicesOf(ctx.rs, cluster).values()]
    .filter((s) => (launchType === undefined || s.launchType === launchType) && (schedulingStrategy === undefined || schedulingStrategy === 'REPLICA'))
    .map((s) => s.arn);
  const result = page(arns, offset, maxResults ?? 10, binding);
  return { serviceArns: result.items, ...(result.nextToken ? { nextToken: result.nextToken } : {}) };
};

const describeServices: JsonOperation = (ctx, input) => {
  const cluster = resolveCluster(ctx.rs, optString(input, 'cluster'));
  const refs = optStringList(input, 'services') ?? [];
  if (refs.length === 0) throw invalidParameter('Services cannot be empty.');
  if (refs.length > 10) throw invalidParameter('Too many services were provided. Maximum is 10.');
  const include = optStringList(input, 'include') ?? [];
  const unknownField = include.find((field) => field !== 'TAGS');
  if (unknownField !== undefined) throw invalidParameter(`Invalid include field: ${unknownField}`);
  const services = servicesOf(ctx.rs, cluster);
  const found: Record<string, unknown>[] = [];
  const failures: { arn: string; reason: string }[] = [];
  for (const ref of refs) {
    const name = serviceNameOf(ctx.rs, cluster, ref);
    const service = name !== undefined ? services.get(name) : undefined;
    if (!service) {
      failures.push({ arn: ref.startsWith('arn:') ? ref : serviceArnOf(ctx.rs.region, ctx.rs.accountId, cluster.name, ref), reason: 'MISSING' });
      continue;
    }
    found.push(serviceJson(cluster, service, include.includes('TAGS')));
  }
  return { services: found, failures };
};

/** Tags of services (the scenario's); clusters and task definitions carry none in this model. */
const listTagsForResource: JsonOperation = (ctx, input) => {
  const arn = optString(input, 'resourceArn');
  if (arn === undefined || arn === '') throw invalidParameter('resourceArn is required.');
  const { rs } = ctx;
  // Unverified: the error ECS gives for an ARN that names nothing.
  const notFound = (): AwsError => invalidParameter('The specified resource could not be found.');
  const service = /^arn:aws:ecs:([^:]+):(\d{12}):service\/([^/]+)\/([^/]+)$/.exec(arn);
  if (service) {
    const cluster = service[1] === rs.region && service[2] === rs.accountId ? rs.clusters.get(service[3] as string) : undefined;
    const found = cluster ? servicesOf(rs, cluster).get(service[4] as string) : undefined;
    if (!found) throw notFound();
    return { tags: found.tags.map((t) => ({ key: t.key, value: t.value })) };
  }
  if (rs.taskDefinitions.has(arn) || rs.clusterList.some((c) => c.arn === arn)) return { tags: [] };
  throw notFound();
};

export const ECS_OPERATIONS: Readonly<Record<string, JsonOperation>> = {
  ListClusters: listClusters,
  DescribeClusters: describeClusters,
  ListTasks: listTasks,
  DescribeTasks: describeTasks,
  DescribeTaskDefinition: describeTaskDefinition,
  ListTaskDefinitions: listTaskDefinitions,
  ListServices: listServices,
  DescribeServices: describeServices,
  ListTagsForResource: listTagsForResource,
};

/** The cluster a call addresses, for fault rules scoped to one cluster. */
export const ecsClusterOfCall = (operation: string, input: JsonInput): string | undefined => {
  if (operation !== 'ListTasks' && operation !== 'DescribeTasks') return undefined;
  const ref = input.cluster;
  return clusterNameOf(typeof ref === 'string' ? ref : undefined);
};
