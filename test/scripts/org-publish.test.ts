// npm run org:publish: the dry run prints a complete, runnable sequence of AWS CLI commands and runs
// none; --execute runs the same sequence, checked end to end against moto_server (S3, StackSets,
// Lambda functions created from deploy/org/member-account.yaml, Organizations, Config).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../templates/helpers/cfn';
import { cliEnv, onPath, startMoto, type MotoServer } from '../helpers/moto-server';

const SCRIPT = join(REPO_ROOT, 'scripts', 'org-publish.mjs');
const BUNDLE = join(REPO_ROOT, 'dist', 'handler.js');
const PREFIX = 'ecs-pid-mode-rule-code-111111111111';
const BASE = ['--regions', 'eu-west-1,us-east-1', '--code-bucket-prefix', PREFIX, '--ou-ids', 'r-ab12'];

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function publish(args: string[], env: NodeJS.ProcessEnv = process.env): Run {
  const run = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env, timeout: 300_000 });
  if (run.error !== undefined) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The aws commands of a dry run, one per line, indentation and shell plumbing kept. */
function awsLines(script: string): string[] {
  return script.split('\n').filter((line) => /\baws /.test(line));
}

const zipOf = (script: string): string => {
  const match = /^aws s3 cp (dist\/org\/[0-9a-f]{64}\.zip) /m.exec(script);
  if (match?.[1] === undefined) throw new Error('no zip upload in the dry run');
  return join(REPO_ROOT, match[1]);
};

beforeAll(() => {
  if (!existsSync(BUNDLE)) throw new Error('dist/handler.js missing: npm test builds it first');
});

describe('npm run org:publish, dry run (the default)', () => {
  const dry = publish(BASE);
  const script = dry.stdout;

  it('succeeds and prints a bash script that bash can parse', () => {
    expect(dry.stderr).toBe('');
    expect(dry.status).toBe(0);
    expect(script.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(script).toContain('\nset -euo pipefail\n');
    const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('runs no AWS command (an aws on PATH that records its calls is never called)', () => {
    const bin = mkdtempSync(join(tmpdir(), 'fake-aws-'));
    try {
      const calls = join(bin, 'calls');
      writeFileSync(join(bin, 'aws'), `#!/bin/sh\necho "$@" >> ${calls}\n`);
      chmodSync(join(bin, 'aws'), 0o755);
      const run = publish(BASE, { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` });
      expect(run.status).toBe(0);
      expect(existsSync(calls)).toBe(false);
      expect(run.stdout).toBe(script);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it("zips the built bundle alone, reproducibly, and uploads it to each Region's bucket under its SHA-256", () => {
    const zip = zipOf(script);
    const sha = createHash('sha256').update(readFileSync(zip)).digest('hex');
    for (const region of ['eu-west-1', 'us-east-1']) {
      expect(script).toContain(`aws s3 cp dist/org/${sha}.zip s3://${PREFIX}-${region}/ecs-pid-mode-rule/${sha}.zip --region ${region}\n`);
    }
    expect(publish(BASE).stdout).toBe(script); // same bundle, same bytes, same key
    const listing = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.namelist()); sys.stdout.buffer.write(z.read("handler.js"))', zip]);
    const [names, ...rest] = listing.toString('utf8').split('\n');
    expect(names).toBe("['handler.js']");
    expect(Buffer.from(rest.join('\n'), 'utf8').equals(readFileSync(BUNDLE))).toBe(true);
  });

  it('creates the StackSet when it does not exist: service-managed, automatic deployment, the member template', () => {
    const lines = awsLines(script.slice(script.indexOf('\nelse\n'), script.indexOf('\nfi\n')));
    const create = lines.find((line) => line.includes('create-stack-set '));
    expect(create).toContain('--permission-model SERVICE_MANAGED');
    expect(create).toContain('--auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false');
    expect(create).toContain('--template-body file://deploy/org/member-account.yaml');
    expect(create).toContain('--capabilities CAPABILITY_NAMED_IAM');
    expect(create).toMatch(/--parameters ParameterKey=CodeBucketPrefix,ParameterValue=ecs-pid-mode-rule-code-111111111111 ParameterKey=CodeKey,ParameterValue=ecs-pid-mode-rule\/[0-9a-f]{64}\.zip ParameterKey=FunctionName,ParameterValue=ecs-pid-mode-rule /);
    const instances = lines.find((line) => line.includes('create-stack-instances '));
    expect(instances).toContain('--deployment-targets OrganizationalUnitIds=r-ab12 --regions eu-west-1 us-east-1 ');
    expect(lines.indexOf(instances ?? '')).toBeGreaterThan(lines.indexOf(create ?? ''));
  });

  it('updates every existing stack instance when the StackSet exists, and adds nothing unasked', () => {
    const branch = script.slice(script.indexOf('\nif aws cloudformation describe-stack-set '), script.indexOf('\nelse\n'));
    expect(branch).toContain('update-stack-set ');
    expect(branch).not.toContain('--deployment-targets');
    expect(branch).not.toContain('create-stack-instances');
  });

  it('adds stack instances for new Regions in the existing OUs, and for new OUs in every Region', () => {
    const run = publish([...BASE.slice(0, 1), 'eu-west-1,us-east-1,ap-southeast-2', ...BASE.slice(2), '--new-regions', 'ap-southeast-2', '--new-ou-ids', 'ou-ab12-abcdefgh']);
    expect(run.status).toBe(0);
    const update = run.stdout.slice(run.stdout.indexOf('\nif '), run.stdout.indexOf('\nelse\n'));
    expect(awsLines(update).filter((line) => line.includes('create-stack-instances')).map((line) => /--deployment-targets (\S+) --regions (.*?) --operation-preferences/.exec(line)?.slice(1))).toEqual([
      ['OrganizationalUnitIds=ou-ab12-abcdefgh', 'eu-west-1 us-east-1 ap-southeast-2'],
      ['OrganizationalUnitIds=r-ab12', 'ap-southeast-2'],
    ]);
  });

  it('waits for every StackSet operation to succeed, and fails the script otherwise', () => {
    const operations = script.split('\n').filter((line) => /OPERATION_ID=\$\(aws cloudformation (create-stack-instances|update-stack-set) /.test(line));
    const waits = script.split('\n').filter((line) => line.includes('describe-stack-set-operation') && line.includes('--operation-id "$OPERATION_ID"'));
    const checks = script.split('\n').filter((line) => line.includes('[ "$STATUS" = SUCCEEDED ] || {') && line.includes('exit 1'));
    expect(operations.length).toBe(2);
    expect(waits.length).toBe(operations.length);
    expect(checks.length).toBe(operations.length);
  });

  it('puts the organization conformance pack in each Region after the functions, excluding the management account', () => {
    const lines = script.split('\n');
    const lastWait = lines.map((line, index) => (line.includes('describe-stack-set-operation') ? index : -1)).reduce((a, b) => Math.max(a, b));
    const management = lines.findIndex((line) => line.startsWith('MANAGEMENT_ACCOUNT=$(aws organizations describe-organization --query Organization.MasterAccountId --output text'));
    expect(management).toBeGreaterThan(lastWait);
    for (const region of ['eu-west-1', 'us-east-1']) {
      const put = lines.findIndex((line) => line.startsWith('aws configservice put-organization-conformance-pack ') && line.includes(`--region ${region}`));
      expect(put).toBeGreaterThan(management);
      expect(lines[put]).toMatch(new RegExp(`--template-s3-uri s3://${PREFIX}-${region}/ecs-pid-mode-rule/conformance-pack-[0-9a-f]{64}\\.yaml `));
      expect(lines[put]).toContain('--conformance-pack-input-parameters ParameterName=RuleFunctionName,ParameterValue=ecs-pid-mode-rule ParameterName=MaximumExecutionFrequency,ParameterValue=One_Hour');
      expect(lines[put]).toContain('--excluded-accounts "$MANAGEMENT_ACCOUNT"');
    }
  });

  it('names its Region on every command and acts as delegated administrator on every StackSet call', () => {
    const lines = awsLines(script);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).toMatch(/ --region [a-z]{2}-[a-z]+-\d( |\)|$)/);
    for (const line of lines.filter((l) => /cloudformation \S*stack-set/.test(l) || l.includes('create-stack-instances'))) {
      expect(line).toContain('--call-as DELEGATED_ADMIN');
    }
  });

  it('excludes the pilot’s outsiders from the pack besides the management account', () => {
    const run = publish([...BASE, '--exclude-accounts', '222222222222,333333333333']);
    const puts = awsLines(run.stdout).filter((line) => line.includes('put-organization-conformance-pack'));
    expect(puts).toHaveLength(2);
    for (const put of puts) expect(put).toContain('--excluded-accounts "$MANAGEMENT_ACCOUNT" 222222222222 333333333333 ');
  });

  it('with --pack-only, only uploads and puts the conformance pack again', () => {
    const run = publish([...BASE, '--pack-only']);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('cloudformation');
    expect(run.stdout).not.toMatch(/\.zip/);
    expect(awsLines(run.stdout).filter((line) => line.includes('put-organization-conformance-pack'))).toHaveLength(2);
  });

  it.each([
    ['no Regions', ['--code-bucket-prefix', PREFIX, '--ou-ids', 'r-ab12'], '--regions is required'],
    ['a bad Region', ['--regions', 'eu-west', '--code-bucket-prefix', PREFIX, '--ou-ids', 'r-ab12'], 'not a Region: eu-west'],
    ['an account ID as a target', [...BASE.slice(0, 4), '--ou-ids', '111111111111'], 'not a root or OU ID'],
    ['a new Region outside --regions', [...BASE, '--new-regions', 'eu-north-1'], 'is not in --regions'],
    ['a malformed account to exclude', [...BASE, '--exclude-accounts', '12345'], 'not an account ID: 12345'],
    ['a parameter the script sets', [...BASE, '--stack-parameter', 'CodeKey=x.zip'], 'set by the script'],
    ['an unknown option', [...BASE, '--regoins', 'x'], "Unknown option '--regoins'"],
  ])('refuses %s with a usage message and exit code 2', (_what, args, message) => {
    const run = publish(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });
});

const MOTO_READY = onPath('moto_server') && onPath('aws');
if (!MOTO_READY) console.warn('moto_server or aws (AWS CLI) not on PATH: org:publish --execute tests skipped');
const describeWithMoto = MOTO_READY ? describe : describe.skip;

describeWithMoto('npm run org:publish --execute against moto_server', () => {
  let moto: MotoServer | undefined;
  const env = cliEnv('eu-west-1', REPO_ROOT);
  const aws = (...args: string[]): unknown =>
    JSON.parse(execFileSync('aws', [...args, '--endpoint-url', moto?.url ?? '', '--output', 'json'], { env, encoding: 'utf8' }) || 'null');
  const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
  let root = '';
  let management = '';

  beforeAll(async () => {
    moto = await startMoto();
    const organization = aws('organizations', 'create-organization', '--feature-set', 'ALL') as { Organization: { MasterAccountId: string } };
    management = organization.Organization.MasterAccountId;
    root = (aws('organizations', 'list-roots') as { Roots: Array<{ Id: string }> }).Roots[0]?.Id ?? '';
    for (const region of REGIONS) {
      const location = region === 'us-east-1' ? [] : ['--create-bucket-configuration', `LocationConstraint=${region}`];
      aws('s3api', 'create-bucket', '--bucket', `${PREFIX}-${region}`, '--region', region, ...location);
    }
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
  });

  const execute = (...args: string[]): Run => publish(['--execute', '--poll-seconds', '1', '--endpoint-url', moto?.url ?? '', '--code-bucket-prefix', PREFIX, '--ou-ids', root, ...args], env);
  const zipSha = (): string => {
    const dry = publish(BASE);
    return createHash('sha256').update(readFileSync(zipOf(dry.stdout))).digest('hex');
  };

  it('first rollout: uploads the code, creates the StackSet and its instances, and the function exists in each Region', () => {
    const run = execute('--regions', 'eu-west-1,us-east-1');
    expect(run.stderr).toContain('+ aws cloudformation create-stack-set ');
    expect(run.status).toBe(0);
    const sha = zipSha();
    for (const region of ['eu-west-1', 'us-east-1']) {
      const keys = (aws('s3api', 'list-objects-v2', '--bucket', `${PREFIX}-${region}`, '--region', region) as { Contents: Array<{ Key: string }> }).Contents.map((o) => o.Key);
      expect(keys).toContain(`ecs-pid-mode-rule/${sha}.zip`);
      const fn = aws('lambda', 'get-function-configuration', '--function-name', 'ecs-pid-mode-rule', '--region', region) as Record<string, unknown>;
      expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Handler: 'handler.handler', Timeout: 600, MemorySize: 512 });
      // moto computes CodeSha256 from the object it fetched from the bucket: the uploaded zip.
      expect(fn.CodeSha256).toBe(Buffer.from(sha, 'hex').toString('base64'));
      expect(fn.Role).toBe(`arn:aws:iam::${management}:role/ecs-pid-mode-rule/ecs-pid-mode-rule-${region}`);
      const policy = JSON.parse((aws('lambda', 'get-policy', '--function-name', 'ecs-pid-mode-rule', '--region', region) as { Policy: string }).Policy) as { Statement: unknown[] };
      expect(policy.Statement).toEqual([
        expect.objectContaining({ Principal: { Service: 'config.amazonaws.com' }, Condition: { StringEquals: { 'AWS:SourceAccount': management } } }),
      ]);
    }
    const stackSet = aws('cloudformation', 'describe-stack-set', '--stack-set-name', 'ecs-pid-mode-rule') as { StackSet: Record<string, unknown> };
    expect(stackSet.StackSet.PermissionModel).toBe('SERVICE_MANAGED');
  }, 300_000);

  it('puts the organization conformance pack in each Region with the function name, excluding the management account', () => {
    for (const region of ['eu-west-1', 'us-east-1']) {
      const packs = aws('configservice', 'describe-organization-conformance-packs', '--organization-conformance-pack-names', 'ecs-pid-mode-host', '--region', region) as {
        OrganizationConformancePacks: Array<Record<string, unknown>>;
      };
      expect(packs.OrganizationConformancePacks).toEqual([
        expect.objectContaining({
          ConformancePackInputParameters: [
            { ParameterName: 'RuleFunctionName', ParameterValue: 'ecs-pid-mode-rule' },
            { ParameterName: 'MaximumExecutionFrequency', ParameterValue: 'One_Hour' },
          ],
          ExcludedAccounts: [management],
        }),
      ]);
    }
  });

  it('second run: updates the StackSet in place and adds a new Region', () => {
    const run = execute('--regions', REGIONS.join(','), '--new-regions', 'ap-southeast-2', '--stack-parameter', 'LogLevel=DEBUG');
    expect(run.stderr).toContain('+ aws cloudformation update-stack-set ');
    expect(run.stderr).not.toContain('create-stack-set ');
    expect(run.status).toBe(0);
    const instances = aws('cloudformation', 'list-stack-instances', '--stack-set-name', 'ecs-pid-mode-rule') as { Summaries: Array<{ Region: string }> };
    expect(instances.Summaries.map((s) => s.Region).sort()).toEqual([...REGIONS].sort());
    const parameters = (aws('cloudformation', 'describe-stack-set', '--stack-set-name', 'ecs-pid-mode-rule') as {
      StackSet: { Parameters: Array<{ ParameterKey: string; ParameterValue: string }> };
    }).StackSet.Parameters;
    expect(parameters).toContainEqual({ ParameterKey: 'LogLevel', ParameterValue: 'DEBUG' });
    const fn = aws('lambda', 'get-function-configuration', '--function-name', 'ecs-pid-mode-rule', '--region', 'ap-southeast-2') as Record<string, unknown>;
    expect(fn.Runtime).toBe('nodejs24.x');
  }, 300_000);

  it('stops at the first failing command and says which', () => {
    const run = execute('--regions', 'eu-north-1'); // no bucket there
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/org:publish failed: aws exited \d+: .*NoSuchBucket/s);
    expect(run.stderr).not.toContain('describe-stack-set ');
  }, 120_000);
});
