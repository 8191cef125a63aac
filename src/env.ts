// The environment, read once at start-up through a typed reader that fails with a clear message
// (pattern from Powertools commons/src/envUtils.ts).
import { EnvironmentError } from './core/errors';
import { EXCEPTION_DEFAULTS } from './core/exceptions';

export interface RuleSettings {
  /** SDK attempts per AWS call (RULE_MAX_ATTEMPTS, default 10). */
  readonly maxAttempts: number;
  /** Clusters read at once (RULE_ECS_CONCURRENCY, default 10). */
  readonly ecsConcurrency: number;
  /** Share of ECS's documented throttle rates this rule may use (RULE_ECS_RATE_SHARE, default 1). */
  readonly ecsRateShare: number;
  /**
   * The function's concurrency cap (RULE_CONCURRENCY, default 1; the templates set it to the
   * reserved concurrency). Execution environments cannot see each other's pacing, so each paces
   * itself to ecsRateShare / concurrency: together they stay within ecsRateShare.
   */
  readonly concurrency: number;
  /** Hours after which an unchanged verdict is sent again (RULE_REFRESH_HOURS, default 24; 0 = every run). */
  readonly refreshHours: number;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): RuleSettings {
  return {
    maxAttempts: readNumber(env, 'RULE_MAX_ATTEMPTS', 10, { min: 1, max: 25, integer: true }),
    ecsConcurrency: readNumber(env, 'RULE_ECS_CONCURRENCY', 10, { min: 1, max: 50, integer: true }),
    ecsRateShare: readNumber(env, 'RULE_ECS_RATE_SHARE', 1, { min: 0.05, max: 1, integer: false }),
    concurrency: readNumber(env, 'RULE_CONCURRENCY', 1, { min: 1, max: 100, integer: true }),
    // Up to 30 days: Config keeps results, but downstream tools age out what is not refreshed.
    refreshHours: readNumber(env, 'RULE_REFRESH_HOURS', 24, { min: 0, max: 720, integer: false }),
  };
}

/** How the rule treats the exceptions document (docs/exceptions.md). Read only when ExceptionsS3Uri is set. */
export interface ExceptionSettings {
  /** Days before expiry an exception is reported as expiring (RULE_EXCEPTIONS_WARN_DAYS, default 14). */
  readonly warnDays: number;
  /**
   * Furthest expiry the function accepts, in days after today (RULE_EXCEPTIONS_MAX_DAYS, default
   * 365). The organization's limit lives with the function that enforces it: a document published
   * with a larger `--max-days` fails every invocation until it is fixed.
   */
  readonly maxDays: number;
}

export function readExceptionSettings(env: NodeJS.ProcessEnv = process.env): ExceptionSettings {
  return {
    warnDays: readNumber(env, 'RULE_EXCEPTIONS_WARN_DAYS', EXCEPTION_DEFAULTS.warnDays, { min: 0, max: 90, integer: true }),
    maxDays: readNumber(env, 'RULE_EXCEPTIONS_MAX_DAYS', EXCEPTION_DEFAULTS.maxDays, { min: 1, max: 3650, integer: true }),
  };
}

function readNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  { min, max, integer }: { min: number; max: number; integer: boolean },
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new EnvironmentError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}
