/**
 * Scenario types: the plain-data description of the AWS accounts the simulator serves.
 * Times are epoch seconds, as on the AWS JSON wire.
 */

export const TASK_DEFINITION_RESOURCE_TYPE = 'AWS::ECS::TaskDefinition';
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_CONFIG_RULE_NAME = 'ecs-pid-mode-host-in-use';
/** Every fake secret in generated container environments starts with this, so tests can grep logs for it. */
export const SIM_SECRET_PREFIX = 'SIMSECRET-';

export type LaunchType = 'EC2' | 'FARGATE' | 'EXTERNAL';
export type TaskLastStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'STOPPED';
export type TaskDesiredStatus = 'RUNNING' | 'PENDING' | 'STOPPED';
export type TaskDefinitionStatus = 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
export type NetworkMode = 'bridge' | 'host' | 'awsvpc' | 'none';
export type ConfigItemStatus =
  | 'OK'
  | 'ResourceDiscovered'
  | 'ResourceNotRecorded'
  | 'ResourceDeleted'
  | 'ResourceDeletedNotRecorded';
export type ComplianceType = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA';
/**
 * How Config names task definition resources. AWS does not document it and public recordings
 * disagree, so a rule must take resource ids from Config; 'opaque' makes any other approach fail.
 */
export type ResourceIdStyle = 'family-revision' | 'family' | 'arn' | 'opaque';

export interface ScenarioEnvironmentVariable {
  name: string;
  value: string;
}

export interface ScenarioContainerDefinition {
  name: string;
  image: string;
  environment?: ScenarioEnvironmentVariable[];
}

export interface ScenarioTaskDefinition {
  family: string;
  revision: number;
  /** Default ACTIVE. */
  status?: TaskDefinitionStatus;
  /** 'host' | 'task', or anything odd a test wants to feed through (''), absent when unset. */
  pidMode?: string;
  /** Default: 'bridge' for EC2-only definitions, 'awsvpc' when FARGATE is required. */
  networkMode?: NetworkMode;
  /** Default ['EC2']. */
  requiresCompatibilities?: LaunchType[];
  containerDefinitions?: ScenarioContainerDefinition[];
  registeredAt?: number;
  deregisteredAt?: number;
  /** Does the Config recorder record this revision? Default true. */
  recorded?: boolean;
  /** Config's resourceId for it. Default "family:revision". */
  resourceId?: string;
  /** Config's resourceName. Default "family:revision". */
  resourceName?: string;
  /** Capture time of its (latest) configuration item. Default registeredAt. */
  captureTime?: number;
}

export interface ScenarioTask {
  /** 32 hex characters; derived deterministically when absent. */
  id?: string;
  taskDefinitionArn: string;
  /** Default RUNNING. */
  lastStatus?: TaskLastStatus;
  /** Default RUNNING. */
  desiredStatus?: TaskDesiredStatus;
  /** Default EC2. */
  launchType?: LaunchType;
  /** "service:<name>" or "family:<family>"; default "family:<family of the definition>". */
  group?: string;
  startedBy?: string;
  createdAt?: number;
  startedAt?: number;
}

export interface ScenarioTag {
  key: string;
  value: string;
}

/**
 * An ECS service. Services are also modelled without being declared: every task group
 * "service:<name>" among a cluster's tasks is a service of that name. Declaring one sets what the
 * tasks cannot tell (tags, desired count, the revision its PRIMARY deployment runs).
 */
export interface ScenarioService {
  name: string;
  /** Revision of the PRIMARY deployment. Default: the revision most of its running tasks run. */
  taskDefinitionArn?: string;
  /** Default: its running tasks. */
  desiredCount?: number;
  /** Default EC2. */
  launchType?: LaunchType;
  tags?: ScenarioTag[];
  createdAt?: number;
}

export interface ScenarioCluster {
  name: string;
  tasks?: ScenarioTask[];
  services?: ScenarioService[];
}

export interface ScenarioRole {
  name: string;
  /** Account ids allowed to assume the role. */
  trustedAccounts: string[];
}

export interface ScenarioBucketObject {
  key: string;
  /** UTF-8 text (the exceptions document is JSON). */
  body: string;
  /** Default application/octet-stream. */
  contentType?: string;
}

/** An S3 bucket owned by the account (tools/simulator/s3.ts). */
export interface ScenarioBucket {
  name: string;
  /** Account IDs that may read (GetObject, HeadObject) besides the owner; '*' for any account. */
  readers?: string[];
  objects?: ScenarioBucketObject[];
}

export interface ScenarioAccount {
  accountId: string;
  /** Home Region of all its resources. Default us-east-1; other Regions look empty. */
  region?: string;
  accessKeyId: string;
  secretAccessKey: string;
  roles?: ScenarioRole[];
  /** Config rule names that exist in the account (the only ones PutEvaluations tokens can name). */
  configRules?: string[];
  clusters?: ScenarioCluster[];
  taskDefinitions?: ScenarioTaskDefinition[];
  buckets?: ScenarioBucket[];
}

export interface Scenario {
  accounts: ScenarioAccount[];
}

export const taskDefinitionArnOf = (
  region: string,
  accountId: string,
  family: string,
  revision: number,
): string => `arn:aws:ecs:${region}:${accountId}:task-definition/${family}:${revision}`;

export const clusterArnOf = (region: string, accountId: string, name: string): string =>
  `arn:aws:ecs:${region}:${accountId}:cluster/${name}`;

export const serviceArnOf = (region: string, accountId: string, cluster: string, name: string): string =>
  `arn:aws:ecs:${region}:${accountId}:service/${cluster}/${name}`;

export const taskArnOf = (region: string, accountId: string, cluster: string, id: string): string =>
  `arn:aws:ecs:${region}:${accountId}:task/${cluster}/${id}`;

/** Family and revision from "…:task-definition/family:rev" or "family:rev"; undefined if neither. */
export const parseTaskDefinitionRef = (
  ref: string,
): { family: string; revision: number } | undefined => {
  const tail = ref.includes(':task-definition/') ? ref.slice(ref.indexOf(':task-definition/') + 17) : ref;
  const match = /^([A-Za-z0-9_-]{1,255}):([1-9][0-9]*)$/.exec(tail);
  if (!match) return undefined;
  return { family: match[1] as string, revision: Number(match[2]) };
};
