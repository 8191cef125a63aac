import { InvalidRuleParametersError } from '../../../src/core/errors';
import { parseRuleParameters } from '../../../src/core/parameters';

describe('rule parameters', () => {
  it.each([undefined, null, '', '{}'])('treats %j as no parameters', (raw) => {
    expect(parseRuleParameters(raw)).toEqual({});
  });

  it('reads ExecutionRoleName', () => {
    expect(parseRuleParameters('{"ExecutionRoleName":"Audit-Role_1"}')).toEqual({ executionRoleName: 'Audit-Role_1' });
  });

  it('treats an empty ExecutionRoleName (unset conformance pack parameter) as not set', () => {
    expect(parseRuleParameters('{"ExecutionRoleName":""}')).toEqual({});
  });

  it.each<[string, unknown, RegExp]>([
    ['not JSON', '{x', /not valid JSON/],
    ['an array', '[1]', /must be a JSON object/],
    ['a number', 5, /must be a JSON string/],
    ['an unknown name', '{"ExecutionRole":"x"}', /unknown rule parameter\(s\) ExecutionRole; known parameters: ExecutionRoleName/],
    ['a non-string role', '{"ExecutionRoleName":5}', /must be an IAM role name/],
    ['a role name with a slash', '{"ExecutionRoleName":"path/role"}', /must be an IAM role name/],
    ['a role name over 64 characters', JSON.stringify({ ExecutionRoleName: 'r'.repeat(65) }), /must be an IAM role name/],
  ])('rejects %s, naming the known parameters', (_label, raw, message) => {
    expect(() => parseRuleParameters(raw)).toThrow(InvalidRuleParametersError);
    expect(() => parseRuleParameters(raw)).toThrow(message);
    expect(() => parseRuleParameters(raw)).toThrow(/known parameters: ExecutionRoleName/);
  });
});
