// `sam build` (template.yaml Metadata: BuildMethod makefile) must deploy the bundle `npm run build`
// writes, the one the tests run: the Makefile target installs from the lockfile, runs the
// project's build, and copies that file to SAM's artifacts directory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { REPO_ROOT, at, loadTemplate, properties, readRepoFile, resource } from './helpers/cfn';

const options = JSON.parse(readRepoFile('scripts/build-options.json')) as Record<string, unknown>;
const packageJson = JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> };
const template = loadTemplate('template.yaml');
const fnResource = resource(template, 'RuleFunction', 'AWS::Serverless::Function');
const fn = properties(fnResource, 'RuleFunction');
const outfile = String(options.outfile);

/** The recipe of one Makefile target, as `make -n` would run it (ARTIFACTS_DIR given). */
function recipe(target: string, artifactsDir: string): string[] {
  const run = spawnSync('make', ['-n', '--no-print-directory', '-f', 'Makefile', target, `ARTIFACTS_DIR=${artifactsDir}`], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (run.error !== undefined || run.status !== 0) throw new Error(`make -n ${target} failed: ${run.stderr}`);
  return run.stdout.trim().split('\n');
}

const makeAvailable = spawnSync('make', ['--version']).status === 0;
if (!makeAvailable) console.warn('make not on PATH: Makefile recipe tests skipped');
const makeTest = makeAvailable ? it : it.skip;

describe('template.yaml build metadata and the Makefile', () => {
  it('builds with the Makefile, not SAM esbuild (which installs production dependencies only)', () => {
    expect(at(fnResource, 'Metadata', 'BuildMethod')).toBe('makefile');
    expect(at(fnResource, 'Metadata')).toEqual({ BuildMethod: 'makefile' });
  });

  it('has CodeUri at the repository root, where the Makefile, package.json and the lockfile are', () => {
    expect(fn.CodeUri).toBe('.');
    for (const file of ['Makefile', 'package.json', 'package-lock.json']) expect(existsSync(join(REPO_ROOT, file))).toBe(true);
  });

  makeTest('installs from the lockfile with dev dependencies, runs the project build, copies its output to ARTIFACTS_DIR', () => {
    expect(recipe('build-RuleFunction', '/sam/artifacts')).toEqual([
      'npm ci --include=dev --no-audit --no-fund',
      'npm run build',
      `cp ${outfile} "/sam/artifacts/${basename(outfile)}"`,
    ]);
    expect(packageJson.scripts.build).toBe('node scripts/build.mjs');
  });

  makeTest('names the target after the function logical ID, as aws-lambda-builders calls it (build-<LogicalId>)', () => {
    const targets = readFileSync(join(REPO_ROOT, 'Makefile'), 'utf8').match(/^build-[A-Za-z0-9]+(?=:)/gm);
    expect(targets).toEqual(['build-RuleFunction']);
  });

  makeTest('copies the bundle the tests load into the artifacts directory (the copy step, run for real)', () => {
    if (!existsSync(join(REPO_ROOT, outfile))) throw new Error(`${outfile} missing: npm test builds it first`);
    const artifacts = mkdtempSync(join(tmpdir(), 'sam-artifacts-'));
    try {
      const copy = recipe('build-RuleFunction', artifacts).at(-1) ?? '';
      const run = spawnSync('sh', ['-c', copy], { cwd: REPO_ROOT, encoding: 'utf8' });
      expect(run.status).toBe(0);
      expect(readFileSync(join(artifacts, basename(outfile)))).toEqual(readFileSync(join(REPO_ROOT, outfile)));
    } finally {
      rmSync(artifacts, { recursive: true, force: true });
    }
  });

  it('points the handler at the bundle file and its exported handler', () => {
    const bundle = basename(outfile, '.js');
    expect(fn.Handler).toBe(`${bundle}.handler`);
  });

  it('runs on the Node.js version the bundle targets', () => {
    const target = /^node(\d+)$/.exec(String(options.target));
    expect(target).not.toBeNull();
    expect(fn.Runtime).toBe(`nodejs${target?.[1]}.x`);
  });
});
