// The remediation plan for in-use host-mode revisions, as pure data: the register-task-definition
// input of a fixed revision, the order services are rolled in, and the AWS CLI commands that do it.
// Nothing here calls AWS or touches files: the CLI reads ECS, writes the inputs, prints the plan.
import { familyOf } from './revision';

/**
 * Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not accept: ECS sets them.
 * ECS API reference, TaskDefinition and RegisterTaskDefinition; the same difference between the
 * SDK's TaskDefinition and RegisterTaskDefinitionRequest shapes (@aws-sdk/client-ecs), which also
 * has deleteRequestedAt (set when a deletion is requested).
 */
export const READ_ONLY_TASK_DEFINITION_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
] as const;

/** RegisterTaskDefinition's request fields (ECS API reference). */
export const REGISTER_TASK_DEFINITION_FIELDS = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'tags',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
  'enableFaultInjection',
] as const;

export interface RegisterInput {
  /** The register-task-definition input (holds container environment values: never print it). */
  readonly input: Record<string, unknown>;
  /**
   * Fields that are neither known request fields nor known read-only ones (ECS added one since
   * this was written). Kept: if ECS does not accept it, registering fails loudly, whereas dropping
   * it could silently change the definition.
   */
  readonly unknownFields: readonly string[];
}

/**
 * The revision's own definition with pidMode removed: the fixed revision differs from the running
 * one in nothing else. `tags` are the revision's own (DescribeTaskDefinition include TAGS).
 */
export function fixedRegisterInput(taskDefinition: Readonly<Record<string, unknown>>, tags: ReadonlyArray<{ key?: string; value?: string }> = []): RegisterInput {
  const readOnly = new Set<string>(READ_ONLY_TASK_DEFINITION_FIELDS);
  const known = new Set<string>(REGISTER_TASK_DEFINITION_FIELDS);
  const input: Record<string, unknown> = {};
  const unknownFields: string[] = [];
  for (const [key, value] of Object.entries(taskDefinition)) {
    if (key === 'pidMode' || readOnly.has(key) || value === undefined || value === null) continue;
    if (!known.has(key)) unknownFields.push(key);
    input[key] = value;
  }
  if (tags.length > 0) input.tags = tags.map((t) => ({ key: t.key, value: t.value }));
  return { input, unknownFields };
}

/** `--priority-tag env=production`: services carrying it are rolled first, in the order given. */
export interface PriorityTag {
  readonly key: string;
  readonly value: string;
}

/** "key=value" (the value may itself contain "="); undefined when it is not of that shape. */
export function parsePriorityTag(text: string): PriorityTag | undefined {
  const at = text.indexOf('=');
  if (at <= 0) return undefined;
  return { key: text.slice(0, at), value: text.slice(at + 1) };
}

export interface PlanService {
  readonly cluster: string;
  readonly service: string;
  readonly desiredCount: number;
  /** Tasks of this revision the service runs now. */
  readonly runningCount: number;
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
}

/** Tasks of the revision that no service runs, by who started them (RunTask's startedBy). */
export interface PlanStandalone {
  readonly cluster: string;
  readonly startedBy?: string;
  readonly taskCount: number;
}

export interface PlanRevision {
  readonly resourceId: string;
  readonly taskDefinitionArn: string;
  readonly services: readonly PlanService[];
  readonly standalone: readonly PlanStandalone[];
  /** Where the register input was written. */
  readonly registerInputFile: string;
}

export interface PlannedService extends PlanService {
  /** Index of the first priority tag it carries; the number of priority tags when none. */
  readonly rank: number;
}

export interface PlannedRevision extends Omit<PlanRevision, 'services'> {
  readonly family: string;
  readonly services: readonly PlannedService[];
  readonly commands: readonly string[];
}

export interface CommandContext {
  readonly region: string;
  readonly profile?: string;
}

/**
 * Revisions in rollout order: the one whose highest-priority service ranks first leads (ties by
 * ARN); revisions no service runs come last. Within a revision, its register command, then one
 * update-service per service, highest priority first. `--task-definition <family>` takes the
 * family's latest ACTIVE revision (UpdateService reference), which is the one registered by the
 * command just before: the commands are meant to run in this order, one revision at a time.
 */
export function planRemediation(revisions: readonly PlanRevision[], priorities: readonly PriorityTag[], context: CommandContext): PlannedRevision[] {
  const rankOf = (service: PlanService): number => {
    const index = priorities.findIndex((p) => service.tags.some((t) => t.key === p.key && t.value === p.value));
    return index < 0 ? priorities.length : index;
  };
  const planned = revisions.map((revision) => {
    const family = familyOf(revision.taskDefinitionArn);
    const services = revision.services
      .map((s) => ({ ...s, rank: rankOf(s) }))
      .sort((a, b) => a.rank - b.rank || a.cluster.localeCompare(b.cluster) || a.service.localeCompare(b.service));
    const commands = [
      awsCommand(['ecs', 'register-task-definition', '--cli-input-json', `file://${revision.registerInputFile}`], context),
      ...services.map((s) => awsCommand(['ecs', 'update-service', '--cluster', s.cluster, '--service', s.service, '--task-definition', family], context)),
    ];
    return { ...revision, family, services, commands };
  });
  const lead = (r: PlannedRevision): number => (r.services.length > 0 ? Math.min(...r.services.map((s) => s.rank)) : priorities.length + 1);
  return planned.sort((a, b) => lead(a) - lead(b) || a.taskDefinitionArn.localeCompare(b.taskDefinitionArn));
}

function awsCommand(args: readonly string[], context: CommandContext): string {
  const all = ['aws', ...args, '--region', context.region, ...(context.profile ? ['--profile', context.profile] : [])];
  return all.map(shellQuote).join(' ');
}

/** Single-quoted for a POSIX shell when it holds anything but plainly safe characters. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@+,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The file a revision's register input is written to: one per revision, named after it. */
export function registerInputFileName(taskDefinitionArn: string): string {
  const name = taskDefinitionArn.slice(taskDefinitionArn.indexOf(':task-definition/') + ':task-definition/'.length);
  return `${name.replace(':', '-')}.register-task-definition.json`;
}
