// SARIF output is validated against the SARIF 2.1.0 JSON schema (draft-04, test/fixtures/sarif),
// plus the few points where the OASIS errata01 schema is stricter than that copy (see its README).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { renderReport } from '../../src/cli/check';
import { checkFixtures, FIXTURES } from './helpers';

const schema = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
// unicodeRegExp off: rtm.5's `language` pattern has a stray "]" that is only legal without the u flag
// (errata01 fixes the pattern; our logs do not set language).
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const EVERY_FIXTURE = [
  'cfn-short-form.yaml',
  'cfn-template.json',
  'cfn-container-pidmode.yaml',
  'sam-template.yaml',
  'cdk.out',
  'terraform-plan-host.json',
  'terraform-plan-unknown.json',
  'register-task-definition.json',
  'describe-task-definition.json',
  'unparsable.yaml',
];

function sarifOf(...names: string[]): any {
  return JSON.parse(renderReport(checkFixtures(...names), 'sarif'));
}

describe('check --format sarif', () => {
  const log = sarifOf(...EVERY_FIXTURE);
  const run = log.runs[0];

  it('is valid against the SARIF 2.1.0 schema', () => {
    validate(log);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('is also valid where the OASIS standard schema is stricter: every region starts at a line', () => {
    for (const result of run.results) {
      expect(result.locations[0].physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    }
  });

  it('is checked by a validator that does reject invalid SARIF (a result level of "fatal")', () => {
    const broken = structuredClone(log);
    broken.runs[0].results[0].level = 'fatal';
    expect(validate(broken)).toBe(false);
  });

  it('a log without findings or problems is valid too', () => {
    const clean = sarifOf('cdk.out/assembly-Prod/ProdApiStack.template.json');
    validate(clean);
    expect(validate.errors ?? []).toEqual([]);
    expect(clean.runs[0].results).toEqual([]);
  });

  it('describes the tool and its three rules with stable ids', () => {
    expect(log.version).toBe('2.1.0');
    expect(run.tool.driver.name).toBe('ecs-pidmode');
    expect(run.tool.driver.rules.map((rule: any) => [rule.id, rule.defaultConfiguration.level])).toEqual([
      ['ECSPID001', 'error'],
      ['ECSPID002', 'warning'],
      ['ECSPID003', 'warning'],
    ]);
  });

  it('locates each result at the file (relative to the working directory) and line of the pidMode key', () => {
    const result = run.results.find((r: any) => r.message.text.startsWith('DebugTask:'));
    expect(result).toMatchObject({
      ruleId: 'ECSPID001',
      ruleIndex: 0,
      level: 'error',
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: `${FIXTURES}/cfn-short-form.yaml` }, region: { startLine: 32, startColumn: 7 } },
          logicalLocations: [{ fullyQualifiedName: 'DebugTask', kind: 'resource' }],
        },
      ],
    });
  });

  it('reports warnings as level warning under their own rules', () => {
    const byRule = (id: string) => run.results.filter((r: any) => r.ruleId === id).map((r: any) => r.level);
    expect(new Set(byRule('ECSPID002'))).toEqual(new Set(['warning']));
    expect(new Set(byRule('ECSPID003'))).toEqual(new Set(['warning']));
  });

  it('reports a file it could not parse as a failed execution with an error notification', () => {
    expect(run.invocations[0]).toMatchObject({
      executionSuccessful: false,
      exitCode: 2,
      toolExecutionNotifications: [
        {
          level: 'error',
          message: { text: expect.stringContaining(`Could not check ${FIXTURES}/unparsable.yaml: line 6`) },
          locations: [{ physicalLocation: { artifactLocation: { uri: `${FIXTURES}/unparsable.yaml` } } }],
        },
      ],
    });
  });
});
