// The environment the CLI's AWS clients read (SDK default configuration), pointed at a local
// endpoint with given keys and nothing else: no shared config files, no instance metadata.
import { join } from 'node:path';
import { MANAGED_ENV } from '../e2e/helpers';
import { REPO_ROOT } from './helpers';

// Everything the SDK could read from the environment (the e2e helpers' list), cleared first.
const NAMES = [...MANAGED_ENV, 'AWS_ENDPOINT_URL_S3'] as const;

export interface AwsEnv {
  readonly endpoint?: string;
  readonly endpoints?: { readonly ecs?: string; readonly config?: string; readonly sts?: string; readonly s3?: string };
  /** Keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; none leaves the chain to the shared files. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Default us-east-1; null leaves AWS_REGION unset. */
  readonly region?: string | null;
  /** Shared config files (default: paths that do not exist). */
  readonly configFile?: string;
  readonly credentialsFile?: string;
}

/** The variables, for a child process or for this one. */
export function awsEnvVars(env: AwsEnv): Record<string, string> {
  const vars: Record<string, string | undefined> = {
    AWS_ENDPOINT_URL: env.endpoint,
    AWS_ENDPOINT_URL_ECS: env.endpoints?.ecs,
    AWS_ENDPOINT_URL_CONFIG_SERVICE: env.endpoints?.config,
    AWS_ENDPOINT_URL_STS: env.endpoints?.sts,
    AWS_ENDPOINT_URL_S3: env.endpoints?.s3,
    AWS_ACCESS_KEY_ID: env.credentials?.accessKeyId,
    AWS_SECRET_ACCESS_KEY: env.credentials?.secretAccessKey,
    AWS_REGION: env.region === null ? undefined : (env.region ?? 'us-east-1'),
    AWS_CONFIG_FILE: env.configFile ?? join(REPO_ROOT, 'test', 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: env.credentialsFile ?? join(REPO_ROOT, 'test', 'no-such-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Sets them on this process (the CLI's functions run in-process); returns the restore function. */
export function useAwsEnv(env: AwsEnv): () => void {
  const saved = new Map(NAMES.map((n) => [n, process.env[n]]));
  for (const name of NAMES) delete process.env[name];
  Object.assign(process.env, awsEnvVars(env));
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

export interface Captured {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Runs a CLI function with its output captured. */
export async function captured(run: (io: { stdout: (t: string) => void; stderr: (t: string) => void; isTty: boolean }) => Promise<number>, isTty = false): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const exitCode = await run({ stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTty });
  return { stdout, stderr, exitCode };
}
