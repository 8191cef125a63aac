/**
 * Hosts the bundled rule the way the Lambda Node.js runtime does: `require` the built file and
 * call its exported `handler(event, context)`. Used by the demo and by the benchmark's sweep
 * process. Also captures what the rule writes (Powertools JSON logs and EMF metrics) so that it
 * can be counted instead of interleaving with the tools' own output.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

export type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

/** Environment a Lambda function would see, pointed at a local endpoint with the given keys. */
export interface LambdaEnvironment {
  readonly endpointUrl: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly functionName?: string;
  readonly extra?: Readonly<Record<string, string>>;
}

/** The variables a Lambda function would have, pointed at a local endpoint with the given keys. */
export function lambdaEnvironment(env: LambdaEnvironment): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: env.endpointUrl,
    AWS_REGION: env.region,
    AWS_DEFAULT_REGION: env.region,
    AWS_ACCESS_KEY_ID: env.accessKeyId,
    AWS_SECRET_ACCESS_KEY: env.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    // Nothing from the machine's own AWS configuration may leak into a local run.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_LAMBDA_FUNCTION_NAME: env.functionName ?? 'ecs-pid-mode-rule',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    ...env.extra,
  };
}

/** Sets them in this process. Must run before `loadHandler`: the logger reads them at import. */
export function applyLambdaEnvironment(env: LambdaEnvironment): void {
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE']) {
    delete process.env[name];
  }
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_ENDPOINT_URL_')) delete process.env[name];
  Object.assign(process.env, lambdaEnvironment(env));
}

/** `require`s the bundle (CommonJS, `exports.handler`) as the Lambda runtime does. */
export function loadHandler(bundlePath: string): LambdaHandler {
  const file = resolve(bundlePath);
  const loaded = createRequire(file)(file) as { handler?: unknown };
  if (typeof loaded.handler !== 'function') throw new Error(`${bundlePath} does not export a handler function`);
  return loaded.handler as LambdaHandler;
}

export interface CapturedOutput {
  /** Lines the rule wrote (logs, EMF metrics, anything else). */
  readonly lines: number;
  /** Powertools log lines by level: INFO, WARN, ERROR... */
  readonly byLevel: Record<string, number>;
  /** CloudWatch embedded-metric-format documents. */
  readonly metricDocuments: number;
  /** Parsed log records (not metrics), newest last; kept small by `keep`. */
  readonly records: Record<string, unknown>[];
  /** Lines containing the `watch` string (e.g. the simulator's fake-secret prefix). */
  readonly watchHits: number;
  /** Node.js process warnings printed meanwhile, by name (e.g. the SDK's NodeVersionSupportWarning). */
  readonly processWarnings: string[];
}

/**
 * Runs fn with process.stdout and process.stderr captured line by line. Only parsed log records
 * are kept (at most `keep`, the latest): a sweep of the whole account logs a handful of lines.
 */
export async function captureOutput<T>(
  fn: () => Promise<T>,
  { keep = 50, watch }: { keep?: number; watch?: string } = {},
): Promise<{ outcome: PromiseSettledResult<T>; output: CapturedOutput }> {
  const byLevel: Record<string, number> = {};
  const records: Record<string, unknown>[] = [];
  let lines = 0;
  let metricDocuments = 0;
  let watchHits = 0;
  const processWarnings: string[] = [];
  // A process warning spans several lines: the ones after it belong to it until the next JSON line.
  let inWarning = false;
  const pending = { stdout: '', stderr: '' };
  const consume = (text: string): void => {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      lines += 1;
      if (watch !== undefined && line.includes(watch)) watchHits += 1;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        // "(node:1234) Warning: NodeVersionSupportWarning: ..." or "(node:1234) DeprecationWarning: ..."
        const warning = /^\(node:\d+\) (?:Warning: )?(\w*Warning)\b/.exec(line);
        if (warning) processWarnings.push(warning[1] as string);
        else if (!inWarning) byLevel.UNSTRUCTURED = (byLevel.UNSTRUCTURED ?? 0) + 1;
        inWarning ||= warning !== null;
        continue;
      }
      inWarning = false;
      if (typeof parsed !== 'object' || parsed === null) continue;
      const record = parsed as Record<string, unknown>;
      if ('_aws' in record) {
        metricDocuments += 1;
        continue;
      }
      const level = typeof record.level === 'string' ? record.level : 'UNKNOWN';
      byLevel[level] = (byLevel[level] ?? 0) + 1;
      records.push(record);
      if (records.length > keep) records.shift();
    }
  };
  const intercept = (stream: 'stdout' | 'stderr') => {
    return ((chunk: unknown, ...rest: unknown[]): boolean => {
      const text = pending[stream] + (typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const cut = text.lastIndexOf('\n');
      pending[stream] = cut >= 0 ? text.slice(cut + 1) : text;
      if (cut >= 0) consume(text.slice(0, cut));
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  };
  const original = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = intercept('stdout');
  process.stderr.write = intercept('stderr');
  let outcome: PromiseSettledResult<T>;
  try {
    outcome = { status: 'fulfilled', value: await fn() };
  } catch (reason) {
    outcome = { status: 'rejected', reason };
  } finally {
    process.stdout.write = original.stdout;
    process.stderr.write = original.stderr;
  }
  consume(pending.stdout);
  consume(pending.stderr);
  return { outcome, output: { lines, byLevel, metricDocuments, records, watchHits, processWarnings } };
}
