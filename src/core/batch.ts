// Batching helpers sized by AWS limits.

/** PutEvaluations, DescribeTasks and most list pages take at most 100 items. */
export const AWS_BATCH_MAX = 100;

export function chunk<T>(items: readonly T[], size = AWS_BATCH_MAX): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('chunk size must be a positive integer');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** SelectResourceConfig Expression: 1-4096 characters (AWS Config API reference). */
export const EXPRESSION_MAX = 4096;

/** What a look-up query matches on: the revision's ARN, or the resource ID Config gave it. */
export type LookupField = 'arn' | 'resourceId';

const selectPrefix = (field: LookupField): string =>
  `SELECT resourceId, resourceType, arn, configuration.PidMode, configuration.TaskDefinitionArn WHERE resourceType = 'AWS::ECS::TaskDefinition' AND ${field} IN (`;

/**
 * Advanced queries that look up recorded task definitions by exact ARN (or resource ID), packed
 * greedily so each expression stays within the 4096-character limit: one query per ~60 revisions
 * instead of listing every recorded revision of the account.
 */
export function lookupQueries(field: LookupField, values: readonly string[]): string[] {
  const SELECT_PREFIX = selectPrefix(field);
  const empty = SELECT_PREFIX.length + ')'.length;
  const queries: string[] = [];
  let current: string[] = [];
  let length = empty;
  const flush = (): void => {
    if (current.length > 0) queries.push(`${SELECT_PREFIX}${current.join(', ')})`);
    current = [];
    length = empty;
  };
  for (const value of values) {
    const quoted = `'${value.replace(/'/g, "''")}'`;
    if (empty + quoted.length > EXPRESSION_MAX) throw new RangeError(`a ${field} is too long for an advanced query`);
    if (current.length > 0 && length + 2 + quoted.length > EXPRESSION_MAX) flush();
    length += (current.length > 0 ? 2 : 0) + quoted.length;
    current.push(quoted);
  }
  flush();
  return queries;
}
