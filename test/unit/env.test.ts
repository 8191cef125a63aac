import { EnvironmentError } from '../../src/core/errors';
import { readSettings } from '../../src/env';

describe('settings from the environment', () => {
  it('has defaults', () => {
    expect(readSettings({})).toEqual({ maxAttempts: 10, ecsConcurrency: 10, ecsRateShare: 1, refreshHours: 24 });
  });

  it('reads overrides', () => {
    expect(readSettings({ RULE_MAX_ATTEMPTS: '3', RULE_ECS_CONCURRENCY: '4', RULE_ECS_RATE_SHARE: '0.5', RULE_REFRESH_HOURS: '0' })).toEqual({
      maxAttempts: 3,
      ecsConcurrency: 4,
      ecsRateShare: 0.5,
      refreshHours: 0,
    });
  });

  it.each([
    ['RULE_MAX_ATTEMPTS', 'ten'],
    ['RULE_MAX_ATTEMPTS', '0'],
    ['RULE_ECS_CONCURRENCY', '2.5'],
    ['RULE_ECS_RATE_SHARE', '1.5'],
    ['RULE_REFRESH_HOURS', '-1'],
    ['RULE_REFRESH_HOURS', '721'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => readSettings({ [name]: value })).toThrow(EnvironmentError);
    expect(() => readSettings({ [name]: value })).toThrow(name);
  });
});
