// conformance-pack.yaml: Config's own limits on pack templates, and parity with the SAM rule.
import { Buffer } from 'node:buffer';
import { asRecord, at, findMappings, intrinsicKeys, loadTemplate, properties, readRepoFile, resource, resources } from './helpers/cfn';
import { ruleShape } from './helpers/rule';

// https://docs.aws.amazon.com/config/latest/APIReference/API_PutConformancePack.html (TemplateBody)
const TEMPLATE_BODY_MAX_BYTES = 51_200;
// Conformance packs hold only rules and remediations (DESIGN.md section 3).
const PACK_RESOURCE_TYPES = new Set(['AWS::Config::ConfigRule', 'AWS::Config::RemediationConfiguration']);
// The intrinsics AWS's own sample packs use (awslabs/aws-config-rules, aws-config-conformance-packs/),
// plus Fn::Join, a core CloudFormation function resolved by the stack Config deploys the pack as
// (conformance-pack.yaml header). Nothing that needs a transform or another stack.
const PACK_INTRINSICS = new Set(['Ref', 'Fn::If', 'Fn::Not', 'Fn::Equals', 'Fn::Join']);
const PSEUDO_PARAMETERS = ['AWS::Partition', 'AWS::Region', 'AWS::AccountId', 'AWS::NoValue'];

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

  it('uses only long-form Ref, Fn::If, Fn::Not, Fn::Equals and Fn::Join, and no short-form tags', () => {
    for (const key of intrinsicKeys(pack)) expect(PACK_INTRINSICS).toContain(key);
    const tagged = packText.split('\n').filter((line) => /^[^#]*(^|[\s:[,-])!\w/.test(line));
    expect(tagged).toEqual([]);
  });

  it('refers only to its own parameters and pseudo parameters', () => {
    const parameters = Object.keys(asRecord(pack.Parameters, 'Parameters'));
    const refs = findMappings(pack, (mapping) => typeof mapping.Ref === 'string').map((mapping) => String(mapping.Ref));
    for (const ref of refs) expect([...parameters, ...PSEUDO_PARAMETERS]).toContain(ref);
  });

  it('has a default for every parameter, so the pack deploys with no input (the org path)', () => {
    const parameters = Object.values(asRecord(pack.Parameters, 'Parameters')).map((value) => asRecord(value, 'parameter'));
    for (const parameter of parameters) expect(parameter.Default).toEqual(expect.any(String));
    expect(parameters.length).toBeLessThanOrEqual(60); // PutConformancePack: at most 60 input parameters
  });

  it("invokes the function of the account and Region it is deployed to, named like the member template's", () => {
    const memberDefault = at(loadTemplate('deploy/org/member-account.yaml'), 'Parameters', 'FunctionName', 'Default');
    expect(at(pack, 'Parameters', 'RuleFunctionName')).toEqual({ Type: 'String', Default: memberDefault });
    expect(at(packRule, 'Source', 'SourceIdentifier')).toEqual({
      'Fn::If': [
        'HasCentralFunction',
        { Ref: 'CentralFunctionArn' },
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':lambda:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':function:', { Ref: 'RuleFunctionName' }],
          ],
        },
      ],
    });
    expect(at(pack, 'Parameters', 'CentralFunctionArn', 'Default')).toBe('');
    expect(at(pack, 'Conditions', 'HasCentralFunction')).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'CentralFunctionArn' }] }] });
  });

  it('names no account, Region or ARN of its own', () => {
    expect(packText).not.toMatch(/\b\d{12}\b/);
    expect(packText).not.toMatch(/arn:aws/);
    expect(packText).not.toMatch(/\b(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d\b/);
  });

  it('takes the frequency and ExecutionRoleName as parameters with the SAM defaults', () => {
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
