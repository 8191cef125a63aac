// `exceptions` command for the security team: validate the YAML in CI, publish its canonical JSON
// to the S3 object the rule reads, and review what expires soon or protects nothing any more.
// Exported as a commander Command builder so a larger CLI can mount it (`ecs-pidmode exceptions`).
// Not part of the Lambda bundle: this is the only place a YAML parser is imported.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
// Types only: the S3 client (1.5 MB bundled) is loaded by `publish --execute` alone, so every other
// command (check, validate...) starts fast. scripts/build.mjs keeps it external to dist/cli.js.
import type { S3Client } from '@aws-sdk/client-s3';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDocument } from 'yaml';
import { InvalidExceptionsDocumentError } from '../core/errors';
import {
  canonicalExceptionsJson,
  EXCEPTION_DEFAULTS,
  expiryState,
  staleExceptions,
  validateExceptionsDocument,
  type ExceptionEntry,
  type ExceptionsDocument,
  type InUseRevision,
} from '../core/exceptions';
import { isTaskDefinitionArn } from '../core/revision';
import { parseS3Uri, s3UriProblem } from '../core/s3-uri';

export interface S3ClientOptions {
  readonly profile?: string;
  readonly region?: string;
}

export interface ExceptionsCliDependencies {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The command's result: 0 valid/done, 1 invalid document, unreadable file or failed upload. */
  readonly setExitCode: (code: number) => void;
  readonly now: () => Date;
  /** Built only for `publish --execute`; the default honours AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_S3. */
  readonly s3Client: (options: S3ClientOptions) => Pick<S3Client, 'send'>;
}

const defaults: ExceptionsCliDependencies = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  now: () => new Date(),
  s3Client: (options) => {
    let client: Promise<S3Client> | undefined;
    return {
      send: async (command: Parameters<S3Client['send']>[0]) => {
        client ??= import('@aws-sdk/client-s3').then(
          ({ S3Client: Client }) =>
            new Client({
              ...(options.profile ? { profile: options.profile } : {}),
              ...(options.region ? { region: options.region } : {}),
              followRegionRedirects: true,
            }),
        );
        return (await client).send(command);
      },
    } as Pick<S3Client, 'send'>;
  },
};

/** A document read from a YAML file, with the SHA-256 of the bytes as committed. */
interface Source {
  readonly file: string;
  readonly sha256: string;
  readonly document: ExceptionsDocument;
}

/** A problem the user fixes in the file (or its name): reported on stderr, exit code 1. */
class CliProblem extends Error {
  override name = 'CliProblem';
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
  }
}

export function exceptionsCommand(overrides: Partial<ExceptionsCliDependencies> = {}): Command {
  const deps: ExceptionsCliDependencies = { ...defaults, ...overrides };
  const out = (line = ''): void => deps.stdout(`${line}\n`);
  /** Runs an action; a CliProblem or any failure becomes stderr lines and exit code 1. */
  const guarded =
    <A extends unknown[]>(action: (...args: A) => Promise<void> | void) =>
    async (...args: A): Promise<void> => {
      try {
        await action(...args);
        deps.setExitCode(0);
      } catch (error) {
        const lines = error instanceof CliProblem ? error.lines : [`error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`];
        deps.stderr(`${lines.join('\n')}\n`);
        deps.setExitCode(1);
      }
    };
  const today = (value: string | undefined): Date => (value === undefined ? deps.now() : new Date(`${value}T00:00:00Z`));

  const command = new Command('exceptions').description(
    'Validate, publish and review the exceptions document (YAML) of the ECS pidMode rule. See docs/exceptions.md.',
  );

  command
    .command('validate')
    .description('Check the YAML strictly (exit code 0 valid, 1 invalid: for CI). Expired entries are errors here.')
    .argument('<file>', 'exceptions YAML file')
    .addOption(maxDaysOption())
    .addOption(todayOption())
    .option('--json', 'print the result as JSON')
    .action(
      guarded((file: string, options: { maxDays: number; today?: string; json?: boolean }) => {
        const now = today(options.today);
        let source: Source;
        try {
          source = readSource(file, { now, maxDays: options.maxDays, rejectExpired: true });
        } catch (error) {
          if (options.json && error instanceof CliProblem) {
            out(JSON.stringify({ file, valid: false, problems: error.lines.slice(1).map((l) => l.replace(/^ {2}- /, '')) }, null, 2));
          }
          throw error;
        }
        const soon = expiring(source.document.exceptions, now);
        if (options.json) {
          out(JSON.stringify({ file, valid: true, exceptions: source.document.exceptions.length, sourceSha256: source.sha256, expiringSoon: soon.map(({ entry, daysLeft }) => ({ id: entry.id, expires: entry.expires, daysLeft })) }, null, 2));
          return;
        }
        out(`${file}: valid, ${source.document.exceptions.length} exception(s)`);
        for (const { entry, daysLeft } of soon) out(`  expiring: ${entry.id} (${entry.owner}) on ${entry.expires}, ${daysText(daysLeft)}`);
      }),
    );

  command
    .command('publish')
    .description('Write the canonical JSON the rule reads to S3. Dry run unless --execute.')
    .argument('<file>', 'exceptions YAML file')
    .requiredOption('--to <s3uri>', 'destination, s3://bucket/key (the rule parameter ExceptionsS3Uri)', (value: string) => {
      const problem = s3UriProblem(value);
      if (problem) throw new InvalidArgumentError(`S3 URI ${problem}`);
      return value;
    })
    .option('--execute', 'write the object (default: only show what would be written)')
    .option('--out <file>', 'also write the canonical JSON to this local file (e.g. for the aws s3api command shown)')
    .option('--profile <name>', 'AWS profile for --execute')
    .option('--region <region>', 'AWS Region of the client for --execute (S3 redirects to the bucket\'s Region)')
    .addOption(maxDaysOption())
    .addOption(todayOption())
    .action(
      guarded(async (file: string, options: { to: string; execute?: boolean; out?: string; profile?: string; region?: string; maxDays: number; today?: string }) => {
        const source = readSource(file, { now: today(options.today), maxDays: options.maxDays, rejectExpired: true });
        const json = canonicalExceptionsJson(source.document, source.sha256);
        const body = Buffer.from(json, 'utf8');
        const digest = createHash('sha256').update(body);
        const sha256Hex = digest.copy().digest('hex');
        const checksum = digest.digest('base64');
        const { bucket, key } = parseS3Uri(options.to);
        if (options.out) writeFileSync(options.out, json);
        const input = {
          Bucket: bucket,
          Key: key,
          Body: json,
          ContentType: 'application/json',
          // S3 checks the upload against this and keeps it with the object.
          ChecksumSHA256: checksum,
          Metadata: { 'source-sha256': source.sha256 },
        };
        out(`${file}: ${source.document.exceptions.length} exception(s), source sha256 ${source.sha256}`);
        out(`canonical JSON: ${body.length} bytes, sha256 ${sha256Hex}`);
        if (!options.execute) {
          out(`dry run: nothing written. --execute would call S3 PutObject:`);
          out(`  ${JSON.stringify({ ...input, Body: `<canonical JSON, ${body.length} bytes>` })}`);
          out('equivalent AWS CLI command:');
          out(`  ${awsCliCommand({ bucket, key, bodyFile: options.out ?? '<canonical.json from --out>', checksum, sourceSha256: source.sha256, profile: options.profile, region: options.region })}`);
          return;
        }
        const s3 = deps.s3Client({ ...(options.profile ? { profile: options.profile } : {}), ...(options.region ? { region: options.region } : {}) });
        let result;
        try {
          const { PutObjectCommand } = await import('@aws-sdk/client-s3');
          result = await s3.send(new PutObjectCommand(input));
        } catch (error) {
          throw new CliProblem([`publish to ${options.to} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`]);
        }
        out(`published to ${options.to}: ETag ${result.ETag ?? '(none)'}${result.VersionId ? `, VersionId ${result.VersionId}` : ''}`);
      }),
    );

  command
    .command('report')
    .description('For review: expired entries, entries expiring soon, and entries that match no in-use host-mode revision (stale).')
    .argument('<file>', 'exceptions YAML file')
    .option('--in-use <file>', 'JSON list of in-use revisions: ARNs, or {"taskDefinitionArn", "pidMode"} objects (from a scan)')
    .addOption(new Option('--warn-days <n>', 'days before expiry an exception counts as expiring').default(EXCEPTION_DEFAULTS.warnDays).argParser(nonNegativeInteger))
    .addOption(maxDaysOption())
    .addOption(todayOption())
    .option('--json', 'print the report as JSON')
    .action(
      guarded((file: string, options: { inUse?: string; warnDays: number; maxDays: number; today?: string; json?: boolean }) => {
        const now = today(options.today);
        // Expired entries are reported here, not refused: the document the rule reads may hold them.
        const source = readSource(file, { now, maxDays: options.maxDays, rejectExpired: false });
        const entries = source.document.exceptions;
        const states = entries.map((entry) => ({ entry, ...expiryState(entry, { now, warnDays: options.warnDays }) }));
        const expired = states.filter((s) => s.state === 'expired');
        const soon = states.filter((s) => s.state === 'expiring');
        const stale = options.inUse ? staleExceptions(source.document, readInUse(options.inUse)) : undefined;
        if (options.json) {
          const brief = (s: { entry: ExceptionEntry; daysLeft: number }) => ({ id: s.entry.id, owner: s.entry.owner, expires: s.entry.expires, daysLeft: s.daysLeft });
          out(JSON.stringify({ file, exceptions: entries.length, expired: expired.map(brief), expiringSoon: soon.map(brief), stale: stale?.map((e) => ({ id: e.id, owner: e.owner, expires: e.expires })) ?? null }, null, 2));
          return;
        }
        out(`${file}: ${entries.length} exception(s) as of ${now.toISOString().slice(0, 10)}`);
        out(`expired (${expired.length}): in-use revisions they match are reported NON_COMPLIANT`);
        for (const s of expired) out(`  ${s.entry.id} (${s.entry.owner}) expired on ${s.entry.expires}`);
        out(`expiring within ${options.warnDays} days (${soon.length}):`);
        for (const s of soon) out(`  ${s.entry.id} (${s.entry.owner}) on ${s.entry.expires}, ${daysText(s.daysLeft)}`);
        if (stale === undefined) out('stale: not checked (pass --in-use FILE)');
        else {
          out(`stale (${stale.length}): match no in-use host-mode revision; remove them or narrow the scope`);
          for (const e of stale) out(`  ${e.id} (${e.owner}) family ${e.family}`);
        }
      }),
    );

  // Parse errors and --help go through deps too, so a mounting CLI and tests see them.
  for (const sub of [command, ...command.commands]) {
    sub.configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr });
  }
  return command;
}

function maxDaysOption(): Option {
  return new Option('--max-days <n>', 'furthest expiry allowed, in days from today').default(EXCEPTION_DEFAULTS.maxDays).argParser(positiveInteger);
}

function todayOption(): Option {
  return new Option('--today <date>', 'evaluate as of this UTC date (YYYY-MM-DD) instead of today').argParser((value: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new InvalidArgumentError('expected a date YYYY-MM-DD');
    return value;
  });
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of days, 1 or more');
  return n;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of days, 0 or more');
  return n;
}

function readSource(file: string, options: { now: Date; maxDays: number; rejectExpired: boolean }): Source {
  const bytes = readBytes(file);
  // YAML 1.2 core schema: dates stay strings, duplicate keys are errors (a second `expires:` must
  // not silently win).
  const parsed = parseDocument(bytes.toString('utf8'), { schema: 'core', uniqueKeys: true, prettyErrors: true });
  if (parsed.errors.length > 0) {
    throw new CliProblem([`${file}: not valid YAML:`, ...parsed.errors.map((e) => `  - ${e.message.split('\n')[0]}`)]);
  }
  try {
    return {
      file,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      document: validateExceptionsDocument(parsed.toJS({ maxAliasCount: 100 }), options),
    };
  } catch (error) {
    if (!(error instanceof InvalidExceptionsDocumentError)) throw error;
    throw new CliProblem([`${file}: invalid exceptions document (${error.problems.length} problem(s)):`, ...error.problems.map((p) => `  - ${p}`)]);
  }
}

function readInUse(file: string): InUseRevision[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readBytes(file).toString('utf8'));
  } catch (error) {
    if (error instanceof CliProblem) throw error;
    throw new CliProblem([`${file}: not JSON (expected a list of task definition ARNs or {"taskDefinitionArn", "pidMode"} objects)`]);
  }
  if (!Array.isArray(parsed)) throw new CliProblem([`${file}: expected a JSON list of in-use revisions`]);
  const problems: string[] = [];
  const revisions = parsed.flatMap((item: unknown, i: number): InUseRevision[] => {
    const record = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : undefined;
    const arn = typeof item === 'string' ? item : record?.taskDefinitionArn;
    const pidMode = record?.pidMode;
    if (typeof arn !== 'string' || !isTaskDefinitionArn(arn)) {
      problems.push(`  - item ${i}: not a task definition revision ARN`);
      return [];
    }
    if (pidMode !== undefined && pidMode !== 'host' && pidMode !== 'task' && pidMode !== 'unset') {
      problems.push(`  - item ${i}: pidMode must be host, task or unset`);
      return [];
    }
    return [{ taskDefinitionArn: arn, ...(pidMode ? { pidMode } : {}) }];
  });
  if (problems.length > 0) throw new CliProblem([`${file}: invalid in-use list:`, ...problems]);
  return revisions;
}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new CliProblem([`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
}

function expiring(entries: readonly ExceptionEntry[], now: Date): { entry: ExceptionEntry; daysLeft: number }[] {
  return entries.map((entry) => ({ entry, ...expiryState(entry, { now }) })).filter((s) => s.state === 'expiring');
}

function daysText(daysLeft: number): string {
  return daysLeft === 0 ? 'expires today' : `in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`;
}

/** The AWS CLI call equivalent to --execute, single-quoted for a POSIX shell. */
function awsCliCommand(args: { bucket: string; key: string; bodyFile: string; checksum: string; sourceSha256: string; profile?: string; region?: string }): string {
  const parts = [
    'aws s3api put-object',
    `--bucket ${quote(args.bucket)}`,
    `--key ${quote(args.key)}`,
    `--body ${quote(args.bodyFile)}`,
    '--content-type application/json',
    `--checksum-sha256 ${quote(args.checksum)}`,
    `--metadata source-sha256=${args.sourceSha256}`,
    ...(args.profile ? [`--profile ${quote(args.profile)}`] : []),
    ...(args.region ? [`--region ${quote(args.region)}`] : []),
  ];
  return parts.join(' ');
}

function quote(value: string): string {
  return /^[A-Za-z0-9_./:=@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
