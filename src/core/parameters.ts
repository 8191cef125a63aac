// Rule parameters arrive as a JSON string in event.ruleParameters; absent or "" means none.
import { InvalidRuleParametersError } from './errors';
import { s3UriProblem } from './s3-uri';

export interface RuleParameters {
  /** Role in the evaluated account that the central Lambda assumes (cross-account rollout). */
  readonly executionRoleName?: string;
  /** s3://bucket/key of the published exceptions document (one conformance-pack parameter for the organization). */
  readonly exceptionsS3Uri?: string;
}

export const KNOWN_PARAMETERS = ['ExecutionRoleName', 'ExceptionsS3Uri'] as const;

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

  const record = parsed as Record<string, unknown>;
  // Conformance packs pass an unset parameter as "": treat it as not set.
  const roleName = record.ExecutionRoleName;
  if (roleName !== undefined && roleName !== '' && (typeof roleName !== 'string' || !ROLE_NAME.test(roleName))) {
    throw invalid('ExecutionRoleName must be an IAM role name (1-64 characters of letters, digits and +=,.@_-)');
  }
  const exceptionsUri = record.ExceptionsS3Uri;
  if (exceptionsUri !== undefined && exceptionsUri !== '') {
    const problem = typeof exceptionsUri === 'string' ? s3UriProblem(exceptionsUri) : 'must be a string';
    if (problem) throw invalid(`ExceptionsS3Uri ${problem}`);
  }
  return {
    ...(typeof roleName === 'string' && roleName !== '' ? { executionRoleName: roleName } : {}),
    ...(typeof exceptionsUri === 'string' && exceptionsUri !== '' ? { exceptionsS3Uri: exceptionsUri } : {}),
  };
}

function invalid(message: string): InvalidRuleParametersError {
  return new InvalidRuleParametersError(`${message}; known parameters: ${KNOWN_PARAMETERS.join(', ')}`);
}
