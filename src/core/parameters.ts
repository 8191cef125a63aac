// Rule parameters arrive as a JSON string in event.ruleParameters; absent or "" means none.
import { InvalidRuleParametersError } from './errors';

export interface RuleParameters {
  /** Role in the evaluated account that the central Lambda assumes (cross-account rollout). */
  readonly executionRoleName?: string;
}

export const KNOWN_PARAMETERS = ['ExecutionRoleName'] as const;

// IAM role names: 1-64 of [\w+=,.@-] (IAM API reference, CreateRole RoleName).
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export function parseRuleParameters(raw: unknown): RuleParameters {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'string') throw invalid('ruleParameters must be a JSON string');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Not chained: the SyntaxError quotes part of the input.
    throw invalid('ruleParameters is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('ruleParameters must be a JSON object');
  }
  const unknown = Object.keys(parsed).filter((key) => !(KNOWN_PARAMETERS as readonly string[]).includes(key));
  if (unknown.length > 0) throw invalid(`unknown rule parameter(s) ${unknown.join(', ')}`);

  const roleName = (parsed as Record<string, unknown>).ExecutionRoleName;
  // Conformance packs pass an unset parameter as "": treat it as not set.
  if (roleName === undefined || roleName === '') return {};
  if (typeof roleName !== 'string' || !ROLE_NAME.test(roleName)) {
    throw invalid('ExecutionRoleName must be an IAM role name (1-64 characters of letters, digits and +=,.@_-)');
  }
  return { executionRoleName: roleName };
}

function invalid(message: string): InvalidRuleParametersError {
  return new InvalidRuleParametersError(`${message}; known parameters: ${KNOWN_PARAMETERS.join(', ')}`);
}
