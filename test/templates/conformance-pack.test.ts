// conformance-pack.yaml: Config's own limits on pack templates, and parity with the SAM rule.
import { Buffer } from 'node:buffer';
import { asRecord, at, findMappings, intrinsicKeys, loadTemplate, properties, readRepoFile, resource, resources } from './helpers/cfn';
import { ruleShape } from './helpers/rule';

// https://docs.aws.amazon.com/config/latest/APIReference/API_PutConformancePack.html (TemplateBody)
const TEMPLATE_BODY_MAX_BYTES = 51_200;
// Conformance packs hold only rules and remediations (DESIGN.md section 3).
const PACK_RESOURCE_TYPES = new Set(['AWS::Config::ConfigRule', 'AWS::Config::RemediationConfiguration']);
// The intrinsics AWS's own sample packs use; anything else is not known to work in a pack.
const PACK_INTRINSICS = new Set(['Ref', 'Fn::If', 'Fn::Not', 'Fn::Equals']);

const packText = readRepoFile('conformance-pack.yaml');
const pack = loadTemplate('conformance-pack.yaml');
const packRule = properties(resource(pack, 'EcsPidModeHostInUse', 'AWS::Config::ConfigRule'), 'EcsPidModeHostInUse');
const samTemplate = loadTemplate('template.yaml');
const samRule = properties(resource(samTemplate, 'PidModeConfigRule', 'AWS::Config::ConfigRule'), 'PidModeConfigRule');

describe('conformance-pack.yaml', () => {
  it(`fits a TemplateBody (under ${TEMPLATE_BODY_MAX_BYTES} bytes)`, () => {
    expect(Buffer.byteLength(packText, 'utf8')).toBeLessThan(TEMPLATE_BODY_MAX_BYTES);
  });

  it('holds only Config rules and remediation configurations', () => {
    const types = Object.values(resources(pack)).map((res) => asRecord(res, 'resource').Type);
    expect(types.length).toBeGreaterThan(0);
    for (const type of types) expect(PACK_RESOURCE_TYPES).toContain(type);
  });

  it('uses only long-form Ref, Fn::If, Fn::Not and Fn::Equals, and no short-form tags', () => {
    for (const key of intrinsicKeys(pack)) expect(PACK_INTRINSICS).toContain(key);
    const tagged = packText.split('\n').filter((line) => /^[^#]*(^|[\s:[,-])!\w/.test(line));
    expect(tagged).toEqual([]);
  });

  it('refers only to its own parameters and AWS::NoValue', () => {
    const parameters = Object.keys(asRecord(pack.Parameters, 'Parameters'));
    const refs = findMappings(pack, (mapping) => typeof mapping.Ref === 'string').map((mapping) => String(mapping.Ref));
    for (const ref of refs) expect([...parameters, 'AWS::NoValue']).toContain(ref);
  });

  it('takes the Lambda ARN, the frequency and ExecutionRoleName as parameters with the SAM defaults', () => {
    expect(at(pack, 'Parameters', 'RuleFunctionArn')).toEqual({ Type: 'String' });
    expect(at(packRule, 'Source', 'SourceIdentifier')).toEqual({ Ref: 'RuleFunctionArn' });
    expect(at(pack, 'Parameters', 'MaximumExecutionFrequency', 'Default')).toBe(
      at(samTemplate, 'Parameters', 'MaximumExecutionFrequency', 'Default'),
    );
    expect(at(pack, 'Parameters', 'ExecutionRoleName', 'Default')).toBe('');
    expect(at(pack, 'Conditions', 'HasExecutionRoleName')).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'ExecutionRoleName' }] }],
    });
  });

  it('has the same name, owner, triggers, scope and parameters as the single-account rule', () => {
    expect(ruleShape(packRule)).toEqual(ruleShape(samRule));
  });
});
