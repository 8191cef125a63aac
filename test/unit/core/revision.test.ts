import { InvalidConfigurationItemError } from '../../../src/core/errors';
import { familyOf, parsePidMode, revisionFacts } from '../../../src/core/revision';
import { tdArn } from '../../helpers/fixtures';

describe('revision facts', () => {
  it.each<[unknown, string]>([
    ['host', 'host'],
    ['HOST', 'host'],
    ['task', 'task'],
    [undefined, 'unset'],
    [null, 'unset'],
    ['', 'unset'],
  ])('reads pidMode %j as %s', (value, expected) => {
    expect(parsePidMode(value, 'x')).toBe(expected);
  });

  it.each([['container'], [5], [{}]])('refuses to guess on pidMode %j', (value) => {
    expect(() => parsePidMode(value, 'web:1')).toThrow(InvalidConfigurationItemError);
  });

  it('reads a Config item (PascalCase) and an ECS task definition (camelCase) alike', () => {
    const arn = tdArn('web', 3);
    expect(revisionFacts({ TaskDefinitionArn: arn, PidMode: 'host' }, undefined, 'web')).toEqual({ taskDefinitionArn: arn, pidMode: 'host' });
    expect(revisionFacts({ taskDefinitionArn: arn, pidMode: 'task' }, undefined, 'web')).toEqual({ taskDefinitionArn: arn, pidMode: 'task' });
  });

  it('accepts an item whose ARN names the same revision as its configuration', () => {
    expect(revisionFacts({ TaskDefinitionArn: tdArn('web', 3), PidMode: 'host' }, tdArn('web', 3), 'web')).toEqual({ taskDefinitionArn: tdArn('web', 3), pidMode: 'host' });
  });

  it.each<[string, unknown]>([
    ['absent', undefined],
    ['null', null],
    ['an empty object', {}],
    ['an array', []],
  ])('never reads a configuration that is %s as "pidMode unset"', (_label, configuration) => {
    expect(() => revisionFacts(configuration, tdArn('web', 1), 'web')).toThrow(InvalidConfigurationItemError);
    expect(() => revisionFacts(configuration, tdArn('web', 1), 'web')).toThrow('Configuration item "web" has no configuration');
  });

  it('refuses a configuration without its own task definition ARN rather than borrow the item ARN', () => {
    expect(() => revisionFacts({ Family: 'web' }, tdArn('web', 3), 'web')).toThrow(/no task definition ARN/);
    expect(() => revisionFacts({ PidMode: 'host' }, undefined, 'web')).toThrow(/no task definition ARN/);
  });

  it('refuses an item whose ARN and configuration name different revisions', () => {
    expect(() => revisionFacts({ TaskDefinitionArn: tdArn('web', 4) }, tdArn('web', 3), 'web')).toThrow(/names two revisions/);
  });

  it('takes the family from a revision ARN', () => {
    expect(familyOf(tdArn('my-family_2', 12))).toBe('my-family_2');
  });
});
