// Named errors, one file (pattern from Powertools' idempotency/src/errors.ts). Messages carry
// identifiers and counts only: never a configuration value, never a raw event.

// Names are spelled out, not taken from the class: the minified bundle renames classes.
export class RuleError extends Error {
  override name = 'RuleError';
}

/** The invocation event is not a Config rule event this rule can read. */
export class InvalidEventError extends RuleError {
  override name = 'InvalidEventError';
}

/** The rule's InputParameters are malformed or name an unknown parameter. */
export class InvalidRuleParametersError extends RuleError {
  override name = 'InvalidRuleParametersError';
}

/** A configuration item lacks a field the decision needs, or holds a value we cannot interpret. */
export class InvalidConfigurationItemError extends RuleError {
  override name = 'InvalidConfigurationItemError';
}

/** The Lambda environment is misconfigured (read once at start-up). */
export class EnvironmentError extends RuleError {
  override name = 'EnvironmentError';
}

/** Assuming the member account's execution role failed. */
export class AssumeRoleError extends RuleError {
  override name = 'AssumeRoleError';
  constructor(readonly roleArn: string, options?: { cause?: unknown }) {
    super(`Could not assume execution role ${roleArn}: ${causeText(options?.cause)}`, options);
  }
}

export interface ClusterFailure {
  readonly cluster: string;
  readonly cause: unknown;
}

/**
 * In-use discovery could not read part of the account, so some verdicts could not be
 * established. Verdicts that did not depend on the failed part may have been reported.
 */
export class DiscoveryError extends RuleError {
  override name = 'DiscoveryError';
  constructor(readonly failures: readonly ClusterFailure[], readonly reported = 0) {
    const listed = failures
      .slice(0, 5)
      .map((f) => `${f.cluster} (${causeText(f.cause)})`)
      .join('; ');
    const more = failures.length > 5 ? `; and ${failures.length - 5} more` : '';
    super(
      `ECS in-use discovery failed in ${failures.length} cluster(s): ${listed}${more}. ` +
        `${reported} established evaluation(s) reported; no verdict was reported for what depends on the failed clusters.`,
      { cause: failures[0]?.cause },
    );
  }
}

/** ECS answered in a way that leaves part of a cluster unknown (e.g. DescribeTasks failures). */
export class EcsResponseError extends RuleError {
  override name = 'EcsResponseError';
}

/** Running revisions whose pidMode could not be established; their verdicts were not reported. */
export class UndeterminedRevisionsError extends RuleError {
  override name = 'UndeterminedRevisionsError';
}

/** A Config API read (history, advanced query, previous results) failed. */
export class ConfigReadError extends RuleError {
  override name = 'ConfigReadError';
}

/** PutEvaluations kept returning FailedEvaluations after the bounded retries. */
export class PutEvaluationsError extends RuleError {
  override name = 'PutEvaluationsError';
  constructor(readonly failedCount: number, readonly attempts: number, options?: { cause?: unknown }) {
    super(`PutEvaluations rejected ${failedCount} evaluation(s) after ${attempts} attempt(s)`, options);
  }
}

/** Short, identifier-only description of an underlying error (SDK errors carry name + message). */
export function causeText(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}

/** A file given to `ecs-pidmode check` cannot be read, parsed, or recognised as a format it checks. */
export class CheckInputError extends RuleError {
  override name = 'CheckInputError';
}
