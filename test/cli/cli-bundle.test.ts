// The built CLI (dist/cli.js) end to end, run as a user runs it, and the Lambda bundle kept free of it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import buildOptions from '../../scripts/build-options.json';
import { version } from '../../package.json';
import { FIXTURES, REPO_ROOT } from './helpers';

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

describe('the Lambda bundle', () => {
  it('contains no CLI code: nothing from src/cli, src/check, commander or yaml', async () => {
    const result = await build({ ...(buildOptions as object), absWorkingDir: REPO_ROOT, write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.startsWith('src/handler'))).toBe(true);
    expect(inputs.filter((input) => /^src\/(cli|check)\/|node_modules\/(commander|yaml)\//.test(input))).toEqual([]);
  });
});
