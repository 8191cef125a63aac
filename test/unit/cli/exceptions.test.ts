// The exceptions CLI as the security team and CI use it: exit codes, messages naming the entry and
// the field, publish as a dry run and for real (simulator S3 in process, moto_server when present),
// and the review report.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'yaml';

import { ExceptionsReader } from '../../../src/aws/exceptions-s3';
import { createObjectGetter } from '../../../src/aws/s3-get';
import { exceptionsCommand, type S3ClientOptions } from '../../../src/cli/exceptions';
import { startSimulator, type Simulator } from '../../../tools/simulator';
import { onPath, startMoto, type MotoServer } from '../../helpers/moto-server';

const MOTO_ON_PATH = onPath('moto_server');
import { CREDS_CENTRAL, clientConfig, scenarioWithBucket } from '../../simulator/helpers';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'exceptions');
const fixture = (name: string): string => join(FIXTURES, name);
const TODAY = ['--today', '2026-12-02'];
const URI = 's3://sec-exceptions/ecs/pidmode.json';

interface Run {
  readonly code: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** Options the S3 client was built with; undefined when none was built. */
  readonly s3Options?: S3ClientOptions;
}

/** Runs `exceptions <args>` in process. Usage errors throw from commander instead of exiting. */
async function run(args: string[], s3?: () => S3Client): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let code: number | undefined;
  let s3Options: S3ClientOptions | undefined;
  const command = exceptionsCommand({
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    setExitCode: (c) => {
      code = c;
    },
    s3Client: (options) => {
      s3Options = options;
      if (!s3) throw new Error('this test gives the CLI no S3 client');
      return s3();
    },
  });
  for (const sub of [command, ...command.commands]) sub.exitOverride();
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch (error) {
    const commanderError = error as { exitCode?: number };
    if (typeof commanderError.exitCode !== 'number') throw error;
    code = commanderError.exitCode;
  }
  return { code, stdout, stderr, ...(s3Options ? { s3Options } : {}) };
}

describe('exceptions validate', () => {
  it('exits 0 for a valid document and lists what expires within 14 days', async () => {
    const result = await run(['validate', fixture('valid.yaml'), ...TODAY]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      `${fixture('valid.yaml')}: valid, 3 exception(s)\n  expiring: EX-13 (runtime-security@example.com) on 2026-12-10, in 8 days\n`,
    );
  });

  it('exits 1 for an invalid document, naming every entry and field at fault', async () => {
    const result = await run(['validate', fixture('invalid.yaml'), ...TODAY]);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      `${fixture('invalid.yaml')}: invalid exceptions document (4 problem(s)):`,
      '  - entry #1 (EX-20): field "owner" is required (an e-mail address)',
      '  - entry #1 (EX-20): field "accounts[0]" must be a quoted string: YAML reads unquoted digits as a number and drops leading zeros',
      '  - entry #2 (EX-21): field "expiry" is not a known field (known: id, owner, reason, ticket, expires, accounts, regions, family, revisions)',
      '  - entry #2 (EX-21): field "expires" is 1491 days ahead; at most 365 days are allowed',
      '',
    ]);
  });

  it('exits 1 for overlapping entries, naming both', async () => {
    const result = await run(['validate', fixture('overlap.yaml'), ...TODAY]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('entry #1 (EX-30) and entry #2 (EX-31) overlap');
  });

  it('exits 1 for an entry whose expiry has passed', async () => {
    const result = await run(['validate', fixture('expired.yaml'), ...TODAY]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('entry #1 (EX-40): field "expires" is in the past (2026-10-01): the exception has expired');
  });

  it('takes the maximum distance of an expiry with --max-days', async () => {
    const result = await run(['validate', fixture('valid.yaml'), '--max-days', '30', ...TODAY]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('entry #1 (EX-12): field "expires" is 119 days ahead; at most 30 days are allowed');
  });

  it.each<[string, string, RegExp]>([
    ['a file that is not YAML', 'not-yaml.yaml', /not-yaml\.yaml: not valid YAML:\n {2}- .* at line 4, column 1:/],
    ['a mapping with a key twice (a second expires must not silently win)', 'duplicate-key.yaml', /not valid YAML:\n {2}- Map keys must be unique at line 6/],
    ['a missing file', 'no-such-file.yaml', /no-such-file\.yaml: cannot read \(ENOENT\)/],
  ])('exits 1 for %s', async (_label, name, message) => {
    const result = await run(['validate', fixture(name), ...TODAY]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it('prints a JSON result with --json, for valid and invalid documents', async () => {
    const valid = await run(['validate', fixture('valid.yaml'), '--json', ...TODAY]);
    expect(JSON.parse(valid.stdout)).toEqual({
      file: fixture('valid.yaml'),
      valid: true,
      exceptions: 3,
      sourceSha256: sha256(readFileSync(fixture('valid.yaml'))),
      expiringSoon: [{ id: 'EX-13', expires: '2026-12-10', daysLeft: 8 }],
    });
    const invalid = await run(['validate', fixture('overlap.yaml'), '--json', ...TODAY]);
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toEqual({ file: fixture('overlap.yaml'), valid: false, problems: [expect.stringContaining('overlap')] });
  });

  it('rejects a malformed --today or --max-days as a usage error', async () => {
    expect((await run(['validate', fixture('valid.yaml'), '--today', '02/12/2026'])).stderr).toMatch(/expected a date YYYY-MM-DD/);
    expect((await run(['validate', fixture('valid.yaml'), '--max-days', '0'])).code).toBe(1);
  });
});

describe('docs/exceptions.md', () => {
  it('shows a complete example that validates and is the document of test/fixtures/exceptions/valid.yaml', async () => {
    const markdown = readFileSync(join(ROOT, 'docs', 'exceptions.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(markdown)?.[1];
    if (example === undefined) throw new Error('no YAML example in docs/exceptions.md');
    expect(parse(example)).toEqual(parse(readFileSync(fixture('valid.yaml'), 'utf8')));
    const dir = mkdtempSync(join(tmpdir(), 'exceptions-doc-'));
    try {
      writeFileSync(join(dir, 'example.yaml'), example);
      expect(await run(['validate', join(dir, 'example.yaml'), ...TODAY])).toMatchObject({ code: 0, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npm run exceptions (the entry file, through tsx)', () => {
  const execFileAsync = promisify(execFile);
  const npm = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await execFileAsync('npm', ['run', '-s', 'exceptions', '--', ...args], { cwd: ROOT });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };

  it('exits 0 for a valid file and non-zero for an invalid one, naming the entry and field', async () => {
    expect(await npm(['validate', 'test/fixtures/exceptions/valid.yaml', ...TODAY])).toMatchObject({ code: 0 });
    const invalid = await npm(['validate', 'test/fixtures/exceptions/invalid.yaml', ...TODAY]);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('entry #1 (EX-20): field "owner" is required');
  }, 60_000);
});

describe('exceptions publish', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'exceptions-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a dry run by default: prints size, SHA-256, the PutObject call and the AWS CLI equivalent, and builds no client', async () => {
    const result = await run(['publish', fixture('valid.yaml'), '--to', URI, ...TODAY]);
    const published = readFileSync(fixture('valid.published.json'));
    expect(result.code).toBe(0);
    expect(result.s3Options).toBeUndefined();
    expect(result.stdout).toContain(`source sha256 ${sha256(readFileSync(fixture('valid.yaml')))}`);
    expect(result.stdout).toContain(`canonical JSON: ${published.length} bytes, sha256 ${sha256(published)}`);
    expect(result.stdout).toContain('dry run: nothing written.');
    expect(result.stdout).toContain('"Bucket":"sec-exceptions","Key":"ecs/pidmode.json"');
    expect(result.stdout).toMatch(/aws s3api put-object --bucket sec-exceptions --key ecs\/pidmode\.json --body .* --content-type application\/json --checksum-sha256 \S+/);
  });

  it('writes exactly the canonical JSON to --out (the published fixture is its golden copy)', async () => {
    const out = join(dir, 'canonical.json');
    await run(['publish', fixture('valid.yaml'), '--to', URI, '--out', out, ...TODAY]);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(fixture('valid.published.json'), 'utf8'));
  });

  it('publishes nothing from an invalid document', async () => {
    const result = await run(['publish', fixture('expired.yaml'), '--to', URI, '--execute', ...TODAY]);
    expect(result.code).toBe(1);
    expect(result.s3Options).toBeUndefined();
    expect(result.stderr).toContain('EX-40');
  });

  it('refuses a destination that is not s3://bucket/key', async () => {
    const result = await run(['publish', fixture('valid.yaml'), '--to', 's3://sec-exceptions/', ...TODAY]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/option '--to <s3uri>' argument 's3:\/\/sec-exceptions\/' is invalid\. S3 URI must name an object/);
  });

  describe('--execute against the simulator', () => {
    let sim: Simulator;
    const clients: S3Client[] = [];
    const client = (): S3Client => {
      const c = new S3Client(clientConfig(sim.url, CREDS_CENTRAL));
      clients.push(c);
      return c;
    };
    beforeAll(async () => {
      sim = await startSimulator({ scenario: scenarioWithBucket({ name: 'sec-exceptions' }) });
    });
    afterAll(async () => {
      for (const c of clients) c.destroy();
      await sim.stop();
    });

    it('writes the canonical JSON with its content type and source digest, which the rule then reads', async () => {
      const result = await run(['publish', fixture('valid.yaml'), '--to', URI, '--execute', '--profile', 'security', '--region', 'eu-west-1', ...TODAY], client);
      expect(result.code).toBe(0);
      expect(result.s3Options).toEqual({ profile: 'security', region: 'eu-west-1' });
      const stored = sim.getObject('sec-exceptions', 'ecs/pidmode.json');
      expect(stored?.body.toString('utf8')).toBe(readFileSync(fixture('valid.published.json'), 'utf8'));
      expect(stored?.contentType).toBe('application/json');
      expect(result.stdout).toContain(`published to ${URI}: ETag ${stored?.etag}`);
      // Read back as the rule reads it: the signed getter, not the SDK client that wrote it.
      const getter = createObjectGetter({ endpoint: sim.url, region: 'us-east-1', credentials: CREDS_CENTRAL, maxAttempts: 1 });
      try {
        const loaded = await new ExceptionsReader(getter).load(URI, { now: new Date('2026-12-02T00:00:00Z') });
        expect(loaded.document.exceptions.map((e) => e.id)).toEqual(['EX-12', 'EX-13', 'EX-14']);
      } finally {
        getter.destroy();
      }
    });

    it('exits 1 naming the destination and the S3 error when the upload fails', async () => {
      const result = await run(['publish', fixture('valid.yaml'), '--to', 's3://no-such-bucket/x.json', '--execute', ...TODAY], client);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('publish to s3://no-such-bucket/x.json failed: NoSuchBucket');
    });
  });

  const describeWithMoto = MOTO_ON_PATH ? describe : describe.skip;
  if (!MOTO_ON_PATH) console.warn('moto_server not on PATH: exceptions publish --execute against moto skipped');

  describeWithMoto('--execute against moto_server', () => {
    let moto: MotoServer | undefined;
    let s3: S3Client;
    beforeAll(async () => {
      moto = await startMoto();
      s3 = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
      await s3.send(new CreateBucketCommand({ Bucket: 'sec-exceptions' }));
    }, 60_000);
    afterAll(async () => {
      s3?.destroy();
      await moto?.stop();
    });

    // moto 5.2 neither verifies nor returns ChecksumSHA256, so the checksum is checked by S3 only.
    it('uploads the canonical JSON with its content type and metadata naming the source', async () => {
      const result = await run(['publish', fixture('valid.yaml'), '--to', URI, '--execute', ...TODAY], () => s3);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const object = await s3.send(new GetObjectCommand({ Bucket: 'sec-exceptions', Key: 'ecs/pidmode.json' }));
      const body = await object.Body?.transformToString();
      expect(body).toBe(readFileSync(fixture('valid.published.json'), 'utf8'));
      expect(object.ContentType).toBe('application/json');
      expect(object.Metadata).toEqual({ 'source-sha256': sha256(readFileSync(fixture('valid.yaml'))) });
    });
  });
});

describe('exceptions report', () => {
  it('lists entries expiring soon and stale entries against an in-use list from a scan', async () => {
    const result = await run(['report', fixture('valid.yaml'), '--in-use', fixture('in-use.json'), ...TODAY]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `${fixture('valid.yaml')}: 3 exception(s) as of 2026-12-02`,
      'expired (0): in-use revisions they match are reported NON_COMPLIANT',
      'expiring within 14 days (1):',
      '  EX-13 (runtime-security@example.com) on 2026-12-10, in 8 days',
      'stale (2): match no in-use host-mode revision; remove them or narrow the scope',
      '  EX-13 (runtime-security@example.com) family falco-*',
      '  EX-14 (observability@example.com) family node-exporter-v?',
      '',
    ]);
  });

  it('reports expired entries instead of refusing the document', async () => {
    const result = await run(['report', fixture('expired.yaml'), ...TODAY]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('expired (1): in-use revisions they match are reported NON_COMPLIANT\n  EX-40 (secops@example.com) expired on 2026-10-01\n');
    expect(result.stdout).toContain('stale: not checked (pass --in-use FILE)');
  });

  it('takes the warning window with --warn-days and prints JSON with --json', async () => {
    const result = await run(['report', fixture('valid.yaml'), '--warn-days', '150', '--json', ...TODAY]);
    expect(JSON.parse(result.stdout)).toEqual({
      file: fixture('valid.yaml'),
      exceptions: 3,
      expired: [],
      expiringSoon: [
        { id: 'EX-12', owner: 'secops@example.com', expires: '2027-03-31', daysLeft: 119 },
        { id: 'EX-13', owner: 'runtime-security@example.com', expires: '2026-12-10', daysLeft: 8 },
      ],
      stale: null,
    });
  });

  it('exits 1 naming the item when the in-use list holds something that is not a revision ARN', async () => {
    const result = await run(['report', fixture('valid.yaml'), '--in-use', fixture('valid.yaml'), ...TODAY]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/valid\.yaml: not JSON/);
    const bad = await run(['report', fixture('valid.yaml'), '--in-use', fixture('valid.published.json'), ...TODAY]);
    expect(bad.stderr).toMatch(/expected a JSON list of in-use revisions/);
  });
});

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
