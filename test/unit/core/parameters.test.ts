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

  describe('ExceptionsS3Uri', () => {
    it('reads an s3://bucket/key URI, alone or with ExecutionRoleName', () => {
      expect(parseRuleParameters('{"ExceptionsS3Uri":"s3://sec-exceptions/ecs/pidmode.json"}')).toEqual({
        exceptionsS3Uri: 's3://sec-exceptions/ecs/pidmode.json',
      });
      expect(parseRuleParameters('{"ExecutionRoleName":"audit","ExceptionsS3Uri":"s3://sec-exceptions/x.json"}')).toEqual({
        executionRoleName: 'audit',
        exceptionsS3Uri: 's3://sec-exceptions/x.json',
      });
    });

    it('treats an empty ExceptionsS3Uri (unset conformance pack parameter) as not set', () => {
      expect(parseRuleParameters('{"ExceptionsS3Uri":"","ExecutionRoleName":""}')).toEqual({});
    });

    it.each<[string, unknown, RegExp]>([
      ['a number', 5, /ExceptionsS3Uri must be a string/],
      ['an https URL', 'https://sec-exceptions.s3.amazonaws.com/x.json', /ExceptionsS3Uri must start with s3:\/\//],
      ['a bucket without a key', 's3://sec-exceptions', /must name an object/],
      ['a prefix', 's3://sec-exceptions/ecs/', /must name an object, not a bucket or a prefix/],
      ['an upper-case bucket', 's3://Sec-Exceptions/x.json', /bucket must be 3-63 lowercase/],
      ['a key with a space', 's3://sec-exceptions/my file.json', /no spaces/],
    ])('rejects %s, naming the parameter', (_label, value, message) => {
      const raw = JSON.stringify({ ExceptionsS3Uri: value });
      expect(() => parseRuleParameters(raw)).toThrow(InvalidRuleParametersError);
      expect(() => parseRuleParameters(raw)).toThrow(message);
    });
  });
});
