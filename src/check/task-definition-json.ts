// ECS task definition JSON: `aws ecs register-task-definition --cli-input-json` input (top level
// family + containerDefinitions) and `aws ecs describe-task-definition` output ({ taskDefinition }).
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_definition_pidmode
import { misplacedPidModes } from './container-definitions';
import { isRecord, literalFinding } from './findings';
import type { Finding } from './findings';
import type { ParsedSource } from './source';

/** The task definition object inside the document, or undefined when the document is not one. */
export function taskDefinitionIn(root: unknown): Record<string, unknown> | undefined {
  if (!isRecord(root)) return undefined;
  if (isRecord(root.taskDefinition)) return root.taskDefinition;
  return Array.isArray(root.containerDefinitions) ? root : undefined;
}

export function checkTaskDefinition(source: ParsedSource): Finding[] {
  const definition = taskDefinitionIn(source.root);
  if (!definition) return [];
  const resource = [definition.taskDefinitionArn, definition.family].find((v) => typeof v === 'string') ?? 'taskDefinition';
  const resourceName = String(resource);
  const findings: Finding[] = [];
  const finding = literalFinding('pidMode', definition.pidMode, resourceName, source.positionOf(definition, 'pidMode'));
  if (finding) findings.push(finding);
  findings.push(...misplacedPidModes(definition.containerDefinitions, resourceName, source.positionOf));
  return findings;
}
