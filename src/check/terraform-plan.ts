// `terraform show -json plan.out`: every aws_ecs_task_definition in resource_changes (child modules
// included: their entries are in the same flat list, addressed module.<name>...).
// Format: https://developer.hashicorp.com/terraform/internals/json-format
import { misplacedPidModes } from './container-definitions';
import { isRecord, literalFinding } from './findings';
import type { Finding } from './findings';
import type { ParsedSource } from './source';

const TASK_DEFINITION = 'aws_ecs_task_definition';

export function isTerraformPlan(root: unknown): boolean {
  // A state file (`terraform show -json` without a plan) has format_version too, but no changes.
  return isRecord(root) && typeof root.format_version === 'string' && ('resource_changes' in root || 'planned_values' in root);
}

export function checkTerraformPlan(source: ParsedSource): Finding[] {
  const root = source.root as Record<string, unknown>;
  const changes = Array.isArray(root.resource_changes) ? root.resource_changes : [];
  return changes.flatMap((change) => {
    if (!isRecord(change) || change.type !== TASK_DEFINITION || change.mode === 'data' || !isRecord(change.change)) return [];
    const { after, after_unknown: unknown } = change.change;
    // A resource being destroyed has no after: nothing of it will run.
    if (!isRecord(after)) return [];
    const address = typeof change.address === 'string' ? change.address : TASK_DEFINITION;
    const findings: Finding[] = [];
    if (isRecord(unknown) && unknown.pid_mode === true) {
      const from = references(root.configuration, change);
      const position = source.positionOf(unknown, 'pid_mode');
      findings.push({
        rule: 'unresolved',
        resource: address,
        message: `pid_mode is not known until apply${from ? ` (it comes from ${from})` : ''}`,
        ...(position ? { position } : {}),
      });
    } else {
      const finding = literalFinding('pid_mode', after.pid_mode, address, source.positionOf(after, 'pid_mode'));
      if (finding) findings.push(finding);
    }
    // container_definitions is a JSON document in a string; its keys have no line of their own.
    if (typeof after.container_definitions === 'string') {
      const position = source.positionOf(after, 'container_definitions');
      findings.push(...misplacedPidModes(parseJson(after.container_definitions), address, () => position));
    }
    return findings;
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // Terraform validated it at plan time; nothing we can add.
  }
}

/** The expression references behind a resource's pid_mode in the plan's configuration, e.g. "var.pid_mode". */
function references(configuration: unknown, change: Record<string, unknown>): string | undefined {
  let module = isRecord(configuration) ? configuration.root_module : undefined;
  // module_address: module.a[0].module.b["x"]; the configuration is per module call, not per instance.
  const calls = typeof change.module_address === 'string' ? [...change.module_address.matchAll(/module\.([^.[]+)/g)] : [];
  for (const [, call] of calls) {
    const next = isRecord(module) && isRecord(module.module_calls) ? module.module_calls[call ?? ''] : undefined;
    module = isRecord(next) ? next.module : undefined;
  }
  const resources = isRecord(module) && Array.isArray(module.resources) ? module.resources : [];
  const resource = resources.find((r) => isRecord(r) && r.type === change.type && r.name === change.name && r.mode !== 'data');
  const expression = isRecord(resource) && isRecord(resource.expressions) ? resource.expressions.pid_mode : undefined;
  const refs = isRecord(expression) && Array.isArray(expression.references) ? expression.references : [];
  // Terraform lists "aws_x.y.attr" and then "aws_x.y": the first is the more precise one.
  return typeof refs[0] === 'string' ? refs[0] : undefined;
}
