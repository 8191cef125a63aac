import { EnvironmentError } from '../../src/core/errors';
import { ecsShareOf } from '../../src/aws/account-clients';
import { readExceptionSettings, readSettings } from '../../src/env';

describe('settings from the environment', () => {
  it('has defaults', () => {
    expect(readSettings({})).toEqual({ maxAttempts: 10, ecsConcurrency: 10, ecsRateShare: 1, concurrency: 1, refreshHours: 24 });
  });

  it('reads overrides', () => {
    expect(readSettings({ RULE_MAX_ATTEMPTS: '3', RULE_ECS_CONCURRENCY: '4', RULE_ECS_RATE_SHARE: '0.5', RULE_REFRESH_HOURS: '0', RULE_CONCURRENCY: '2' })).toEqual({
      maxAttempts: 3,
      ecsConcurrency: 4,
      ecsRateShare: 0.5,
      concurrency: 2,
      refreshHours: 0,
    });
  });

  it.each([
    ['RULE_MAX_ATTEMPTS', 'ten'],
    ['RULE_MAX_ATTEMPTS', '0'],
    ['RULE_ECS_CONCURRENCY', '2.5'],
    ['RULE_ECS_RATE_SHARE', '1.5'],
    ['RULE_REFRESH_HOURS', '-1'],
    ['RULE_CONCURRENCY', '0'],
    ['RULE_REFRESH_HOURS', '721'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => readSettings({ [name]: value })).toThrow(EnvironmentError);
    expect(() => readSettings({ [name]: value })).toThrow(name);
  });
});

describe('pacing across execution environments', () => {
  it('splits the rate share among the concurrent environments the function may run', () => {
    expect(ecsShareOf(readSettings({ RULE_ECS_RATE_SHARE: '0.6', RULE_CONCURRENCY: '3' }))).toBeCloseTo(0.2, 10);
    expect(ecsShareOf(readSettings({}))).toBe(1);
  });
});

describe('exception settings from the environment', () => {
  it('default to a 14-day warning and a 365-day maximum', () => {
    expect(readExceptionSettings({})).toEqual({ warnDays: 14, maxDays: 365 });
  });

  it('read RULE_EXCEPTIONS_WARN_DAYS (0 warns on the last day only) and RULE_EXCEPTIONS_MAX_DAYS', () => {
    expect(readExceptionSettings({ RULE_EXCEPTIONS_WARN_DAYS: '0', RULE_EXCEPTIONS_MAX_DAYS: '730' })).toEqual({ warnDays: 0, maxDays: 730 });
  });

  it.each([
    ['RULE_EXCEPTIONS_WARN_DAYS', '-1'],
    ['RULE_EXCEPTIONS_WARN_DAYS', '91'],
    ['RULE_EXCEPTIONS_MAX_DAYS', '0'],
    ['RULE_EXCEPTIONS_MAX_DAYS', '1.5'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => readExceptionSettings({ [name]: value })).toThrow(EnvironmentError);
    expect(() => readExceptionSettings({ [name]: value })).toThrow(name);
  });
});
