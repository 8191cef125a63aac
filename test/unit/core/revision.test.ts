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

  it('falls back to the item ARN when the configuration omits it', () => {
    expect(revisionFacts({ Family: 'web' }, tdArn('web', 3), 'web').taskDefinitionArn).toBe(tdArn('web', 3));
  });

  it('rejects an item without configuration or ARN', () => {
    expect(() => revisionFacts(null, tdArn('web', 1), 'web')).toThrow(/no configuration object/);
    expect(() => revisionFacts({ PidMode: 'host' }, undefined, 'web')).toThrow(/no task definition ARN/);
  });

  it('takes the family from a revision ARN', () => {
    expect(familyOf(tdArn('my-family_2', 12))).toBe('my-family_2');
  });
});
