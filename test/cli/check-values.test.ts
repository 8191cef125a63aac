// How `check` reads CloudFormation PidMode values that are not plain strings.
import { checkSource } from '../../src/check/check-source';

function findingsFor(pidMode: string, extra = ''): Array<{ rule: string; message: string }> {
  const template = [
    extra,
    'Resources:',
    '  Task:',
    '    Type: AWS::ECS::TaskDefinition',
    '    Properties:',
    `      PidMode: ${pidMode}`,
    '      ContainerDefinitions: []',
  ].join('\n');
  return checkSource(template).findings.map(({ rule, message }) => ({ rule, message }));
}

describe('check: CloudFormation PidMode values', () => {
  it.each([
    ['!Sub host', 'host'],
    ['!Sub "${!Literal}"', 'unresolved'],
    ['!If [Cond, task, !Ref AWS::NoValue]', undefined],
    ['!If [Cond, HOST, host]', 'host'],
    ['!GetAtt Other.PidMode', 'unresolved'],
    ['!ImportValue shared-pid-mode', 'unresolved'],
    ['"{{resolve:ssm:/ecs/pid-mode}}"', 'unresolved'],
    ['""', undefined],
    ['42', 'unresolved'],
  ])('PidMode: %s reads as %s', (value, rule) => {
    expect(findingsFor(value)[0]?.rule).toBe(rule);
  });

  it('names the condition when both branches of Fn::If are host', () => {
    expect(findingsFor('!If [Cond, HOST, host]')[0]?.message).toContain('PidMode is host whichever way condition "Cond" goes');
  });

  it('names the branch and the parameter when one branch of Fn::If comes from a parameter', () => {
    expect(findingsFor('!If [Cond, task, !Ref Mode]', 'Parameters:\n  Mode: {Type: String}')[0]?.message).toBe(
      'PidMode (when condition "Cond" is false) comes from parameter Mode: its value is not known until deploy',
    );
  });

  it('reads Fn::Sub "${Name}" like Ref Name', () => {
    expect(findingsFor('!Sub "${Mode}"', 'Parameters:\n  Mode: {Type: String, AllowedValues: [task]}')).toEqual([]);
  });

  it('says that an SSM parameter is resolved at deploy', () => {
    expect(findingsFor('!Ref Mode', "Parameters:\n  Mode: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /ecs/pid}")[0]?.message).toBe(
      'PidMode comes from parameter Mode, read from SSM Parameter Store at deploy',
    );
  });

  it('looks up Fn::FindInMap with literal keys', () => {
    expect(findingsFor('!FindInMap [Modes, prod, pid]', 'Mappings:\n  Modes:\n    prod: {pid: host}')[0]?.message).toBe(
      "PidMode is host (from mapping Modes.prod.pid): containers share the host's process namespace",
    );
  });

  it('checks task definitions inside Fn::ForEach', () => {
    const template = [
      'Transform: AWS::LanguageExtensions',
      'Resources:',
      '  Fn::ForEach::Agents:',
      '    - Name',
      '    - [A, B]',
      '    - Agent${Name}:',
      '        Type: AWS::ECS::TaskDefinition',
      '        Properties:',
      '          PidMode: host',
    ].join('\n');
    expect(checkSource(template).findings).toEqual([
      expect.objectContaining({ rule: 'host', resource: 'Agent${Name}', position: { line: 9, column: 11 } }),
    ]);
  });
});
