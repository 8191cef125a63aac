// The built CLI (dist/cli.js) end to end, run as a user runs it, and the Lambda bundle kept free of it.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import buildOptions from '../../scripts/build-options.json';
import { version } from '../../package.json';
import { startSimulator } from '../../tools/simulator';
import { keysFor } from '../e2e/helpers';
import { awsEnvVars } from './aws-env';
import { FIXTURES, REPO_ROOT } from './helpers';
import { cliScenario } from './cli-scenario';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { status, stdout, stderr } = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status, stdout, stderr };
}

beforeAll(() => {
  // The CLI bundle alone (what npm's prepare builds), so that this file never runs a stale one.
  execFileSync(process.execPath, ['scripts/build.mjs', '--prepare'], { cwd: REPO_ROOT, stdio: 'pipe' });
});

describe('dist/cli.js', () => {
  it('starts with a node shebang so that it runs as an executable', () => {
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('exits 1 and prints the finding when a file has pidMode host', () => {
    const run = cli('check', `${FIXTURES}/register-task-definition.json`);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`${FIXTURES}/register-task-definition.json:4: error node-exporter: pidMode is host`);
  });

  it('exits 0 when there are warnings only', () => {
    expect(cli('check', `${FIXTURES}/cfn-container-pidmode.yaml`, `${FIXTURES}/terraform-plan-unknown.json`).status).toBe(0);
  });

  it('exits 2 when a file cannot be parsed, even beside a finding', () => {
    expect(cli('check', `${FIXTURES}/unparsable.yaml`, `${FIXTURES}/cfn-template.json`).status).toBe(2);
  });

  it('exits 2 on a usage error, which must not read as findings (1) or a pass (0)', () => {
    const run = cli('check', '--format', 'xml', `${FIXTURES}/cfn-template.json`);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("argument 'xml' is invalid");
    expect(cli('check').status).toBe(2);
  });

  it('writes the report to --output and a text summary to stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-pidmode-out-'));
    try {
      const out = join(dir, 'pidmode.sarif');
      const run = cli('check', `${FIXTURES}/cdk.out`, '--format', 'sarif', '--output', out);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('2 files checked: 1 error, 0 warnings');
      expect(JSON.parse(readFileSync(out, 'utf8')).runs[0].results).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('reports the package version', () => {
    expect(cli('--version').stdout.trim()).toBe(version);
  });

  // --today: the fixture's dates are fixed; validate refuses expired entries, so evaluate as of a day they all hold.
  it('exits 0 for a valid exceptions document (ecs-pidmode exceptions validate)', () => {
    const run = cli('exceptions', 'validate', 'test/fixtures/exceptions/valid.yaml', '--today', '2026-12-01');
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('exits 1 for an invalid exceptions document, naming the entry and the field', () => {
    const run = cli('exceptions', 'validate', 'test/fixtures/exceptions/invalid.yaml', '--today', '2026-12-01');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('entry #2 (EX-21): field "expiry" is not a known field');
  });

  it('exits 2 on a usage error of the exceptions command', () => {
    expect(cli('exceptions', 'validate').status).toBe(2);
  });

  it('runs through the bin that npm links as ecs-pidmode', () => {
    const run = spawnSync(process.execPath, ['bin/ecs-pidmode.js', '--version'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(run.stdout.trim()).toBe(version);
  });
});

/** Asynchronously: the simulator answering the CLI runs in this process. */
function cliAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...base, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('dist/cli.js scan and remediate against the simulator', () => {
  it('sets the exit code (1 findings, 2 usage error) and never prints container environment values', async () => {
    const sim = await startSimulator({ scenario: cliScenario(), throttling: false });
    const dir = mkdtempSync(join(tmpdir(), 'ecs-pidmode-dist-'));
    try {
      const env = awsEnvVars({ endpoint: sim.url, credentials: keysFor('111111111111') });
      const scan = await cliAsync(['scan', '--only', 'non-compliant'], env);
      expect(scan.status).toBe(1);
      expect(scan.stdout).toContain('cfg-agent-1');
      const plan = await cliAsync(['remediate', '--plan', '--out', join(dir, 'plan')], env);
      expect(plan.status).toBe(1);
      expect(plan.stdout).toContain('aws ecs update-service --cluster prod --service agent --task-definition agent --region us-east-1');
      for (const run of [scan, plan]) expect(run.stdout + run.stderr).not.toContain('SIMSECRET-');
      expect((await cliAsync(['scan', '--output', 'xml'], env)).status).toBe(2);
      expect((await cliAsync(['remediate', '--plan'], env)).status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await sim.stop();
    }
  }, 30_000);
});

describe('the Lambda bundle', () => {
  it('contains no CLI code: nothing from src/cli, src/check, the remediation plan, commander or yaml', async () => {
    const result = await build({ ...(buildOptions as object), absWorkingDir: REPO_ROOT, write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.startsWith('src/handler'))).toBe(true);
    expect(inputs.filter((input) => /^src\/(cli|check)\/|^src\/core\/remediation|^src\/aws\/(ecs-remediation|caller-identity)|node_modules\/(commander|yaml)\//.test(input))).toEqual([]);
  });
});
