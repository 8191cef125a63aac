/**
 * Deterministic synthetic accounts: the same options and seed give the same account, byte for byte,
 * so benchmark runs and failing tests can be reproduced.
 */
import {
  DEFAULT_CONFIG_RULE_NAME,
  DEFAULT_REGION,
  SIM_SECRET_PREFIX,
  taskDefinitionArnOf,
  type LaunchType,
  type ResourceIdStyle,
  type ScenarioAccount,
  type ScenarioCluster,
  type ScenarioContainerDefinition,
  type ScenarioRole,
  type ScenarioTask,
  type ScenarioTaskDefinition,
  type TaskLastStatus,
} from './model';
import { fnv1a, mulberry32, randomHex, randomInt, randomSecret, randomUpperAlnum, sampleIndexes } from './random';

export interface GenerateAccountOptions {
  seed: number;
  accountId: string;
  region?: string;
  clusters: number;
  /** Tasks with desiredStatus RUNNING; every in-use revision gets at least one. */
  tasks: number;
  revisions: number;
  /** Share of revisions with at least one running task. */
  inUseShare: number;
  /** Share of revisions with pidMode host, applied separately to in-use and unused revisions. */
  hostShare: number;
  /** Share of in-use (and, separately, of unused) revisions that are deregistered (INACTIVE). Default 0.1. */
  inactiveInUseShare?: number;
  /** Share of in-use revisions in DELETE_IN_PROGRESS (taken from the ACTIVE ones). Default 0. */
  deleteInProgressInUseShare?: number;
  /** Share of revisions the Config recorder does not record. Default 0. */
  unrecordedShare?: number;
  resourceIdStyle?: ResourceIdStyle;
  /** Default 10. */
  revisionsPerFamily?: number;
  /** Extra tasks with desiredStatus STOPPED, on unused revisions only (they must not count as use). Default 0. */
  stoppedTasks?: number;
  configRules?: string[];
  roles?: ScenarioRole[];
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Epoch seconds the account's history leads up to. Default 2025-01-01T00:00:00Z. */
  referenceTime?: number;
}

export interface GeneratedAccountStats {
  clusters: number;
  families: number;
  revisions: number;
  runningTasks: number;
  stoppedTasks: number;
  fargateTasks: number;
  inUse: number;
  inUseHost: number;
  notInUseHost: number;
  inUseInactive: number;
  inUseDeleteInProgress: number;
  unrecorded: number;
  /** In-use host revisions the recorder records: what a correct rule reports NON_COMPLIANT. */
  expectedNonCompliant: number;
  /** In-use, recorded, not host: what a correct rule reports COMPLIANT. */
  expectedCompliant: number;
}

export interface GeneratedAccount {
  account: ScenarioAccount;
  stats: GeneratedAccountStats;
}

const DEFAULT_REFERENCE_TIME = 1_735_689_600;
// Shared between revisions (nothing mutates scenario data) to keep 20,000-revision accounts light.
const LOG_LEVEL = { name: 'LOG_LEVEL', value: 'info' };
const LOG_ROUTER: ScenarioContainerDefinition = {
  name: 'log-router',
  image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
};

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const checkShare = (name: string, value: number): void => {
  if (!(value >= 0 && value <= 1)) throw new Error(`${name} must be between 0 and 1, got ${value}`);
};

const resourceIdFor = (style: ResourceIdStyle, family: string, revision: number, arn: string, seed: number): string => {
  switch (style) {
    case 'family':
      return family;
    case 'arn':
      return arn;
    case 'opaque':
      // Not derivable from the ARN without the seed: a rule must take ids from Config.
      return `tdrev-${fnv1a(`${seed}/${family}/${revision}`)}${fnv1a(`${revision}/${family}/${seed}`)}`;
    case 'family-revision':
    default:
      return `${family}:${revision}`;
  }
};

export const generateAccount = (options: GenerateAccountOptions): GeneratedAccount => {
  const {
    seed,
    accountId,
    clusters: clusterCount,
    tasks: taskCount,
    revisions: revisionCount,
    inUseShare,
    hostShare,
  } = options;
  const region = options.region ?? DEFAULT_REGION;
  const inactiveShare = options.inactiveInUseShare ?? 0.1;
  const deleteInProgressShare = options.deleteInProgressInUseShare ?? 0;
  const unrecordedShare = options.unrecordedShare ?? 0;
  const style = options.resourceIdStyle ?? 'family-revision';
  const perFamily = options.revisionsPerFamily ?? 10;
  const stoppedCount = options.stoppedTasks ?? 0;
  const referenceTime = options.referenceTime ?? DEFAULT_REFERENCE_TIME;
  for (const [name, value] of Object.entries({ inUseShare, hostShare, inactiveShare, deleteInProgressShare, unrecordedShare })) {
    checkShare(name, value);
  }
  if (inactiveShare + deleteInProgressShare > 1) throw new Error('inactiveInUseShare + deleteInProgressInUseShare exceeds 1');
  if (!Number.isInteger(perFamily) || perFamily < 1) throw new Error('revisionsPerFamily must be a positive integer');

  const random = mulberry32(seed);
  const inUseCount = Math.round(revisionCount * inUseShare);
  if (inUseCount > taskCount) {
    throw new Error(`${inUseCount} in-use revisions need at least as many tasks, got ${taskCount}`);
  }
  if ((taskCount > 0 || stoppedCount > 0) && clusterCount < 1) throw new Error('tasks need at least one cluster');
  if (taskCount > 0 && inUseCount === 0) throw new Error('running tasks need at least one in-use revision');

  // Which revisions are in use, host, inactive, recorded: exact counts, random positions.
  const order = sampleIndexes(random, revisionCount, revisionCount);
  const inUseIndexes = order.slice(0, inUseCount);
  const unusedIndexes = order.slice(inUseCount);
  const inUse = new Uint8Array(revisionCount);
  const host = new Uint8Array(revisionCount);
  /** 0 ACTIVE, 1 INACTIVE, 2 DELETE_IN_PROGRESS */
  const status = new Uint8Array(revisionCount);
  const recorded = new Uint8Array(revisionCount).fill(1);
  for (const i of inUseIndexes) inUse[i] = 1;
  const markCount = (indexes: number[], count: number, mark: (i: number) => void): number => {
    const picked = sampleIndexes(random, indexes.length, count);
    for (const p of picked) mark(indexes[p] as number);
    return picked.length;
  };
  const markShare = (indexes: number[], share: number, mark: (i: number) => void): number =>
    markCount(indexes, Math.round(indexes.length * share), mark);
  const inUseHost = markShare(inUseIndexes, hostShare, (i) => (host[i] = 1));
  const notInUseHost = markShare(unusedIndexes, hostShare, (i) => (host[i] = 1));
  const inUseInactive = markShare(inUseIndexes, inactiveShare, (i) => (status[i] = 1));
  const activeInUse = inUseIndexes.filter((i) => status[i] === 0);
  const inUseDeleteInProgress = markCount(
    activeInUse,
    Math.round(inUseIndexes.length * deleteInProgressShare),
    (i) => (status[i] = 2),
  );
  markShare(unusedIndexes, inactiveShare, (i) => (status[i] = 1));
  const allIndexes = Array.from({ length: revisionCount }, (_, i) => i);
  const unrecorded = markShare(allIndexes, unrecordedShare, (i) => (recorded[i] = 0));

  const taskDefinitions: ScenarioTaskDefinition[] = new Array(revisionCount);
  const arns: string[] = new Array(revisionCount);
  const launchTypeOf: LaunchType[] = new Array(revisionCount);
  const familyOf: string[] = new Array(revisionCount);
  const usedResourceIds = new Set<string>();
  const familyWidth = String(Math.ceil(revisionCount / perFamily)).length;
  for (let i = 0; i < revisionCount; i++) {
    const family = `app-${pad(Math.floor(i / perFamily), familyWidth)}`;
    const revision = (i % perFamily) + 1;
    const arn = taskDefinitionArnOf(region, accountId, family, revision);
    let pidMode: string | undefined;
    let requires: LaunchType[];
    let networkMode: ScenarioTaskDefinition['networkMode'];
    if (host[i]) {
      // pidMode host is only valid on EC2 and external instances.
      pidMode = 'host';
      requires = random() < 0.1 ? ['EXTERNAL'] : ['EC2'];
      networkMode = random() < 0.5 ? 'host' : 'bridge';
    } else if (random() < 0.4) {
      // Fargate accepts only pidMode task (or none).
      pidMode = random() < 0.5 ? 'task' : undefined;
      requires = ['FARGATE'];
      networkMode = 'awsvpc';
    } else {
      pidMode = random() < 0.5 ? 'task' : undefined;
      requires = ['EC2'];
      networkMode = random() < 0.5 ? 'bridge' : 'awsvpc';
    }
    const containers: ScenarioContainerDefinition[] = [
      {
        name: 'app',
        image: `public.ecr.aws/simulator/${family}:r${revision}`,
        environment: [LOG_LEVEL, { name: 'DB_PASSWORD', value: `${SIM_SECRET_PREFIX}${randomHex(random, 16)}` }],
      },
    ];
    if (i % 3 === 0) containers.push(LOG_ROUTER);
    let resourceId = resourceIdFor(style, family, revision, arn, seed);
    if (style !== 'family') {
      while (usedResourceIds.has(resourceId)) resourceId = `${resourceId}x`;
      usedResourceIds.add(resourceId);
    }
    const registeredAt = referenceTime - (revisionCount - i) * 60;
    const statusName = status[i] === 1 ? 'INACTIVE' : status[i] === 2 ? 'DELETE_IN_PROGRESS' : 'ACTIVE';
    const td: ScenarioTaskDefinition = {
      family,
      revision,
      status: statusName,
      networkMode,
      requiresCompatibilities: requires,
      containerDefinitions: containers,
      registeredAt,
      recorded: recorded[i] === 1,
      resourceId,
      resourceName: `${family}:${revision}`,
      captureTime: statusName !== 'ACTIVE' ? registeredAt + 30 : registeredAt + 5,
    };
    if (pidMode !== undefined) td.pidMode = pidMode;
    if (statusName !== 'ACTIVE') td.deregisteredAt = registeredAt + 30;
    taskDefinitions[i] = td;
    arns[i] = arn;
    launchTypeOf[i] = requires[0] as LaunchType;
    familyOf[i] = family;
  }

  const clusters: ScenarioCluster[] = [];
  const clusterTasks: ScenarioTask[][] = [];
  const clusterWidth = Math.max(3, String(clusterCount).length);
  for (let c = 0; c < clusterCount; c++) {
    const tasks: ScenarioTask[] = [];
    clusterTasks.push(tasks);
    clusters.push({ name: `cluster-${pad(c + 1, clusterWidth)}`, tasks });
  }
  let fargateTasks = 0;
  const addTask = (i: number, desired: 'RUNNING' | 'STOPPED'): void => {
    const launchType = launchTypeOf[i] as LaunchType;
    const family = familyOf[i] as string;
    if (launchType === 'FARGATE' && desired === 'RUNNING') fargateTasks += 1;
    const roll = random();
    const lastStatus: TaskLastStatus =
      desired === 'STOPPED'
        ? roll < 0.8
          ? 'STOPPED'
          : roll < 0.9
            ? 'STOPPING'
            : 'DEACTIVATING'
        : roll < 0.9
          ? 'RUNNING'
          : roll < 0.94
            ? 'PENDING'
            : roll < 0.97
              ? 'PROVISIONING'
              : 'ACTIVATING';
    const service = random() < 0.7;
    const createdAt = referenceTime + randomInt(random, 86_400);
    const task: ScenarioTask = {
      id: randomHex(random, 32),
      taskDefinitionArn: arns[i] as string,
      lastStatus,
      desiredStatus: desired,
      launchType,
      group: service ? `service:${family}-svc` : `family:${family}`,
      createdAt,
    };
    if (service) task.startedBy = `ecs-svc/${randomInt(random, 1e9)}`;
    if (lastStatus === 'RUNNING' || desired === 'STOPPED') task.startedAt = createdAt + 20;
    (clusterTasks[randomInt(random, clusterCount)] as ScenarioTask[]).push(task);
  };
  for (const i of inUseIndexes) addTask(i, 'RUNNING');
  for (let t = inUseCount; t < taskCount; t++) addTask(inUseIndexes[randomInt(random, inUseCount)] as number, 'RUNNING');
  let stoppedTasks = 0;
  if (unusedIndexes.length > 0) {
    for (let t = 0; t < stoppedCount; t++) {
      addTask(unusedIndexes[randomInt(random, unusedIndexes.length)] as number, 'STOPPED');
      stoppedTasks += 1;
    }
  }

  let expectedNonCompliant = 0;
  let expectedCompliant = 0;
  for (const i of inUseIndexes) {
    if (!recorded[i]) continue;
    if (host[i]) expectedNonCompliant += 1;
    else expectedCompliant += 1;
  }

  const keyRandom = mulberry32(seed ^ Number.parseInt(fnv1a(accountId), 16));
  const account: ScenarioAccount = {
    accountId,
    region,
    accessKeyId: options.accessKeyId ?? `AKIA${randomUpperAlnum(keyRandom, 16)}`,
    secretAccessKey: options.secretAccessKey ?? randomSecret(keyRandom, 40),
    roles: options.roles ?? [],
    configRules: options.configRules ?? [DEFAULT_CONFIG_RULE_NAME],
    clusters,
    taskDefinitions,
  };
  return {
    account,
    stats: {
      clusters: clusterCount,
      families: Math.ceil(revisionCount / perFamily),
      revisions: revisionCount,
      runningTasks: taskCount,
      stoppedTasks,
      fargateTasks,
      inUse: inUseCount,
      inUseHost,
      notInUseHost,
      inUseInactive,
      inUseDeleteInProgress,
      unrecorded,
      expectedNonCompliant,
      expectedCompliant,
    },
  };
};
