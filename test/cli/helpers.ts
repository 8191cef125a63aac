// Runs `check` over the fixtures in test/fixtures/check, with paths as a user in the repo root types them.
import { join } from 'node:path';
import type { CheckReport, FileFinding } from '../../src/check/report';
import { runCheck } from '../../src/cli/check';

export const REPO_ROOT = join(__dirname, '..', '..');
export const FIXTURES = 'test/fixtures/check';

export function checkFixtures(...names: string[]): CheckReport {
  return runCheck(
    names.map((name) => `${FIXTURES}/${name}`),
    { cwd: REPO_ROOT },
  );
}

/** The findings as `line rule resource` strings: compact, and exact about lines. */
export function summaryOf(findings: readonly FileFinding[]): string[] {
  return findings.map((f) => `${f.position?.line ?? '-'} ${f.rule} ${f.resource}`);
}
