// samconfig.toml: parses, has the keys sam build/deploy need, and every parameter override names a
// template parameter with a value the template accepts.
import { parse } from 'smol-toml';
import { asRecord, asString, at, isRecord, loadTemplate, matchesAllowedPattern, readRepoFile } from './helpers/cfn';

const config = parse(readRepoFile('samconfig.toml'));
const template = loadTemplate('template.yaml');
const templateParameters = asRecord(template.Parameters, 'Parameters');
const memberRoleName = at(loadTemplate('deploy/member-role.yaml'), 'Parameters', 'ExecutionRoleName', 'Default');

/** "Key=Value Key2=a,b" as sam deploy reads it (unquoted values; values may contain commas). */
function overrides(environment: string): Record<string, string> {
  const text = asString(at(config, environment, 'deploy', 'parameters', 'parameter_overrides'), `${environment} parameter_overrides`);
  return Object.fromEntries(
    text.trim().split(/\s+/).map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`${environment}: "${pair}" is not Key=Value`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }),
  );
}

/** The template's own check of one parameter value (AllowedValues, AllowedPattern, Min/MaxValue). */
function violations(name: string, value: string): string[] {
  const param = templateParameters[name];
  if (!isRecord(param)) return [`${name} is not a template parameter`];
  const items = param.Type === 'CommaDelimitedList' ? value.split(',') : [value];
  const problems: string[] = [];
  for (const item of items) {
    if (Array.isArray(param.AllowedValues) && !param.AllowedValues.map(String).includes(item)) problems.push(`${name}=${item} not allowed`);
    if (typeof param.AllowedPattern === 'string' && !matchesAllowedPattern(param.AllowedPattern, item)) problems.push(`${name}=${item} fails pattern`);
    if (param.Type === 'Number') {
      const n = Number(item);
      if (Number.isNaN(n)) problems.push(`${name}=${item} is not a number`);
      if (typeof param.MinValue === 'number' && n < param.MinValue) problems.push(`${name}=${item} below MinValue`);
      if (typeof param.MaxValue === 'number' && n > param.MaxValue) problems.push(`${name}=${item} above MaxValue`);
    }
  }
  return problems;
}

describe('samconfig.toml', () => {
  it('is version 0.1 with cached, parallel builds', () => {
    expect(config.version).toBe(0.1);
    expect(at(config, 'default', 'build', 'parameters')).toEqual({ cached: true, parallel: true });
    expect(at(config, 'central', 'build', 'parameters')).toEqual({ cached: true, parallel: true });
  });

  it.each(['default', 'central'])('deploys the %s environment with a confirmed change set, a managed bucket and the needed capabilities', (env) => {
    const deploy = asRecord(at(config, env, 'deploy', 'parameters'), `${env}.deploy.parameters`);
    expect(deploy.stack_name).toEqual(expect.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,127}$/));
    expect(deploy.resolve_s3).toBe(true);
    expect(deploy.confirm_changeset).toBe(true);
    expect(asString(deploy.capabilities, 'capabilities').split(/\s+/).sort()).toEqual(['CAPABILITY_AUTO_EXPAND', 'CAPABILITY_IAM']);
  });

  it.each(['default', 'central'])('overrides only template parameters, with values the %s template accepts', (env) => {
    const problems = Object.entries(overrides(env)).flatMap(([name, value]) => violations(name, value));
    expect(problems).toEqual([]);
  });

  it('catches a parameter override the template would reject', () => {
    expect(violations('MaximumExecutionFrequency', 'Two_Hours')).not.toEqual([]);
    expect(violations('ExecutionRoleName', 'path/role')).not.toEqual([]);
    expect(violations('NoSuchParameter', 'x')).not.toEqual([]);
  });

  it('creates the Config rule in a single account', () => {
    expect(overrides('default').CreateConfigRule ?? at(templateParameters, 'CreateConfigRule', 'Default')).toBe('true');
    expect(overrides('default').ExecutionRoleName ?? '').toBe('');
  });

  it('deploys the central function without a rule, with the member role name', () => {
    const central = overrides('central');
    expect(central.CreateConfigRule).toBe('false');
    expect(central.ExecutionRoleName).toBe(memberRoleName);
    expect(at(config, 'central', 'deploy', 'parameters', 'stack_name')).not.toBe(at(config, 'default', 'deploy', 'parameters', 'stack_name'));
  });
});
