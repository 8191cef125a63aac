import {
  DEFAULT_REGION,
  TASK_DEFINITION_RESOURCE_TYPE,
  clusterArnOf,
  parseTaskDefinitionRef,
  taskArnOf,
  taskDefinitionArnOf,
  type ComplianceType,
  type ConfigItemStatus,
  type LaunchType,
  type NetworkMode,
  type Scenario,
  type ScenarioAccount,
  type ScenarioContainerDefinition,
  type ScenarioService,
  type ScenarioTag,
  type ScenarioTask,
  type ScenarioTaskDefinition,
  type TaskDefinitionStatus,
  type TaskDesiredStatus,
  type TaskLastStatus,
} from './model';
import { mulberry32, randomHex, randomSecret, randomUpperAlnum, type Random } from './random';

export interface TaskRecord {
  id: string;
  arn: string;
  clusterName: string;
  clusterArn: string;
  taskDefinitionArn: string;
  lastStatus: TaskLastStatus;
  desiredStatus: TaskDesiredStatus;
  launchType: LaunchType;
  group: string;
  startedBy?: string;
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
}

export interface ClusterRecord {
  name: string;
  arn: string;
  tasks: TaskRecord[];
  byId: Map<string, TaskRecord>;
  /** Services declared in the scenario, by name; undeclared ones are derived from task groups (ecs.ts). */
  services: Map<string, ServiceRecord>;
  /** Bumped on every task change so cached filtered listings know they are stale. */
  generation: number;
  listCache: Map<string, { generation: string; arns: string[] }>;
}

export interface ServiceRecord {
  name: string;
  taskDefinitionArn?: string;
  desiredCount?: number;
  launchType: LaunchType;
  tags: ScenarioTag[];
  createdAt: number;
}

export interface TaskDefinitionRecord {
  arn: string;
  family: string;
  revision: number;
  status: TaskDefinitionStatus;
  pidMode?: string;
  networkMode: NetworkMode;
  requiresCompatibilities: LaunchType[];
  containerDefinitions: ScenarioContainerDefinition[];
  registeredAt: number;
  deregisteredAt?: number;
  recorded: boolean;
  resourceId: string;
  resourceName: string;
}

export interface ConfigItemRecord {
  accountId: string;
  awsRegion: string;
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  arn?: string;
  captureTime: number;
  status: ConfigItemStatus;
  stateId: string;
  /** PascalCase, as Config stores AWS::ECS::TaskDefinition; absent for deleted items. */
  configuration?: Record<string, unknown>;
  /**
   * The revision this item captured, with its status at capture time. Revisions are immutable
   * apart from status, so the PascalCase configuration is built from it only when asked for:
   * loading 20,000 revisions stays cheap.
   */
  snapshot?: { td: TaskDefinitionRecord; status: TaskDefinitionStatus };
  resourceCreationTime?: number;
}

export interface ConfigResourceRecord {
  resourceType: string;
  resourceId: string;
  /** Ascending capture time. */
  items: ConfigItemRecord[];
}

export interface StoredEvaluation {
  configRuleName: string;
  resourceType: string;
  resourceId: string;
  complianceType: ComplianceType;
  annotation?: string;
  orderingTimestamp: number;
  resultRecordedTime: number;
  configRuleInvokedTime: number;
}

export interface RegionState {
  accountId: string;
  region: string;
  clusters: Map<string, ClusterRecord>;
  clusterList: ClusterRecord[];
  taskDefinitions: Map<string, TaskDefinitionRecord>;
  /** Revisions of each family, ascending. */
  families: Map<string, TaskDefinitionRecord[]>;
  taskDefinitionGeneration: number;
  configResources: Map<string, ConfigResourceRecord>;
  configResourceList: ConfigResourceRecord[];
  /** ARN of each resource's latest item -> resource, for `arn IN (...)` queries. */
  configByArn: Map<string, ConfigResourceRecord>;
  configGeneration: number;
  configRules: Set<string>;
  /** rule -> resource key -> latest evaluation */
  evaluations: Map<string, Map<string, StoredEvaluation>>;
  evaluationGeneration: number;
  /** Memoised query results, keyed by normalised query; checked against the generations above. */
  queryCache: Map<string, { generation: number; rows: unknown[] }>;
}

export interface AccountState {
  accountId: string;
  homeRegion: string;
  /** role name -> trusted account ids */
  roles: Map<string, Set<string>>;
  regions: Map<string, RegionState>;
}

export interface Principal {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  arn: string;
  userId: string;
  /** Set for AssumeRole sessions: requests must carry it in x-amz-security-token. */
  sessionToken?: string;
  expiresAt?: number;
}

export interface ResultTokenRecord {
  accountId: string;
  region: string;
  configRuleName: string;
  issuedAt: number;
}

export interface RecordItemInput {
  resourceId: string;
  resourceType?: string;
  status: ConfigItemStatus;
  /** Default: now. */
  captureTime?: number;
  resourceName?: string;
  arn?: string;
  /** PascalCase configuration. When absent and `arn` names a known task definition, built from it. */
  configuration?: Record<string, unknown> | null;
}

export const resourceKey = (resourceType: string, resourceId: string): string => `${resourceType}\u0000${resourceId}`;

/** The task definition as Config records it (PascalCase, PidMode only when set). */
export const configurationOf = (td: TaskDefinitionRecord): Record<string, unknown> => ({
  TaskDefinitionArn: td.arn,
  Family: td.family,
  Revision: td.revision,
  Status: td.status,
  ...(td.pidMode !== undefined ? { PidMode: td.pidMode } : {}),
  NetworkMode: td.networkMode,
  RequiresCompatibilities: [...td.requiresCompatibilities],
  ContainerDefinitions: td.containerDefinitions.map((c) => ({
    Name: c.name,
    Image: c.image,
    Environment: (c.environment ?? []).map((e) => ({ Name: e.name, Value: e.value })),
  })),
});

/** The item's configuration (PascalCase), built on first use for items that captured a revision. */
export const configurationOfItem = (item: ConfigItemRecord): Record<string, unknown> | undefined => {
  if (item.configuration === undefined && item.snapshot) {
    item.configuration = configurationOf({ ...item.snapshot.td, status: item.snapshot.status });
  }
  return item.configuration;
};

/** One configuration value without building the whole configuration (advanced queries scan every item). */
export const configurationValue = (item: ConfigItemRecord, key: string): unknown => {
  if (item.configuration === undefined && item.snapshot) {
    if (key === 'PidMode') return item.snapshot.td.pidMode;
    if (key === 'Family') return item.snapshot.td.family;
    if (key === 'Status') return item.snapshot.status;
    if (key === 'TaskDefinitionArn') return item.snapshot.td.arn;
  }
  return configurationOfItem(item)?.[key];
};

const familyOfArn = (arn: string): string => parseTaskDefinitionRef(arn)?.family ?? 'unknown';

export class SimState {
  readonly accounts = new Map<string, AccountState>();
  readonly principals = new Map<string, Principal>();
  readonly resultTokens = new Map<string, ResultTokenRecord>();
  private readonly random: Random;

  constructor(
    scenario: Scenario,
    private readonly clockMs: () => number,
    seed = 1,
  ) {
    this.random = mulberry32(seed);
    for (const account of scenario.accounts) this.addAccount(account);
  }

  nowSeconds(): number {
    return this.clockMs() / 1000;
  }

  addAccount(input: ScenarioAccount): void {
    if (!/^\d{12}$/.test(input.accountId)) throw new Error(`account id must be 12 digits: ${input.accountId}`);
    if (this.accounts.has(input.accountId)) throw new Error(`duplicate account ${input.accountId}`);
    if (this.principals.has(input.accessKeyId)) throw new Error(`duplicate access key id ${input.accessKeyId}`);
    const homeRegion = input.region ?? DEFAULT_REGION;
    const account: AccountState = {
      accountId: input.accountId,
      homeRegion,
      roles: new Map((input.roles ?? []).map((r) => [r.name, new Set(r.trustedAccounts)])),
      regions: new Map(),
    };
    this.accounts.set(account.accountId, account);
    this.principals.set(input.accessKeyId, {
      accessKeyId: input.accessKeyId,
      secretAccessKey: input.secretAccessKey,
      accountId: input.accountId,
      arn: `arn:aws:iam::${input.accountId}:user/simulator`,
      userId: `AIDA${input.accessKeyId.slice(4)}`,
    });
    const home = this.region(input.accountId, homeRegion);
    for (const rule of input.configRules ?? []) home.configRules.add(rule);
    for (const td of input.taskDefinitions ?? []) this.addTaskDefinition(home, td);
    for (const cluster of input.clusters ?? []) {
      const record = this.addCluster(home, cluster.name);
      for (const task of cluster.tasks ?? []) this.addTask(home, record, task);
      for (const service of cluster.services ?? []) this.addService(home, record, service);
    }
  }

  account(accountId: string): AccountState {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`unknown account ${accountId}`);
    return account;
  }

  /** Any Region of an account; Regions other than the home Region exist but are empty. */
  region(accountId: string, region: string): RegionState {
    const account = this.account(accountId);
    let state = account.regions.get(region);
    if (!state) {
      state = {
        accountId,
        region,
        clusters: new Map(),
        clusterList: [],
        taskDefinitions: new Map(),
        families: new Map(),
        taskDefinitionGeneration: 0,
        configResources: new Map(),
        configResourceList: [],
        configByArn: new Map(),
        configGeneration: 0,
        configRules: new Set(),
        evaluations: new Map(),
        evaluationGeneration: 0,
        queryCache: new Map(),
      };
      account.regions.set(region, state);
    }
    return state;
  }

  home(accountId: string): RegionState {
    return this.region(accountId, this.account(accountId).homeRegion);
  }

  addCluster(rs: RegionState, name: string): ClusterRecord {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) throw new Error(`invalid cluster name ${name}`);
    const existing = rs.clusters.get(name);
    if (existing) return existing;
    const cluster: ClusterRecord = {
      name,
      arn: clusterArnOf(rs.region, rs.accountId, name),
      tasks: [],
      byId: new Map(),
      services: new Map(),
      generation: 0,
      listCache: new Map(),
    };
    rs.clusters.set(name, cluster);
    rs.clusterList.push(cluster);
    return cluster;
  }

  addService(rs: RegionState, cluster: ClusterRecord, input: ScenarioService): ServiceRecord {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(input.name)) throw new Error(`invalid service name ${input.name}`);
    if (cluster.services.has(input.name)) throw new Error(`duplicate service ${input.name} in cluster ${cluster.name}`);
    if (input.taskDefinitionArn !== undefined && !rs.taskDefinitions.has(input.taskDefinitionArn)) {
      throw new Error(`service ${input.name}: unknown task definition ${input.taskDefinitionArn}`);
    }
    if (input.desiredCount !== undefined && (!Number.isInteger(input.desiredCount) || input.desiredCount < 0)) {
      throw new Error(`service ${input.name}: desiredCount must be a whole number`);
    }
    const service: ServiceRecord = {
      name: input.name,
      launchType: input.launchType ?? 'EC2',
      tags: (input.tags ?? []).map((t) => ({ key: t.key, value: t.value })),
      createdAt: input.createdAt ?? this.nowSeconds(),
    };
    if (input.taskDefinitionArn !== undefined) service.taskDefinitionArn = input.taskDefinitionArn;
    if (input.desiredCount !== undefined) service.desiredCount = input.desiredCount;
    cluster.services.set(input.name, service);
    cluster.generation += 1;
    return service;
  }

  addTask(rs: RegionState, cluster: ClusterRecord, input: ScenarioTask): TaskRecord {
    const id = input.id ?? randomHex(this.random, 32);
    if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`task id must be 32 hex characters: ${id}`);
    if (cluster.byId.has(id)) throw new Error(`duplicate task id ${id} in cluster ${cluster.name}`);
    const createdAt = input.createdAt ?? this.nowSeconds();
    const lastStatus = input.lastStatus ?? 'RUNNING';
    const task: TaskRecord = {
      id,
      arn: taskArnOf(rs.region, rs.accountId, cluster.name, id),
      clusterName: cluster.name,
      clusterArn: cluster.arn,
      taskDefinitionArn: input.taskDefinitionArn,
      lastStatus,
      desiredStatus: input.desiredStatus ?? 'RUNNING',
      launchType: input.launchType ?? 'EC2',
      group: input.group ?? `family:${familyOfArn(input.taskDefinitionArn)}`,
      createdAt,
    };
    // Assigned rather than spread: this runs 100,000 times when a benchmark account loads.
    if (input.startedBy !== undefined) task.startedBy = input.startedBy;
    if (input.startedAt !== undefined) task.startedAt = input.startedAt;
    else if (lastStatus === 'RUNNING') task.startedAt = createdAt;
    cluster.tasks.push(task);
    cluster.byId.set(id, task);
    cluster.generation += 1;
    return task;
  }

  /** `stopping`: the stop is requested (desiredStatus STOPPED) and the containers still run (lastStatus STOPPING). */
  stopTask(accountId: string, taskArn: string, options: { stopping?: boolean } = {}): TaskRecord {
    const rs = this.home(accountId);
    const match = /^arn:aws:ecs:[^:]+:\d{12}:task\/([^/]+)\/([0-9a-f]{32})$/.exec(taskArn);
    const cluster = match ? rs.clusters.get(match[1] as string) : undefined;
    const task = match && cluster ? cluster.byId.get(match[2] as string) : undefined;
    if (!cluster || !task) throw new Error(`unknown task ${taskArn}`);
    task.desiredStatus = 'STOPPED';
    task.lastStatus = options.stopping ? 'STOPPING' : 'STOPPED';
    if (!options.stopping) task.stoppedAt = this.nowSeconds();
    cluster.generation += 1;
    return task;
  }

  addTaskDefinition(rs: RegionState, input: ScenarioTaskDefinition): TaskDefinitionRecord {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(input.family)) throw new Error(`invalid family ${input.family}`);
    if (!Number.isInteger(input.revision) || input.revision < 1) throw new Error(`invalid revision ${input.revision}`);
    const arn = taskDefinitionArnOf(rs.region, rs.accountId, input.family, input.revision);
    if (rs.taskDefinitions.has(arn)) throw new Error(`duplicate task definition ${arn}`);
    const requiresCompatibilities = input.requiresCompatibilities ?? ['EC2'];
    const registeredAt = input.registeredAt ?? this.nowSeconds();
    const name = `${input.family}:${input.revision}`;
    const td: TaskDefinitionRecord = {
      arn,
      family: input.family,
      revision: input.revision,
      status: input.status ?? 'ACTIVE',
      networkMode: input.networkMode ?? (requiresCompatibilities.includes('FARGATE') ? 'awsvpc' : 'bridge'),
      requiresCompatibilities,
      containerDefinitions: input.containerDefinitions ?? [
        { name: 'app', image: `public.ecr.aws/simulator/${input.family}:${input.revision}` },
      ],
      registeredAt,
      recorded: input.recorded ?? true,
      resourceId: input.resourceId ?? name,
      resourceName: input.resourceName ?? name,
    };
    if (input.pidMode !== undefined) td.pidMode = input.pidMode;
    if (input.deregisteredAt !== undefined) td.deregisteredAt = input.deregisteredAt;
    else if (td.status !== 'ACTIVE') td.deregisteredAt = registeredAt;
    rs.taskDefinitions.set(arn, td);
    let revisions = rs.families.get(td.family);
    if (!revisions) {
      revisions = [];
      rs.families.set(td.family, revisions);
    }
    revisions.push(td);
    const previous = revisions[revisions.length - 2];
    if (previous && previous.revision > td.revision) revisions.sort((a, b) => a.revision - b.revision);
    rs.taskDefinitionGeneration += 1;
    if (td.recorded) {
      this.appendItem(rs, {
        resourceType: TASK_DEFINITION_RESOURCE_TYPE,
        resourceId: td.resourceId,
        resourceName: td.resourceName,
        arn: td.arn,
        captureTime: input.captureTime ?? registeredAt,
        status: 'ResourceDiscovered',
        resourceCreationTime: registeredAt,
        snapshot: { td, status: td.status },
      });
    }
    return td;
  }

  /** Resolves a full ARN or "family:revision" in the home Region. */
  taskDefinition(accountId: string, ref: string): TaskDefinitionRecord {
    const rs = this.home(accountId);
    const parsed = parseTaskDefinitionRef(ref);
    const td = parsed
      ? rs.taskDefinitions.get(taskDefinitionArnOf(rs.region, accountId, parsed.family, parsed.revision))
      : undefined;
    if (!td) throw new Error(`unknown task definition ${ref}`);
    return td;
  }

  /** Registers the next revision of a family, as RegisterTaskDefinition does. */
  registerTaskDefinition(
    accountId: string,
    input: Omit<ScenarioTaskDefinition, 'revision'> & { revision?: number },
  ): TaskDefinitionRecord {
    const rs = this.home(accountId);
    const revisions = rs.families.get(input.family) ?? [];
    const revision = input.revision ?? (revisions.at(-1)?.revision ?? 0) + 1;
    return this.addTaskDefinition(rs, { registeredAt: this.nowSeconds(), ...input, revision });
  }

  /** DeregisterTaskDefinition: INACTIVE; Config records the change (unverified: status stays OK). */
  deregisterTaskDefinition(accountId: string, ref: string): TaskDefinitionRecord {
    const td = this.taskDefinition(accountId, ref);
    td.status = 'INACTIVE';
    td.deregisteredAt = this.nowSeconds();
    this.recordTaskDefinitionChange(accountId, td, 'OK');
    return td;
  }

  /**
   * ECS finishing a deletion: a DELETE_IN_PROGRESS revision that no task uses any more is gone, and
   * DescribeTaskDefinition answers ClientException "Unable to describe task definition.".
   */
  purgeTaskDefinition(accountId: string, ref: string): void {
    const td = this.taskDefinition(accountId, ref);
    if (td.status !== 'DELETE_IN_PROGRESS') throw new Error(`only DELETE_IN_PROGRESS task definitions can be purged: ${td.arn}`);
    const rs = this.home(accountId);
    for (const cluster of rs.clusters.values()) {
      if (cluster.tasks.some((t) => t.taskDefinitionArn === td.arn && t.desiredStatus === 'RUNNING')) throw new Error(`a task still runs ${td.arn}`);
    }
    rs.taskDefinitions.delete(td.arn);
    const family = rs.families.get(td.family);
    if (family) rs.families.set(td.family, family.filter((r) => r.arn !== td.arn));
    rs.taskDefinitionGeneration += 1;
  }

  /**
   * DeleteTaskDefinitions: DELETE_IN_PROGRESS while tasks still use it. The revision is still
   * describable then, so Config is taken to record a change, not a deletion (unverified); use
   * recordItem with ResourceDeleted to model the final removal.
   */
  deleteTaskDefinition(accountId: string, ref: string): TaskDefinitionRecord {
    const td = this.taskDefinition(accountId, ref);
    if (td.status === 'ACTIVE') throw new Error(`only INACTIVE task definitions can be deleted: ${td.arn}`);
    td.status = 'DELETE_IN_PROGRESS';
    this.recordTaskDefinitionChange(accountId, td, 'OK');
    return td;
  }

  private recordTaskDefinitionChange(accountId: string, td: TaskDefinitionRecord, status: ConfigItemStatus): void {
    const rs = this.home(accountId);
    rs.taskDefinitionGeneration += 1;
    if (!td.recorded) return;
    const deleted = status === 'ResourceDeleted' || status === 'ResourceDeletedNotRecorded';
    this.appendItem(rs, {
      resourceType: TASK_DEFINITION_RESOURCE_TYPE,
      resourceId: td.resourceId,
      resourceName: td.resourceName,
      arn: td.arn,
      captureTime: this.nowSeconds(),
      status,
      resourceCreationTime: td.registeredAt,
      ...(deleted ? {} : { snapshot: { td, status: td.status } }),
    });
  }

  /** Appends any configuration item, e.g. to model recorder gaps or Config-only changes. */
  recordItem(accountId: string, input: RecordItemInput): ConfigItemRecord {
    const rs = this.home(accountId);
    const known = input.arn !== undefined ? rs.taskDefinitions.get(input.arn) : undefined;
    const item: Omit<ConfigItemRecord, 'accountId' | 'awsRegion' | 'stateId'> = {
      resourceType: input.resourceType ?? TASK_DEFINITION_RESOURCE_TYPE,
      resourceId: input.resourceId,
      captureTime: input.captureTime ?? this.nowSeconds(),
      status: input.status,
    };
    if (input.resourceName !== undefined) item.resourceName = input.resourceName;
    if (input.arn !== undefined) item.arn = input.arn;
    if (input.configuration) item.configuration = input.configuration;
    else if (input.configuration === undefined && known) item.snapshot = { td: known, status: known.status };
    return this.appendItem(rs, item);
  }

  private appendItem(
    rs: RegionState,
    item: Omit<ConfigItemRecord, 'accountId' | 'awsRegion' | 'stateId'>,
  ): ConfigItemRecord {
    const key = resourceKey(item.resourceType, item.resourceId);
    let resource = rs.configResources.get(key);
    if (!resource) {
      resource = { resourceType: item.resourceType, resourceId: item.resourceId, items: [] };
      rs.configResources.set(key, resource);
      rs.configResourceList.push(resource);
    }
    const previousArn = resource.items.at(-1)?.arn;
    const record = item as ConfigItemRecord;
    record.accountId = rs.accountId;
    record.awsRegion = rs.region;
    record.stateId = String(Math.round(item.captureTime * 1000));
    resource.items.push(record);
    if (resource.items.length > 1) resource.items.sort((a, b) => a.captureTime - b.captureTime);
    const latestArn = resource.items.at(-1)?.arn;
    if (previousArn !== undefined && previousArn !== latestArn && rs.configByArn.get(previousArn) === resource) {
      rs.configByArn.delete(previousArn);
    }
    if (latestArn !== undefined) rs.configByArn.set(latestArn, resource);
    rs.configGeneration += 1;
    return record;
  }

  issueResultToken(accountId: string, configRuleName: string, region?: string): string {
    const rs = region ? this.region(accountId, region) : this.home(accountId);
    if (!rs.configRules.has(configRuleName)) {
      throw new Error(`no Config rule ${configRuleName} in ${accountId} ${rs.region}`);
    }
    const token = `simtoken-${randomHex(this.random, 40)}`;
    this.resultTokens.set(token, {
      accountId,
      region: rs.region,
      configRuleName,
      issuedAt: this.nowSeconds(),
    });
    return token;
  }

  issueSession(accountId: string, roleName: string, sessionName: string, durationSeconds: number): Principal {
    const accessKeyId = `ASIA${randomUpperAlnum(this.random, 16)}`;
    const principal: Principal = {
      accessKeyId,
      secretAccessKey: randomSecret(this.random, 40),
      sessionToken: `SimSession${randomSecret(this.random, 120)}`,
      expiresAt: Math.floor(this.nowSeconds()) + durationSeconds,
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      userId: `AROA${randomUpperAlnum(this.random, 17)}:${sessionName}`,
    };
    this.principals.set(accessKeyId, principal);
    return principal;
  }

  evaluations(accountId: string, configRuleName?: string): StoredEvaluation[] {
    const out: StoredEvaluation[] = [];
    for (const rs of this.account(accountId).regions.values()) {
      for (const [rule, byResource] of rs.evaluations) {
        if (configRuleName !== undefined && rule !== configRuleName) continue;
        for (const evaluation of byResource.values()) out.push({ ...evaluation });
      }
    }
    return out;
  }
}
