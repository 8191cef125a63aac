// scan and remediate --plan end to end against the simulator: the CLI's own functions (what the
// commands' actions call), with the SDK's default configuration pointed at the simulator through
// AWS_ENDPOINT_URL, as a user points them at AWS.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalExceptionsJson } from '../../src/core/exceptions';
import { runRemediate, type RemediateOptions } from '../../src/cli/remediate';
import { runScan, type ScanCommandOptions } from '../../src/cli/scan';
import { startSimulator, type Simulator } from '../../tools/simulator';
import { captured, useAwsEnv, type AwsEnv } from './aws-env';
import { keysFor } from '../e2e/helpers';
import { arn, CENTRAL, cliScenario, MEMBER, QUIET, SECRET } from './cli-scenario';

const scanOptions = (extra: Partial<ScanCommandOptions> = {}): ScanCommandOptions => ({ output: 'table', ...extra });

describe('ecs-pidmode scan and remediate --plan against the simulator', () => {
  let sim: Simulator;
  let restore: (() => void) | undefined;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: cliScenario(), throttling: false });
    dir = mkdtempSync(join(tmpdir(), 'ecs-pidmode-cli-'));
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    restore?.();
    restore = undefined;
    sim.clearFaults();
  });

  const as = (accountId: string, extra: Partial<AwsEnv> = {}): void => {
    restore?.();
    restore = useAwsEnv({ endpoint: sim.url, credentials: keysFor(accountId), ...extra });
  };
  const scan = (options: ScanCommandOptions, tty = false) => captured((io) => runScan(options, io), tty);
  const remediate = (options: RemediateOptions) => captured((io) => runRemediate(options, io));
  const noSecrets = (run: { stdout: string; stderr: string }): void => {
    expect(run.stdout).not.toContain(SECRET);
    expect(run.stderr).not.toContain(SECRET);
  };

  describe('scan', () => {
    it('lists every in-use revision with its verdict, Config resource ID, ARN and usage, and exits 1 on findings', async () => {
      as(MEMBER);
      const run = await scan(scanOptions());
      expect(run.exitCode).toBe(1);
      const lines = run.stdout.split('\n');
      expect(lines[0]).toMatch(/^VERDICT\s+REGION\s+RESOURCE ID\s+TASK DEFINITION ARN\s+TASKS\s+CLUSTERS\s+SERVICES$/);
      const rows = lines.slice(1, 6).map((l) => l.split(/\s{2,}/));
      expect(rows).toEqual([
        ['NON_COMPLIANT', 'us-east-1', arn('batch', 1), arn('batch', 1), '1', 'prod', '-'],
        ['NON_COMPLIANT', 'us-east-1', 'cfg-agent-1', arn('agent', 1), '3', 'prod', 'agent'],
        ['NON_COMPLIANT', 'us-east-1', 'cfg-agent-2', arn('agent', 2), '1', 'staging', 'agent-canary'],
        ['NON_COMPLIANT', 'us-east-1', 'tdrev-web1', arn('web', 1), '2', 'prod', 'web'],
        ['COMPLIANT', 'us-east-1', 'cfg-shop-1', arn('shop', 1), '1', 'prod', 'shop'],
      ]);
      expect(run.stdout).toContain(`${MEMBER} us-east-1: 4 non-compliant of 5 revision(s) in use; 8 running task(s) in 2 of 2 cluster(s) read`);
      // The unused host revision is not listed: nothing runs it.
      expect(run.stdout).not.toContain('idle');
      // Said as the rule logs it: a running revision AWS Config does not record.
      expect(run.stderr).toContain('warning: running revisions not recorded by AWS Config');
      noSecrets(run);
    });

    it('writes no evaluation to Config and never asks for earlier results', async () => {
      as(MEMBER);
      sim.resetCounters();
      await scan(scanOptions());
      const config = sim.counters().calls[MEMBER]?.config ?? {};
      expect(config.PutEvaluations).toBeUndefined();
      expect(config.GetComplianceDetailsByConfigRule).toBeUndefined();
    });

    it('prints JSON with --output json, and only the non-compliant rows with --only non-compliant (exit code unchanged)', async () => {
      as(MEMBER);
      const run = await scan(scanOptions({ output: 'json', only: 'non-compliant' }));
      expect(run.exitCode).toBe(1);
      const report = JSON.parse(run.stdout);
      expect(report.schemaVersion).toBe(1);
      expect(report.evaluations.map((e: { resourceId: string }) => e.resourceId)).toEqual([arn('batch', 1), 'cfg-agent-1', 'cfg-agent-2', 'tdrev-web1']);
      expect(report.evaluations[1]).toMatchObject({ complianceType: 'NON_COMPLIANT', taskDefinitionArn: arn('agent', 1), pidMode: 'host', runningTasks: 3, clusters: ['prod'], services: ['agent'] });
      expect(report.targets).toEqual([expect.objectContaining({ accountId: MEMBER, region: 'us-east-1', nonCompliantInUse: 4, revisionsInUse: 5 })]);
      noSecrets(run);
    });

    it('prints RFC 4180 CSV with --output csv', async () => {
      as(MEMBER);
      const run = await scan(scanOptions({ output: 'csv' }));
      const lines = run.stdout.split('\r\n');
      expect(lines[0]).toBe('accountId,region,complianceType,resourceId,taskDefinitionArn,pidMode,runningTasks,clusters,services,annotation');
      expect(lines).toHaveLength(7); // header, 5 rows, and the empty string after the last CRLF
      expect(lines[2]).toMatch(/^111111111111,us-east-1,NON_COMPLIANT,cfg-agent-1,arn:aws:ecs:us-east-1:111111111111:task-definition\/agent:1,host,3,prod,agent,pidMode=host: [^"]*$/);
    });

    it('scans several Regions in one run (--region repeated or comma-separated)', async () => {
      as(MEMBER);
      const run = await scan(scanOptions({ region: ['us-east-1', 'us-west-2'] }));
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toContain(`${MEMBER} us-east-1: 4 non-compliant of 5`);
      expect(run.stdout).toContain(`${MEMBER} us-west-2: 0 non-compliant of 0 revision(s) in use; 0 running task(s) in 0 of 0 cluster(s) read`);
    });

    it('exits 0 when nothing in use is non-compliant', async () => {
      as(QUIET);
      const run = await scan(scanOptions());
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('COMPLIANT');
    });

    it('exits 2 and says what failed when a cluster cannot be read, still listing what was established', async () => {
      as(MEMBER);
      sim.addFault({ service: 'ecs', operation: 'ListTasks', cluster: 'staging', error: 'AccessDeniedException' });
      const run = await scan(scanOptions());
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(/could not establish: DiscoveryError: ECS in-use discovery failed in 1 cluster\(s\): staging \(ListTasks: AccessDeniedException/);
      expect(run.stdout).toContain('cfg-agent-1');
      expect(run.stdout).not.toContain('cfg-agent-2');
    });

    it('exits 2 when the credentials are not accepted, naming the call', async () => {
      as(MEMBER, { credentials: { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' } });
      const run = await scan(scanOptions());
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('could not establish the account: AwsCallError: GetCallerIdentity failed');
      expect(run.stdout).toBe('');
    });

    it('assumes --role-arn and scans that account', async () => {
      as(CENTRAL);
      const run = await scan(scanOptions({ roleArn: `arn:aws:iam::${MEMBER}:role/pidmode-scan` }));
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toContain(`${MEMBER} us-east-1: 4 non-compliant of 5`);
      expect(sim.counters().calls[CENTRAL]?.sts?.AssumeRole).toBeGreaterThan(0);
    });

    it('exits 2 when the role cannot be assumed', async () => {
      as(QUIET);
      const run = await scan(scanOptions({ roleArn: `arn:aws:iam::${MEMBER}:role/pidmode-scan` }));
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toContain(`could not scan: AssumeRoleError: Could not assume execution role arn:aws:iam::${MEMBER}:role/pidmode-scan`);
    });

    it('uses a named profile from the shared files with --profile', async () => {
      const credentialsFile = join(dir, 'credentials');
      const keys = keysFor(QUIET);
      writeFileSync(credentialsFile, `[scanner]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`);
      restore = useAwsEnv({ endpoint: sim.url, credentialsFile });
      const run = await scan(scanOptions({ profile: 'scanner' }));
      expect(run.stdout).toContain(`${QUIET} us-east-1: 0 non-compliant of 1`);
      expect(run.exitCode).toBe(0);
    });

    it('applies exceptions from a local YAML file, as the rule does', async () => {
      as(MEMBER);
      const file = join(dir, 'exceptions.yaml');
      writeFileSync(file, ['version: 1', 'exceptions:', '  - id: EX-1', '    owner: sec@example.com', '    reason: node agent', '    expires: "2099-01-01"', `    accounts: ["${MEMBER}"]`, '    family: agent', ''].join('\n'));
      const run = await scan(scanOptions({ output: 'json', exceptionsFile: file }));
      // expires far ahead is refused like the rule refuses it (maxDays 365): the scan stops, exit 2.
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain("at most 365 days are allowed");
      const soon = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      writeFileSync(file, readFileSync(file, 'utf8').replace('"2099-01-01"', `"${soon}"`));
      const ok = await scan(scanOptions({ output: 'json', exceptionsFile: file }));
      const verdicts = Object.fromEntries(JSON.parse(ok.stdout).evaluations.map((e: { resourceId: string; complianceType: string }) => [e.resourceId, e.complianceType]));
      expect(verdicts).toMatchObject({ 'cfg-agent-1': 'NOT_APPLICABLE', 'cfg-agent-2': 'NOT_APPLICABLE', 'tdrev-web1': 'NON_COMPLIANT' });
      expect(JSON.parse(ok.stdout).targets[0]).toMatchObject({ exceptedInUse: 2 });
      expect(ok.exitCode).toBe(1);
    });

    it('applies exceptions from the S3 document the rule reads (--exceptions s3://...), together with a local file', async () => {
      as(MEMBER);
      const soon = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      const entry = (id: string, family: string) => ({ id, owner: 'sec@example.com', reason: 'reviewed', expires: soon, accounts: [MEMBER], family });
      sim.putObject('security-exceptions', 'pidmode/exceptions.json', canonicalExceptionsJson({ version: 1, exceptions: [entry('EX-S3', 'web')] }));
      const file = join(dir, 'local.json');
      writeFileSync(file, canonicalExceptionsJson({ version: 1, exceptions: [entry('EX-LOCAL', 'batch')] }));
      const run = await scan(scanOptions({ output: 'json', exceptions: 's3://security-exceptions/pidmode/exceptions.json', exceptionsFile: file }));
      const verdicts = Object.fromEntries(JSON.parse(run.stdout).evaluations.map((e: { resourceId: string; complianceType: string }) => [e.resourceId, e.complianceType]));
      expect(verdicts).toMatchObject({ 'tdrev-web1': 'NOT_APPLICABLE', [arn('batch', 1)]: 'NOT_APPLICABLE', 'cfg-agent-1': 'NON_COMPLIANT' });

      const missing = await scan(scanOptions({ exceptions: 's3://security-exceptions/pidmode/nope.json' }));
      expect(missing.exitCode).toBe(2);
      expect(missing.stderr).toContain('Could not use the exceptions document s3://security-exceptions/pidmode/nope.json: NoSuchKey');
    });

    it('shows progress on stderr only when stderr is a terminal', async () => {
      as(MEMBER);
      expect((await scan(scanOptions(), true)).stderr).toContain(`scanning account ${MEMBER} in us-east-1...`);
      expect((await scan(scanOptions(), false)).stderr).not.toContain('scanning account');
    });
  });

  describe('remediate --plan', () => {
    const PRIORITY = [
      { key: 'env', value: 'production' },
      { key: 'exposure', value: 'internet-facing' },
    ];

    it('plans every non-compliant revision: services and standalone tasks, input files, commands in priority order; exits 1', async () => {
      as(MEMBER);
      const out = join(dir, 'plan');
      const run = await remediate({ plan: true, out, priorityTag: PRIORITY });
      expect(run.exitCode).toBe(1);
      const file = (family: string, revision: number) => join(out, 'us-east-1', `${family}-${revision}.register-task-definition.json`);
      const commands = run.stdout.split('\n').filter((l) => l.startsWith('     aws ')).map((l) => l.trim());
      expect(commands).toEqual([
        `aws ecs register-task-definition --cli-input-json file://${file('web', 1)} --region us-east-1`,
        'aws ecs update-service --cluster prod --service web --task-definition web --region us-east-1',
        `aws ecs register-task-definition --cli-input-json file://${file('agent', 1)} --region us-east-1`,
        'aws ecs update-service --cluster prod --service agent --task-definition agent --region us-east-1',
        `aws ecs register-task-definition --cli-input-json file://${file('agent', 2)} --region us-east-1`,
        'aws ecs update-service --cluster staging --service agent-canary --task-definition agent --region us-east-1',
        `aws ecs register-task-definition --cli-input-json file://${file('batch', 1)} --region us-east-1`,
      ]);
      expect(run.stdout).toContain('     prod/web  desired 3, running this revision 2  priority: env=production');
      expect(run.stdout).toContain('     prod/agent  desired 2, running this revision 2\n');
      expect(run.stdout).toContain('     prod  startedBy events-rule/cleanup  1 task(s)');
      expect(run.stdout).toContain('     prod  startedBy nightly-batch  1 task(s)');
      noSecrets(run);
    });

    it('writes each fixed revision as the revision itself without pidMode and read-only fields, owner-only', async () => {
      as(MEMBER);
      const out = join(dir, 'plan-files');
      await remediate({ plan: true, out });
      const files = readdirSync(join(out, 'us-east-1')).sort();
      expect(files).toEqual(['agent-1', 'agent-2', 'batch-1', 'web-1'].map((n) => `${n}.register-task-definition.json`));
      for (const name of files) {
        const path = join(out, 'us-east-1', name);
        expect(statSync(path).mode & 0o777).toBe(0o600);
        const input = JSON.parse(readFileSync(path, 'utf8'));
        expect(input).not.toHaveProperty('pidMode');
        for (const field of ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy', 'deregisteredAt']) {
          expect(input).not.toHaveProperty(field);
        }
      }
      const agent1 = JSON.parse(readFileSync(join(out, 'us-east-1', 'agent-1.register-task-definition.json'), 'utf8'));
      expect(agent1).toMatchObject({ family: 'agent', networkMode: 'bridge', requiresCompatibilities: ['EC2'] });
      // The definition is kept whole, container environment included: that is why the file is 0600.
      expect(agent1.containerDefinitions[0].environment).toEqual([{ name: 'DB_PASSWORD', value: `${SECRET}agent1` }]);
    });

    it('refuses to run without --plan (exit 2) and changes nothing', async () => {
      as(MEMBER);
      const run = await remediate({ out: join(dir, 'never') });
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('pass --plan');
      expect(() => statSync(join(dir, 'never'))).toThrow();
    });

    it('exits 0 with nothing to plan when nothing in use is non-compliant', async () => {
      as(QUIET);
      const run = await remediate({ plan: true, out: join(dir, 'quiet') });
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain(`account ${QUIET}, us-east-1: 0 non-compliant revision(s) in use`);
    });

    it('never calls anything that changes ECS', async () => {
      as(MEMBER);
      sim.resetCounters();
      await remediate({ plan: true, out: join(dir, 'reads') });
      const ecs = Object.keys(sim.counters().calls[MEMBER]?.ecs ?? {});
      expect(ecs.every((op) => /^(List|Describe)/.test(op))).toBe(true);
      expect(ecs).toEqual(expect.arrayContaining(['DescribeServices', 'DescribeTaskDefinition']));
    });

    it('exits 2 when the services of a revision cannot be read, and says which', async () => {
      as(MEMBER);
      sim.addFault({ service: 'ecs', operation: 'DescribeServices', error: 'AccessDeniedException', count: 1 });
      const run = await remediate({ plan: true, out: join(dir, 'denied') });
      expect(run.exitCode).toBe(2);
      expect(run.stdout).toMatch(/problem: arn:aws:ecs:us-east-1:111111111111:task-definition\/\w+:\d: AwsCallError: DescribeServices failed for cluster "\w+": AccessDeniedException/);
    });
  });
});
