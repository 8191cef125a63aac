// Loads CloudFormation YAML (short-form tags included) into plain JSON-shaped values, and offers
// small typed accessors that fail with the path that was wrong.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLOUDFORMATION_TAGS } from '../../../src/check/cloudformation-tags';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** Every CloudFormation template the project ships (linted, checked for doc links). */
export const TEMPLATE_FILES = [
  'template.yaml',
  'conformance-pack.yaml',
  'deploy/member-role.yaml',
  'deploy/org/member-account.yaml',
  'deploy/org/code-bucket.yaml',
  'deploy/org/exceptions-bucket.yaml',
] as const;

export function parseCfnYaml(text: string): unknown {
  return parse(text, { customTags: [...CLOUDFORMATION_TAGS], strict: true, uniqueKeys: true });
}

export function readRepoFile(relativePath: string): string {
  return readFileSync(join(REPO_ROOT, relativePath), 'utf8');
}

export function loadTemplate(relativePath: string): Record<string, unknown> {
  return asRecord(parseCfnYaml(readRepoFile(relativePath)), relativePath);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`${path}: expected a mapping, got ${JSON.stringify(value)}`);
  return value;
}

export function asArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${path}: expected a list, got ${JSON.stringify(value)}`);
  return value;
}

export function asString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new Error(`${path}: expected a string, got ${JSON.stringify(value)}`);
  return value;
}

/** Follows a dotted path of mapping keys, failing with the full path when a step is missing. */
export function at(root: unknown, ...keys: string[]): unknown {
  let current: unknown = root;
  const walked: string[] = [];
  for (const key of keys) {
    walked.push(key);
    const record = asRecord(current, walked.slice(0, -1).join('.') || '<root>');
    if (!(key in record)) throw new Error(`missing ${walked.join('.')}`);
    current = record[key];
  }
  return current;
}

export function resources(template: Record<string, unknown>): Record<string, unknown> {
  return asRecord(template.Resources, 'Resources');
}

export function resource(template: Record<string, unknown>, logicalId: string, type: string): Record<string, unknown> {
  const found = asRecord(resources(template)[logicalId], `Resources.${logicalId}`);
  if (found.Type !== type) throw new Error(`Resources.${logicalId}: expected ${type}, got ${String(found.Type)}`);
  return found;
}

export function properties(res: Record<string, unknown>, path: string): Record<string, unknown> {
  return asRecord(res.Properties, `${path}.Properties`);
}

/** Logical IDs of the resources of one type (Fn::ForEach blocks are not expanded here). */
export function resourcesOfType(template: Record<string, unknown>, type: string): string[] {
  return Object.entries(resources(template))
    .filter(([, value]) => isRecord(value) && value.Type === type)
    .map(([logicalId]) => logicalId);
}

/**
 * Both branches of every Fn::If, without AWS::NoValue: what a policy or list may contain under
 * some parameter values. Non-conditional values pass through.
 */
export function conditionalBranches(value: unknown): unknown[] {
  if (isRecord(value) && 'Fn::If' in value) {
    const args = asArray(value['Fn::If'], 'Fn::If');
    if (args.length !== 3) throw new Error(`Fn::If takes 3 arguments: ${JSON.stringify(value)}`);
    return [...conditionalBranches(args[1]), ...conditionalBranches(args[2])];
  }
  if (isRecord(value) && value.Ref === 'AWS::NoValue') return [];
  return [value];
}

/** Every key used as an intrinsic function (Ref, Condition, Fn::*) anywhere in the value. */
export function intrinsicKeys(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) intrinsicKeys(item, found);
  } else if (isRecord(value)) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' || key.startsWith('Fn::')) found.add(key.startsWith('Fn::ForEach::') ? 'Fn::ForEach' : key);
      intrinsicKeys(inner, found);
    }
  }
  return found;
}

/** Java-style AllowedPattern as CloudFormation applies it: the whole value must match. */
export function matchesAllowedPattern(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(value);
}

/** Every mapping anywhere inside value (value included) that satisfies the predicate. */
export function findMappings(value: unknown, predicate: (mapping: Record<string, unknown>) => boolean): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (isRecord(node)) {
      if (predicate(node)) found.push(node);
      Object.values(node).forEach(walk);
    }
  };
  walk(value);
  return found;
}
