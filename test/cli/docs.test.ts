// The command line examples in the docs are real output, and the example workflow is wired right.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderReport, runCheck } from '../../src/cli/check';
import { buildProgram } from '../../src/cli/index';
import { startSimulator, type Simulator } from '../../tools/simulator';
import { keysFor } from '../e2e/helpers';
import { useAwsEnv } from './aws-env';
import { cliScenario, MEMBER } from './cli-scenario';
import { REPO_ROOT } from './helpers';

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

/** ```console blocks that run `npx ecs-pidmode check`: the arguments and the output shown. */
function checkExamples(markdown: string): Array<{ args: string[]; output: string }> {
  return [...markdown.matchAll(/```console\n\$ npx ecs-pidmode check ([^\n]+)\n([\s\S]*?)```/g)].map(([, args, output]) => ({
    args: (args ?? '').split(' '),
    output: output ?? '',
  }));
}

describe.each(['README.md', 'docs/cli.md'])('the check example in %s', (doc) => {
  const examples = checkExamples(read(doc));

  it('exists', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it('shows the output the command prints today', () => {
    for (const { args, output } of examples) {
      expect(renderReport(runCheck(args, { cwd: REPO_ROOT }), 'text')).toBe(output);
    }
  });
});

/** ```console blocks that run `npx ecs-pidmode scan|remediate`: the arguments and the output shown. */
function accountExamples(markdown: string): Array<{ args: string[]; output: string }> {
  return [...markdown.matchAll(/```console\n\$ npx ecs-pidmode ((?:scan|remediate)[^\n]*)\n([\s\S]*?)```/g)].map(([, args, output]) => ({
    args: (args ?? '').split(' '),
    output: output ?? '',
  }));
}

/** The program as `npx ecs-pidmode ARGS` runs it: what it writes to stdout, and its exit code. */
async function runProgram(args: readonly string[]): Promise<{ stdout: string; exitCode: number }> {
  let stdout = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => {
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((() => true) as typeof process.stderr.write);
  try {
    await buildProgram().parseAsync(['node', 'ecs-pidmode', ...args]);
    return { stdout, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

// The scan and remediate examples run against the example account of test/cli/cli-scenario.ts.
describe.each(['README.md', 'docs/cli.md'])('the scan and remediate examples in %s', (doc) => {
  const examples = accountExamples(read(doc));
  let sim: Simulator;
  let restore: () => void = () => undefined;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: cliScenario(), throttling: false });
    restore = useAwsEnv({ endpoint: sim.url, credentials: keysFor(MEMBER) });
  });
  afterAll(async () => {
    restore();
    await sim.stop();
  });

  it('exist for both commands', () => {
    expect(examples.map((e) => e.args[0])).toEqual(expect.arrayContaining(['scan', 'remediate']));
  });

  it('show the output the commands print today', async () => {
    for (const { args, output } of examples) expect((await runProgram(args)).stdout).toBe(output);
  });
});

describe('docs/examples/github-actions-pidmode-check.yml', () => {
  const workflow = parse(read('docs/examples/github-actions-pidmode-check.yml'));
  const steps: Array<Record<string, any>> = workflow.jobs.pidmode.steps;
  const check = steps.find((step) => String(step.run ?? '').includes('ecs-pidmode check'));
  const upload = steps.find((step) => String(step.uses ?? '').startsWith('github/codeql-action/upload-sarif@'));

  it('writes SARIF to the file it uploads', () => {
    const output = /--format sarif --output (\S+)/.exec(check?.run ?? '')?.[1];
    expect(output).toBeDefined();
    expect(upload?.with.sarif_file).toBe(output);
  });

  it('never lets npx fetch a package of that name from the registry', () => {
    expect(check?.run).toContain('npx --no-install ecs-pidmode');
  });

  it('uploads when the check failed too (exit 1 or 2), and may write security events', () => {
    expect(upload?.if).toContain('!cancelled()');
    expect(workflow.permissions['security-events']).toBe('write');
  });
});

describe('the exceptions example in README.md', () => {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Exceptions'));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];

  it('is the valid fixture that the unit tests and docs/exceptions.md use, so it cannot drift from what validate accepts', () => {
    expect(example).toBe(read('test/fixtures/exceptions/valid.yaml'));
  });
});
