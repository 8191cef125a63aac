// cfn-lint (with the SAM translator, so template.yaml is linted after the SAM transform) must
// report nothing at all: no errors, warnings or informational findings, on every template.
// Skipped, visibly, where cfn-lint is not installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, TEMPLATE_FILES } from './helpers/cfn';

const TEMPLATES = [...TEMPLATE_FILES];

interface Finding {
  Rule?: { Id?: string };
  Level?: string;
  Message?: string;
  Filename?: string;
  Location?: { Start?: { LineNumber?: number } };
}

const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
const available = probe.error === undefined && probe.status === 0;
if (!available) console.warn('cfn-lint not on PATH: lint test skipped');
const lintTest = available ? test : test.skip;

function lint(paths: string[]): Finding[] {
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', ...paths], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  if (run.error !== undefined) throw run.error;
  // Exit status is a bit mask of finding levels; with findings, stdout is their JSON list.
  try {
    return JSON.parse(run.stdout || '[]') as Finding[];
  } catch {
    throw new Error(`cfn-lint exited ${String(run.status)} without JSON output: ${run.stderr}`);
  }
}

function describeFindings(findings: Finding[]): string[] {
  return findings.map((f) => `${f.Filename}:${f.Location?.Start?.LineNumber} ${f.Level} ${f.Rule?.Id} ${f.Message}`);
}

describe('cfn-lint', () => {
  lintTest(
    `reports nothing for ${TEMPLATES.join(', ')} (cfn-lint ${available ? probe.stdout.trim() : 'missing'})`,
    () => {
      expect(describeFindings(lint(TEMPLATES))).toEqual([]);
    },
    180_000,
  );

  lintTest(
    'reports a broken copy of template.yaml, so the clean result above means something',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'cfn-lint-'));
      try {
        const broken = readFileSync(join(REPO_ROOT, 'template.yaml'), 'utf8')
          .replace('Runtime: nodejs24.x', 'Runtime: nodejs0.x')
          .replace('SourceAccount: !Ref AWS::AccountId', 'SourceAcount: !Ref AWS::AccountId');
        const path = join(dir, 'template.yaml');
        writeFileSync(path, broken);
        const ids = lint([path]).map((f) => f.Rule?.Id);
        expect(ids).toEqual(expect.arrayContaining(['E3030', 'E3002']));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
