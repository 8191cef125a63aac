// What `scan` and `remediate --plan` share: which account and Regions they evaluate, the clients
// (built like the handler's: SDK default configuration, so AWS_PROFILE/--profile, AWS_REGION and
// AWS_ENDPOINT_URL* work; --role-arn through STS AssumeRole), the exceptions in force, and one
// scanAccount per Region. Nothing is created at import time.
import { readFileSync } from 'node:fs';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Option, InvalidArgumentError } from 'commander';
import { parseDocument } from 'yaml';
import { AccountClients } from '../aws/account-clients';
import { accountOfArn, callerAccount } from '../aws/caller-identity';
import { CallCounter, createStsClient } from '../aws/clients';
import { ExceptionsReader } from '../aws/exceptions-s3';
import { createObjectGetter } from '../aws/s3-get';
import { causeText, InvalidExceptionsDocumentError } from '../core/errors';
import { EXCEPTION_DEFAULTS, validateExceptionsDocument, type ExceptionsDocument } from '../core/exceptions';
import { s3UriProblem } from '../core/s3-uri';
import type { AccountTarget } from '../core/types';
import type { RuleSettings } from '../env';
import { scanAccount, type RunLog, type ScanOutcome } from '../run';

/**
 * The rule's own defaults (env.ts): a scan paces and retries as the periodic sweep does, so it
 * stays inside the account's shared ECS throttle buckets the same way.
 */
export const CLI_SETTINGS: RuleSettings = { maxAttempts: 10, ecsConcurrency: 10, ecsRateShare: 1, concurrency: 1, refreshHours: 24 };

export interface AccountOptions {
  readonly region?: string[];
  readonly profile?: string;
  readonly roleArn?: string;
  readonly exceptions?: string;
  readonly exceptionsFile?: string;
}

/** The options both commands take, added to a command. */
export function accountOptions(): Option[] {
  return [
    new Option('--region <region>', 'AWS Region to evaluate; repeat for several (default: the SDK default Region)').argParser(collectRegions),
    new Option('--profile <name>', 'named profile from the shared AWS config files (default: the SDK default chain)'),
    new Option('--role-arn <arn>', 'assume this role (STS AssumeRole) and evaluate its account').argParser(roleArn),
    new Option('--exceptions <s3uri>', 'exceptions document published to S3 (canonical JSON), read as the rule reads it').argParser((value: string) => {
      const problem = s3UriProblem(value);
      if (problem) throw new InvalidArgumentError(`S3 URI ${problem}`);
      return value;
    }),
    new Option('--exceptions-file <file>', 'local exceptions document (YAML, or canonical JSON)'),
  ];
}

function collectRegions(value: string, previous: string[] | undefined): string[] {
  const regions = value.split(',').map((r) => r.trim()).filter(Boolean);
  const bad = regions.find((r) => !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(r));
  if (bad !== undefined || regions.length === 0) throw new InvalidArgumentError(`not a Region name: ${JSON.stringify(bad ?? value)}`);
  return [...new Set([...(previous ?? []), ...regions])];
}

function roleArn(value: string): string {
  if (!/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/.test(value)) throw new InvalidArgumentError('expected an IAM role ARN, arn:aws:iam::123456789012:role/NAME');
  return value;
}

/** One Region's scan: what was established, or why nothing could be. */
export interface TargetScan {
  readonly target: AccountTarget;
  readonly outcome?: ScanOutcome;
  /** Set when the scan could not run at all (credentials, Config reads...). */
  readonly error?: string;
}

export interface ScanIo {
  /** Progress lines (stderr, only when it is a terminal). */
  readonly progress: (line: string) => void;
  /** Warnings the sweep logs (revisions Config does not record...): always shown, on stderr. */
  readonly warn: (line: string) => void;
  readonly now?: () => number;
}

/** Thrown for what stops every target (no account, unreadable exceptions): exit 2 with this text. */
export class CliSetupError extends Error {
  override name = 'CliSetupError';
}

/**
 * Scans every Region asked for, one after the other (their progress lines stay readable, and a
 * sweep already runs clusters concurrently). A Region that fails does not stop the others.
 */
export async function scanRegions(options: AccountOptions, io: ScanIo): Promise<{ scans: TargetScan[]; clients: AccountClients }> {
  const now = io.now ?? Date.now;
  const calls = new CallCounter();
  const sts = createStsClient({ maxAttempts: CLI_SETTINGS.maxAttempts, ...(options.profile ? { profile: options.profile } : {}) }, calls);
  let regions: string[];
  let account: { accountId: string; partition: string };
  try {
    regions = options.region && options.region.length > 0 ? options.region : [await defaultRegion(sts)];
    const fromRole = options.roleArn ? accountOfArn(options.roleArn) : undefined;
    account = fromRole ?? (await callerAccount(sts));
  } catch (error) {
    throw new CliSetupError(`could not establish the account: ${causeText(error)}`);
  } finally {
    sts.destroy();
  }
  const exceptions = await loadExceptions(options, regions[0] as string, new Date(now()));
  const clients = new AccountClients(CLI_SETTINGS, options.profile ? { profile: options.profile } : {});
  const log: RunLog = {
    info: () => undefined,
    warn: (message, attributes) => io.warn(`warning: ${message} (${summarizeAttributes(attributes)})`),
  };
  const scans: TargetScan[] = [];
  for (const region of regions) {
    const target: AccountTarget = { ...account, region, ...(options.roleArn ? { roleArn: options.roleArn } : {}) };
    io.progress(`scanning account ${account.accountId} in ${region}...`);
    try {
      const outcome = await scanAccount(
        target,
        { clientsFor: (t) => clients.clientsFor(t), ecsConcurrency: CLI_SETTINGS.ecsConcurrency, log, now },
        exceptions ? { exceptions: { document: exceptions, warnDays: EXCEPTION_DEFAULTS.warnDays } } : {},
      );
      const s = outcome.summary;
      io.progress(`  ${s.clustersRead ?? 0}/${s.clusters ?? 0} clusters read, ${s.runningTasks ?? 0} running tasks, ${s.revisionsInUse ?? 0} revisions in use`);
      scans.push({ target, outcome });
    } catch (error) {
      scans.push({ target, error: causeText(error) });
    }
  }
  return { scans, clients };
}

async function defaultRegion(sts: { config: { region: () => Promise<string> } }): Promise<string> {
  const region = await sts.config.region().catch(() => undefined);
  if (!region) throw new Error('no Region: pass --region, or set AWS_REGION or a region in the profile');
  return region;
}

/** Counts and a few identifiers from a sweep log line; identifiers only, as the rule logs them. */
function summarizeAttributes(attributes: Record<string, unknown>): string {
  return Object.entries(attributes)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.slice(0, 5).join(', ') + (value.length > 5 ? ', ...' : '') : String(value)}`)
    .join('; ');
}

/**
 * The exceptions in force: the S3 document (read by the handler's ExceptionsReader, with the
 * caller's own credentials as the function uses its own), a local file, or both together. Both
 * are validated as one document by the rule's validator, so ids and scopes may not clash. Expired
 * entries are kept, as the Lambda keeps them: they make matching revisions NON_COMPLIANT.
 */
export async function loadExceptions(options: AccountOptions, region: string, now: Date): Promise<ExceptionsDocument | undefined> {
  const parts: ExceptionsDocument[] = [];
  if (options.exceptions) {
    const reader = new ExceptionsReader(
      createObjectGetter({ region, maxAttempts: CLI_SETTINGS.maxAttempts, ...(options.profile ? { credentials: defaultProvider({ profile: options.profile }) } : {}) }),
    );
    try {
      parts.push((await reader.load(options.exceptions, { now })).document);
    } catch (error) {
      throw new CliSetupError(causeText(error));
    }
  }
  if (options.exceptionsFile) parts.push(readExceptionsFile(options.exceptionsFile, now));
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  try {
    return validateExceptionsDocument({ version: 1, exceptions: parts.flatMap((p) => p.exceptions) }, { now });
  } catch (error) {
    throw new CliSetupError(`--exceptions and --exceptions-file together: ${causeText(error)}`);
  }
}

function readExceptionsFile(file: string, now: Date): ExceptionsDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliSetupError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // YAML 1.2 core schema (JSON is YAML): dates stay strings, a duplicate key is an error.
  const parsed = parseDocument(text, { schema: 'core', uniqueKeys: true });
  if (parsed.errors.length > 0) throw new CliSetupError(`${file}: not valid YAML or JSON: ${parsed.errors[0]?.message.split('\n')[0] ?? ''}`);
  try {
    return validateExceptionsDocument(parsed.toJS({ maxAliasCount: 100 }), { now });
  } catch (error) {
    if (error instanceof InvalidExceptionsDocumentError) throw new CliSetupError(`${file}: ${error.message}`);
    throw error;
  }
}
