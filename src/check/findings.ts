// What `check` reports, independent of the input format and of the output format.
import type { SourcePosition } from './source';

/** Rule ids are stable: SARIF consumers (GitHub code scanning) track alerts by them. */
export const CHECK_RULES = {
  host: {
    id: 'ECSPID001',
    name: 'PidModeHost',
    level: 'error',
    summary: "Task definition sets pidMode to host: its containers share the host's process namespace",
  },
  unresolved: {
    id: 'ECSPID002',
    name: 'PidModeNotEstablished',
    level: 'warning',
    summary: 'pidMode comes from a parameter, an expression or a value unknown until deploy or apply: it could not be checked',
  },
  misplaced: {
    id: 'ECSPID003',
    name: 'PidModeInContainerDefinition',
    level: 'warning',
    summary: 'pidMode is written inside a container definition, where it has no effect: pidMode is a task-level setting',
  },
} as const;
export type CheckRule = keyof typeof CHECK_RULES;
export type FindingLevel = (typeof CHECK_RULES)[CheckRule]['level'];

/** One finding in one file, before the file is known. */
export interface Finding {
  readonly rule: CheckRule;
  /** CloudFormation logical ID, Terraform resource address, or task definition family/ARN. */
  readonly resource: string;
  readonly message: string;
  /** Where the offending pidMode key (or its enclosing key) is written, when it is. */
  readonly position?: SourcePosition;
}

export const CHECK_FORMATS = {
  cloudFormation: 'cloudformation',
  terraformPlan: 'terraform-plan',
  taskDefinition: 'task-definition',
} as const;
export type CheckFormat = (typeof CHECK_FORMATS)[keyof typeof CHECK_FORMATS];

/** How a literal pidMode value reads: ECS accepts "host" and "task" (we compare case-insensitively). */
export type LiteralPidMode = 'host' | 'private' | 'unrecognised';

export function classifyLiteral(value: unknown): LiteralPidMode {
  if (value === undefined || value === null || value === '') return 'private';
  if (typeof value !== 'string') return 'unrecognised';
  const lower = value.toLowerCase();
  if (lower === 'host') return 'host';
  return lower === 'task' ? 'private' : 'unrecognised';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value quoted for a message, cut short: messages name values, they do not dump them. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export const HOST_CONSEQUENCE = "containers share the host's process namespace";

/** The finding for a literal pidMode value written under `key`, if it deserves one. */
export function literalFinding(key: string, value: unknown, resource: string, position?: SourcePosition): Finding | undefined {
  const literal = classifyLiteral(value);
  if (literal === 'private') return undefined;
  return {
    rule: literal === 'host' ? 'host' : 'unresolved',
    resource,
    message:
      literal === 'host' ? `${key} is host: ${HOST_CONSEQUENCE}` : `${key} is ${quote(value)}, not a value ECS accepts (host or task)`,
    ...(position ? { position } : {}),
  };
}
