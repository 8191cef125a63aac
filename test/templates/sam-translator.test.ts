// The SAM translator (the samtranslator package cfn-lint depends on) must transform template.yaml
// without errors, with nothing but the SAM transform, into the resources the organization template
// mirrors. Skipped, visibly, where no python3 with samtranslator and cfn-lint is installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, asRecord, at, loadTemplate, properties, resource } from './helpers/cfn';

const SCRIPT = join(__dirname, 'helpers', 'sam-translate.py');
// cfn-lint is a Python entry point: the python3 on PATH is the one that has it (and samtranslator).
const probe = spawnSync('python3', ['-c', 'import samtranslator, cfnlint; print(samtranslator.__version__)'], { encoding: 'utf8' });
const available = probe.error === undefined && probe.status === 0;
if (!available) console.warn('python3 with samtranslator and cfn-lint not found: SAM translator test skipped');
const translatorTest = available ? it : it.skip;

interface Translation {
  readonly status: number | null;
  readonly output: Record<string, unknown>;
  readonly errors: string;
}

function translate(path: string): Translation {
  const run = spawnSync('python3', [SCRIPT, path], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  if (run.error !== undefined) throw run.error;
  return { status: run.status, output: run.status === 0 ? (JSON.parse(run.stdout) as Record<string, unknown>) : {}, errors: run.stderr };
}

describe(`SAM translator (samtranslator ${available ? probe.stdout.trim() : 'missing'})`, () => {
  const translated = available ? translate(join(REPO_ROOT, 'template.yaml')) : undefined;

  translatorTest('transforms template.yaml without errors into plain CloudFormation', () => {
    expect(translated?.errors).toBe('');
    expect(translated?.status).toBe(0);
    const types = Object.values(asRecord(translated?.output.Resources, 'Resources')).map((r) => String(asRecord(r, 'resource').Type));
    expect(types.filter((type) => type.startsWith('AWS::Serverless::'))).toEqual([]);
    expect(translated?.output.Transform).toBeUndefined();
  });

  translatorTest('produces the function the organization template declares, apart from name, code and SAM’s tag', () => {
    const output = translated?.output ?? {};
    const fn = properties(resource(output, 'RuleFunction', 'AWS::Lambda::Function'), 'translated RuleFunction');
    const plain = properties(resource(loadTemplate('deploy/org/member-account.yaml'), 'RuleFunction', 'AWS::Lambda::Function'), 'member RuleFunction');
    const { Code: _code, Tags: _tags, ...fromSam } = fn;
    const { Code: _plainCode, FunctionName: _name, ...fromPlain } = plain;
    expect(fromPlain).toEqual(fromSam);
    expect(fn.Tags).toEqual([{ Key: 'lambda:createdBy', Value: 'SAM' }]);
  });

  translatorTest('adds no role or policy of its own (the explicit least-privilege role is the only one)', () => {
    const output = translated?.output ?? {};
    const roles = Object.entries(asRecord(output.Resources, 'Resources')).filter(([, r]) => asRecord(r, 'r').Type === 'AWS::IAM::Role');
    expect(roles.map(([id]) => id)).toEqual(['RuleFunctionRole']);
    expect(at(output, 'Resources', 'RuleFunctionRole')).toEqual(at(loadTemplate('template.yaml'), 'Resources', 'RuleFunctionRole'));
  });

  translatorTest('reports errors, so the clean result above means something', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sam-translate-'));
    try {
      const broken = readFileSync(join(REPO_ROOT, 'template.yaml'), 'utf8').replace('        Type: SQS\n', '        Type: SNSX\n');
      const path = join(dir, 'template.yaml');
      writeFileSync(path, broken);
      const result = translate(path);
      expect(result.status).toBe(1);
      expect(result.errors).toMatch(/DeadLetterQueue/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
