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
      .map((f) => `${f.cluster} (${shortCause(f.cause)})`)
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

/**
 * An AWS call failed (throttling beyond the retry budget, 5xx, AccessDenied...). Says which
 * operation, on what (cluster, revision, rule, batch), and why: a bare "Rate exceeded" tells an
 * operator nothing.
 */
export class AwsCallError extends RuleError {
  override name = 'AwsCallError';
  constructor(readonly operation: string, readonly resource: string, options: { cause: unknown }) {
    super(`${operation} failed for ${resource}: ${causeText(options.cause)}`, options);
  }
}

export interface SweepProgress {
  readonly clustersRead: number;
  readonly clustersTotal: number;
  readonly reported: number;
}

/**
 * The function's time limit came before the sweep finished. What was established (revisions seen
 * running) was reported; nothing was set NOT_APPLICABLE, since "not running" needs the whole account.
 */
export class SweepIncompleteError extends RuleError {
  override name = 'SweepIncompleteError';
  constructor(readonly progress: SweepProgress) {
    super(
      `Sweep incomplete: the time limit was reached after reading ${progress.clustersRead} of ${progress.clustersTotal} cluster(s). ` +
        `${progress.reported} established evaluation(s) reported; no result was set NOT_APPLICABLE. ` +
        'Raise the function timeout or RULE_ECS_RATE_SHARE if this repeats.',
    );
  }
}

/** Quoted identifiers and causes are capped: a 1 MB resource ID must not become a 2 MB log line. */
export const QUOTE_MAX = 160;

/** An identifier fit to quote in a message or log: capped, control characters escaped. */
export function quote(value: string, max = QUOTE_MAX): string {
  const text = value.length > max ? `${value.slice(0, max)}… (${value.length} characters)` : value;
  return JSON.stringify(text);
}

/** Short, identifier-only description of an underlying error (SDK errors carry name + message). */
export function causeText(cause: unknown): string {
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return text.length > 2 * QUOTE_MAX ? `${text.slice(0, 2 * QUOTE_MAX)}…` : text;
}

/** The cause of a failure, for a list that already names the resource: "ListTasks: ThrottlingException: Rate exceeded". */
export function shortCause(error: unknown): string {
  return error instanceof AwsCallError ? `${error.operation}: ${causeText(error.cause)}` : causeText(error);
}

/** The SDK rejects a call whose abortSignal fired with an error of this name. */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** A string meant as s3://bucket/key is not one. */
export class InvalidS3UriError extends RuleError {
  override name = 'InvalidS3UriError';
}

/**
 * An exceptions document broke one or more rules. `problems` lists every one, each naming the
 * entry (id and position) and the field, so a reviewer can fix them all in one pass.
 */
export class InvalidExceptionsDocumentError extends RuleError {
  override name = 'InvalidExceptionsDocumentError';
  constructor(readonly problems: readonly string[]) {
    const listed = problems.slice(0, 20).join('; ');
    const more = problems.length > 20 ? `; and ${problems.length - 20} more` : '';
    super(`Invalid exceptions document (${problems.length} problem(s)): ${listed}${more}`);
  }
}

/**
 * The exceptions document named by the rule parameter ExceptionsS3Uri could not be read, parsed
 * or validated. The rule then reports nothing: never "no exceptions", never "everything excepted".
 */
export class ExceptionsReadError extends RuleError {
  override name = 'ExceptionsReadError';
  constructor(readonly uri: string, options?: { cause?: unknown }) {
    super(`Could not use the exceptions document ${uri}: ${causeText(options?.cause)}`, options);
  }
}

/** A file given to `ecs-pidmode check` cannot be read, parsed, or recognised as a format it checks. */
export class CheckInputError extends RuleError {
  override name = 'CheckInputError';
}

/**
 * S3 answered a request with an error status. `name` is S3's own error code from the XML body
 * (NoSuchKey, NoSuchBucket, AccessDenied, SlowDown...), as on the SDK's S3 errors, so causeText
 * reads "NoSuchKey: The specified key does not exist." and callers can match on the code; without
 * a body (or a code in it) the name is `Http<status>`. The class name is spelled out in `kind`.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
export class S3ServiceError extends RuleError {
  override name = 'S3ServiceError';
  readonly kind = 'S3ServiceError';
  readonly $metadata: { readonly httpStatusCode: number; readonly requestId?: string };
  /** The bucket's Region, when S3 named it (x-amz-bucket-region, or <Region> in a redirect's body). */
  readonly bucketRegion?: string;
  constructor(readonly code: string, message: string, httpStatusCode: number, details: { requestId?: string; bucketRegion?: string } = {}) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode, ...(details.requestId ? { requestId: details.requestId } : {}) };
    if (details.bucketRegion) this.bucketRegion = details.bucketRegion;
  }
}

/** An S3 object is larger than the caller reads (by its Content-Length, or counted while reading). */
export class S3ObjectTooLargeError extends RuleError {
  override name = 'S3ObjectTooLargeError';
  constructor(readonly maxBytes: number, readonly bytes?: number) {
    super(`the object is ${bytes !== undefined ? `${bytes} bytes` : `more than ${maxBytes} bytes`}; at most ${maxBytes} are read`);
  }
}
