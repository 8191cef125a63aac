// End-to-end helpers: the BUILT bundle (dist/handler.js) loaded as Lambda loads it, pointed at the
// local AWS simulator (or moto) through the SDK's own endpoint variables, and read back through
// what the simulator stored: what the Config console would show.
//
// Why not jest.isolateModules(() => require(bundle)): the bundled SDK HTTP handler creates its
// agents with a dynamic `import("node:http")`, which jest's module sandbox refuses without
// --experimental-vm-modules (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG on the first AWS call).
// So the bundle is loaded by Node's own loader, as the Lambda runtime does, fresh for every
// scenario (its require.cache entry is dropped). It then sees the worker's real process.env,
// not the copy jest gives each test file: the environment is set there.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';

import type { RunSummary } from '../../src/run';
import {
  lambdaContext,
  type ComplianceType,
  type CountersSnapshot,
  type RuleRef,
  type ScenarioAccount,
  type Simulator,
  type StoredEvaluation,
  type TaskRecord,
} from '../../tools/simulator';

export const ROOT = join(__dirname, '..', '..');
export const BUNDLE_PATH = join(ROOT, 'dist', 'handler.js');
export const REGION = 'us-east-1';
export const TASK_DEFINITION = 'AWS::ECS::TaskDefinition';

/** `npm test` builds first; a bare `npx jest test/e2e` on a fresh checkout builds here. */
export function ensureBundle(): void {
  if (!existsSync(BUNDLE_PATH)) execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Deterministic, unique keys per account id (the simulator tells accounts apart by access key id). */
export function keysFor(accountId: string): Credentials {
  return { accessKeyId: `AKIA${accountId}E2E0`, secretAccessKey: `e2e-secret-${accountId}` };
}

/** A scenario account with keysFor() credentials. */
export function accountWith(accountId: string, rest: Omit<ScenarioAccount, 'accountId' | 'accessKeyId' | 'secretAccessKey'>): ScenarioAccount {
  return { accountId, ...keysFor(accountId), ...rest };
}

export interface LambdaEnv {
  /** AWS_ENDPOINT_URL: every client (ECS, Config, STS) goes there. */
  readonly endpoint?: string;
  /** Service-specific endpoints (AWS_ENDPOINT_URL_ECS, ..._CONFIG_SERVICE, ..._STS). */
  readonly endpoints?: { readonly ecs?: string; readonly config?: string; readonly sts?: string };
  /** The function's own credentials (the central account in cross-account tests). */
  readonly credentials: Credentials;
  /** RULE_MAX_ATTEMPTS: 3 when absent, so failures surface quickly; null leaves it unset (the rule's default, 10). */
  readonly maxAttempts?: number | null;
  /** POWERTOOLS_LOG_LEVEL; default SILENT. */
  readonly logLevel?: string;
  readonly ecsConcurrency?: number;
  readonly ecsRateShare?: number;
  /** RULE_REFRESH_HOURS. */
  readonly refreshHours?: number;
  /** RULE_EXCEPTIONS_WARN_DAYS. */
  readonly exceptionsWarnDays?: number;
  /** Emit metrics (EMF on stdout) instead of POWERTOOLS_METRICS_DISABLED; read them with captureOutput and emfMetrics. */
  readonly metrics?: boolean;
}

// Everything the bundle or the SDK could read from the environment, saved and restored as one.
export const MANAGED_ENV = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_ECS',
  'AWS_ENDPOINT_URL_CONFIG_SERVICE',
  'AWS_ENDPOINT_URL_STS',
  'AWS_ENDPOINT_URL_S3',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_RETRY_MODE',
  'AWS_MAX_ATTEMPTS',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  'RULE_MAX_ATTEMPTS',
  'RULE_ECS_CONCURRENCY',
  'RULE_ECS_RATE_SHARE',
  'RULE_REFRESH_HOURS',
  'RULE_EXCEPTIONS_WARN_DAYS',
  'RULE_EXCEPTIONS_MAX_DAYS',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_DEV',
  'POWERTOOLS_SERVICE_NAME',
  'AWS_LAMBDA_LOG_LEVEL',
] as const;

/** The jest worker's own process: the bundle reads this env (each test file sees a copy of it). */
export const hostProcess = runInThisContext('process') as NodeJS.Process;
const hostEnv = hostProcess.env;

let saved: Map<string, string | undefined> | undefined;

/** Sets the function's environment; the first call since the last restoreEnv() saves what was there. */
export function applyEnv(env: LambdaEnv): void {
  saved ??= new Map(MANAGED_ENV.map((name) => [name, hostEnv[name]]));
  for (const name of MANAGED_ENV) delete hostEnv[name];
  const set = (name: string, value: string | number | undefined): void => {
    if (value !== undefined) hostEnv[name] = String(value);
  };
  set('AWS_ENDPOINT_URL', env.endpoint);
  set('AWS_ENDPOINT_URL_ECS', env.endpoints?.ecs);
  set('AWS_ENDPOINT_URL_CONFIG_SERVICE', env.endpoints?.config);
  set('AWS_ENDPOINT_URL_STS', env.endpoints?.sts);
  set('AWS_ACCESS_KEY_ID', env.credentials.accessKeyId);
  set('AWS_SECRET_ACCESS_KEY', env.credentials.secretAccessKey);
  set('AWS_REGION', REGION);
  // Hermetic: no shared config or credentials file, no instance metadata.
  set('AWS_CONFIG_FILE', join(ROOT, 'test', 'e2e', 'no-such-aws-config'));
  set('AWS_SHARED_CREDENTIALS_FILE', join(ROOT, 'test', 'e2e', 'no-such-aws-credentials'));
  set('AWS_EC2_METADATA_DISABLED', 'true');
  set('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
  if (env.maxAttempts !== null) set('RULE_MAX_ATTEMPTS', env.maxAttempts ?? 3);
  set('RULE_ECS_CONCURRENCY', env.ecsConcurrency);
  set('RULE_ECS_RATE_SHARE', env.ecsRateShare);
  set('RULE_REFRESH_HOURS', env.refreshHours);
  set('RULE_EXCEPTIONS_WARN_DAYS', env.exceptionsWarnDays);
  set('POWERTOOLS_LOG_LEVEL', env.logLevel ?? 'SILENT');
  set('POWERTOOLS_METRICS_DISABLED', env.metrics ? 'false' : 'true');
}

export function restoreEnv(): void {
  if (!saved) return;
  for (const [name, value] of saved) {
    if (value === undefined) delete hostEnv[name];
    else hostEnv[name] = value;
  }
  saved = undefined;
}

/** beforeAll: bundle present; afterEach: environment restored. Call once per test file. */
export function useBundle(): void {
  beforeAll(ensureBundle, 120_000);
  afterEach(restoreEnv);
}

export type Handler = (event: unknown, context?: unknown) => Promise<RunSummary>;

type HostRequire = ((id: string) => unknown) & { cache: Record<string, unknown> };

/** Node's own require (not jest's), for loading the bundle as the Lambda runtime does. */
function hostRequire(): HostRequire {
  const host = hostProcess as NodeJS.Process & {
    getBuiltinModule?: (id: string) => unknown;
    mainModule?: { require: HostRequire };
  };
  const nodeModule = host.getBuiltinModule?.('node:module') as { createRequire(path: string): HostRequire } | undefined;
  if (nodeModule) return nodeModule.createRequire(BUNDLE_PATH);
  // Node < 20.16 has no getBuiltinModule.
  if (host.mainModule) return host.mainModule.require;
  throw new Error('cannot reach Node\'s module loader from this jest worker');
}

/** A fresh module instance of the bundle: no SDK clients, caches or pacing state from earlier scenarios. */
export function loadHandler(): Handler {
  const load = hostRequire();
  delete load.cache[BUNDLE_PATH];
  let handler: unknown;
  try {
    handler = (load(BUNDLE_PATH) as { handler?: unknown }).handler;
  } finally {
    delete load.cache[BUNDLE_PATH];
  }
  if (typeof handler !== 'function') throw new Error(`${BUNDLE_PATH} does not export a handler function`);
  return handler as Handler;
}

/**
 * One Lambda execution environment: the bundle loaded fresh, and invocations sharing its module
 * state (SDK clients, ECS pacing buckets, role credentials) as warm invocations do. The SDK reads
 * AWS_ENDPOINT_URL* and the credentials when clients are created on the first invocation, so the
 * environment is (re)applied before every invocation; afterEach restores it.
 */
export class Lambda {
  private constructor(
    private readonly env: LambdaEnv,
    private readonly handler: Handler,
  ) {}

  static load(env: LambdaEnv): Lambda {
    applyEnv(env);
    return new Lambda(env, loadHandler());
  }

  /** `timeoutMs`: what the context's getRemainingTimeInMillis() counts down from (Lambda's 900 s by default). */
  invoke(event: unknown, { timeoutMs }: { timeoutMs?: number } = {}): Promise<RunSummary> {
    applyEnv(this.env);
    return this.handler(event, lambdaContext('ecs-pid-mode-rule', timeoutMs));
  }
}

/** Cold start and one invocation. */
export function invokeFresh(env: LambdaEnv, event: unknown): Promise<RunSummary> {
  return Lambda.load(env).invoke(event);
}

export interface Rejection {
  readonly name: string;
  readonly message: string;
}

/**
 * The rejection of an invocation (fails the test if it resolves). The bundle runs in Node's main
 * context, so its errors are not `instanceof` this sandbox's Error: read name and message.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<Rejection> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown } | null;
    if (e && typeof e.name === 'string' && typeof e.message === 'string') return { name: e.name, message: e.message };
    throw new Error(`rejected with something that is not an error: ${String(error)}`);
  }
  throw new Error('expected the invocation to fail, but it succeeded');
}

/** The simulator's endpoint and an account's own keys. */
export function envFor(sim: Simulator, accountId: string, extra: Omit<LambdaEnv, 'credentials' | 'endpoint'> = {}): LambdaEnv {
  return { endpoint: sim.url, credentials: keysFor(accountId), ...extra };
}

/** A rule reference with a fresh result token from the account's Config. */
export function ruleRef(sim: Simulator, accountId: string, configRuleName: string, extra: Partial<RuleRef> = {}): RuleRef {
  return { accountId, configRuleName, resultToken: sim.issueResultToken(accountId, configRuleName), ...extra };
}

/** What Config holds for the rule: resourceId -> complianceType (the console's view). */
export function storedVerdicts(sim: Simulator, accountId: string, configRuleName: string): Record<string, ComplianceType> {
  const out: Record<string, ComplianceType> = {};
  for (const e of sim.evaluations(accountId, configRuleName)) {
    if (e.resourceType !== TASK_DEFINITION) throw new Error(`unexpected resource type ${e.resourceType} for ${e.resourceId}`);
    out[e.resourceId] = e.complianceType;
  }
  return out;
}

/** resourceId -> the stored evaluation (annotation, ordering timestamp). */
export function storedEvaluations(sim: Simulator, accountId: string, configRuleName: string): Map<string, StoredEvaluation> {
  return new Map(sim.evaluations(accountId, configRuleName).map((e) => [e.resourceId, e]));
}

/** Calls the simulator counted for one account, service and operation (0 when none). */
export function calls(counters: CountersSnapshot, accountId: string, service: 'ecs' | 'config' | 'sts' | 's3', operation: string): number {
  return counters.calls[accountId]?.[service]?.[operation] ?? 0;
}

/** Every call the simulator counted for one account and service. */
export function callsOf(counters: CountersSnapshot, accountId: string, service: 'ecs' | 'config' | 'sts' | 's3'): Record<string, number> {
  return counters.calls[accountId]?.[service] ?? {};
}

/** Tasks with desiredStatus RUNNING of one revision, anywhere in the account. */
export function runningTasksOf(sim: Simulator, accountId: string, taskDefinitionArn: string): TaskRecord[] {
  const out: TaskRecord[] = [];
  for (const cluster of sim.state.home(accountId).clusters.values()) {
    for (const task of cluster.tasks) {
      if (task.taskDefinitionArn === taskDefinitionArn && task.desiredStatus === 'RUNNING') out.push(task);
    }
  }
  return out;
}

export function taskDefinitionArn(accountId: string, family: string, revision: number): string {
  return `arn:aws:ecs:${REGION}:${accountId}:task-definition/${family}:${revision}`;
}

/** Epoch seconds, for scheduled events that must order after everything stored so far. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export interface Captured<T> {
  readonly output: string;
  readonly result?: T;
  readonly error?: unknown;
}

/**
 * Everything written to stdout and stderr while fn runs (Powertools' logger writes through a
 * Console bound to the process's stdout/stderr, so replacing their write() sees every line).
 */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<Captured<T>> {
  const chunks: string[] = [];
  const sink = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    return true;
  };
  const out = jest.spyOn(hostProcess.stdout, 'write').mockImplementation(sink as typeof process.stdout.write);
  const err = jest.spyOn(hostProcess.stderr, 'write').mockImplementation(sink as typeof process.stderr.write);
  try {
    const result = await fn();
    return { output: chunks.join(''), result };
  } catch (error) {
    return { output: chunks.join(''), error };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/**
 * Metric name -> value from the EMF documents in captured output (CloudWatch Embedded Metric
 * Format: one JSON object per line with an `_aws` key; values sit at the top level).
 */
export function emfMetrics(output: string): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    const doc = parsed as { _aws?: { CloudWatchMetrics?: Array<{ Metrics?: Array<{ Name: string }> }> } } & Record<string, unknown>;
    for (const directive of doc._aws?.CloudWatchMetrics ?? []) {
      for (const { Name } of directive.Metrics ?? []) if (typeof doc[Name] === 'number') metrics[Name] = doc[Name] as number;
    }
  }
  return metrics;
}
