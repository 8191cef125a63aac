// Normalises a task definition from either source into RevisionFacts: Config items use
// PascalCase keys (PidMode, TaskDefinitionArn), the ECS API camelCase (pidMode, taskDefinitionArn).
import { InvalidConfigurationItemError, quote } from './errors';
import type { PidMode, RevisionFacts } from './types';

export function parsePidMode(value: unknown, resourceRef: string): PidMode {
  if (value === undefined || value === null || value === '') return 'unset';
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'host' || lower === 'task') return lower;
  }
  // Not a value ECS accepts: we cannot establish a verdict, so we refuse rather than guess.
  // The value itself is not echoed: only identifiers go into errors and logs.
  throw new InvalidConfigurationItemError(`Task definition ${quote(resourceRef)} has an unrecognised pidMode value`);
}

/**
 * @param configuration the item's `configuration` object (PascalCase) or an ECS taskDefinition (camelCase)
 * @param itemArn the configuration item's own ARN, when it has one: it must name the same revision
 *
 * Missing data is not "pidMode unset": a configuration without its own task definition ARN (absent,
 * `{}`, or cut short) is refused rather than read as a revision with no pidMode.
 */
export function revisionFacts(configuration: unknown, itemArn: string | undefined, resourceRef: string): RevisionFacts {
  if (typeof configuration !== 'object' || configuration === null || Array.isArray(configuration) || Object.keys(configuration).length === 0) {
    throw new InvalidConfigurationItemError(`Configuration item ${quote(resourceRef)} has no configuration`);
  }
  const record = configuration as Record<string, unknown>;
  const arn = pick(record, 'TaskDefinitionArn', 'taskDefinitionArn');
  if (typeof arn !== 'string' || !isTaskDefinitionArn(arn)) {
    throw new InvalidConfigurationItemError(`Configuration of ${quote(resourceRef)} has no task definition ARN`);
  }
  if (itemArn !== undefined && itemArn !== arn) {
    throw new InvalidConfigurationItemError(
      `Configuration item ${quote(resourceRef)} names two revisions: ARN ${quote(itemArn)} and configuration ${quote(arn)}`,
    );
  }
  const status = pick(record, 'Status', 'status');
  return {
    taskDefinitionArn: arn,
    pidMode: parsePidMode(pick(record, 'PidMode', 'pidMode'), resourceRef),
    ...(typeof status === 'string' && status !== '' ? { status } : {}),
  };
}

export function isTaskDefinitionArn(arn: string): boolean {
  return /^arn:[\w-]+:ecs:[\w-]+:\d{12}:task-definition\/[\w-]+:\d+$/.test(arn);
}

/** Family of a revision ARN, for the ListTasks family filter. */
export function familyOf(taskDefinitionArn: string): string {
  const name = taskDefinitionArn.slice(taskDefinitionArn.indexOf(':task-definition/') + ':task-definition/'.length);
  return name.slice(0, name.lastIndexOf(':'));
}

function pick(record: Record<string, unknown>, pascal: string, camel: string): unknown {
  return pascal in record ? record[pascal] : record[camel];
}
