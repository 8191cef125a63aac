import { InvalidEventError, InvalidRuleParametersError } from '../../../src/core/errors';
import { parseEvent } from '../../../src/core/event';
import { loadEvent, withInvokingEvent } from '../../helpers/fixtures';

/** The fixtures' notifications were created at 2026-11-28T12:00Z: "now" for the clock-skew rules. */
const NOW = Date.parse('2026-11-28T12:00:00.000Z');

describe('parseEvent', () => {
  it('reads a change notification with its item', () => {
    const parsed = parseEvent(loadEvent('change-host-running'));
    expect(parsed.messageType).toBe('ConfigurationItemChangeNotification');
    expect(parsed.rule).toMatchObject({ configRuleName: 'ecs-task-definition-pid-mode-in-use', accountId: '111111111111', partition: 'aws', region: 'us-east-1', testMode: false });
    expect(parsed.trigger).toMatchObject({ kind: 'change', item: { resourceId: 'web-host', status: 'OK', resourceType: 'AWS::ECS::TaskDefinition' } });
    if (parsed.trigger.kind !== 'change') throw new Error('unreachable');
    expect(parsed.trigger.item.captureTime.toISOString()).toBe('2026-11-28T10:15:30.123Z');
  });

  it('reads an oversized notification from its summary', () => {
    const parsed = parseEvent(loadEvent('oversized-host'));
    expect(parsed.trigger).toMatchObject({ kind: 'oversized', item: { resourceId: 'big-host:9' } });
  });

  it('reads a scheduled notification', () => {
    const parsed = parseEvent(loadEvent('scheduled'));
    expect(parsed.trigger.kind).toBe('scheduled');
    if (parsed.trigger.kind === 'scheduled') expect(parsed.trigger.notificationCreationTime.toISOString()).toBe('2026-11-28T12:00:00.000Z');
  });

  it('treats resultToken TESTMODE as test mode', () => {
    expect(parseEvent(loadEvent('scheduled-testmode')).rule.testMode).toBe(true);
  });

  it('reads ExecutionRoleName from ruleParameters', () => {
    expect(parseEvent(loadEvent('scheduled-cross-account')).parameters).toEqual({ executionRoleName: 'EcsPidModeRuleExecution' });
  });

  it('takes partition and Region from configRuleArn', () => {
    const event = { ...loadEvent('scheduled'), configRuleArn: 'arn:aws-us-gov:config:us-gov-west-1:111111111111:config-rule/config-rule-x' };
    expect(parseEvent(event).rule).toMatchObject({ partition: 'aws-us-gov', region: 'us-gov-west-1' });
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', 'hello', /event is missing or not an object/],
    ['invokingEvent not JSON', { ...loadEvent('scheduled'), invokingEvent: '{nope' }, /invokingEvent is not valid JSON/],
    ['invokingEvent as an object', { ...loadEvent('scheduled'), invokingEvent: {} }, /invokingEvent must be a JSON string/],
    ['unknown messageType', withInvokingEvent('scheduled', (i) => (i.messageType = 'SomethingElse')), /unknown invokingEvent.messageType "SomethingElse"/],
    ['missing configurationItem', withInvokingEvent('change-host-running', (i) => delete i.configurationItem), /configurationItem is missing/],
    ['missing resourceId', withInvokingEvent('change-host-running', (i) => delete i.configurationItem.resourceId), /resourceId is missing/],
    ['bad capture time', withInvokingEvent('change-host-running', (i) => (i.configurationItem.configurationItemCaptureTime = 'yesterday')), /configurationItemCaptureTime is not an ISO 8601 time/],
    ['a capture time Date would roll over', withInvokingEvent('change-host-running', (i) => (i.configurationItem.configurationItemCaptureTime = '2026-02-31T10:00:00Z')), /not an ISO 8601 time/],
    ['a capture time without a zone', withInvokingEvent('change-host-running', (i) => (i.configurationItem.configurationItemCaptureTime = '2026-11-28T10:15:30')), /not an ISO 8601 time/],
    ['a bare epoch notification time', withInvokingEvent('scheduled', (i) => (i.notificationCreationTime = '1732795200')), /notificationCreationTime is not an ISO 8601 time/],
    ['a capture time an hour ahead', withInvokingEvent('change-host-running', (i) => (i.configurationItem.configurationItemCaptureTime = '2026-11-28T13:00:00Z')), /configurationItemCaptureTime "2026-11-28T13:00:00Z" is more than 15 minutes in the future/],
    ['a notification time far ahead', withInvokingEvent('scheduled', (i) => (i.notificationCreationTime = '2099-01-01T00:00:00.000Z')), /notificationCreationTime .* is more than 15 minutes in the future/],
    ['a lower-case status', withInvokingEvent('change-host-running', (i) => (i.configurationItem.configurationItemStatus = 'resourcedeleted')), /configurationItemStatus "resourcedeleted" is not one of OK, ResourceDiscovered, ResourceNotRecorded, ResourceDeleted, ResourceDeletedNotRecorded/],
    ['a padded status', withInvokingEvent('change-host-running', (i) => (i.configurationItem.configurationItemStatus = ' ResourceDeleted')), /configurationItemStatus " ResourceDeleted" is not one of/],
    ['a whitespace resourceId', withInvokingEvent('change-host-running', (i) => (i.configurationItem.resourceId = '   ')), /resourceId must be 1-768 characters/],
    ['a padded resourceId', withInvokingEvent('change-host-running', (i) => (i.configurationItem.resourceId = 'web-host ')), /resourceId must be 1-768 characters/],
    ['a resourceId with a control character', withInvokingEvent('change-host-running', (i) => (i.configurationItem.resourceId = 'web\u0000host')), /resourceId must be .* \(got "web\\u0000host"\)/],
    ['a resourceId over 768 characters', withInvokingEvent('oversized-host', (i) => (i.configurationItemSummary.resourceId = 'x'.repeat(800))), /configurationItemSummary.resourceId must be 1-768/],
    ['missing resultToken', { ...loadEvent('scheduled'), resultToken: '' }, /resultToken/],
    ['bad accountId', { ...loadEvent('scheduled'), accountId: '12' }, /12-digit/],
    ['bad configRuleArn', { ...loadEvent('scheduled'), configRuleArn: 'arn:aws:s3:::bucket' }, /not a Config rule ARN/],
    ['non-boolean eventLeftScope', { ...loadEvent('scheduled'), eventLeftScope: 'yes' }, /eventLeftScope/],
  ])('rejects %s with InvalidEventError', (_label, event, message) => {
    expect(() => parseEvent(event, NOW)).toThrow(InvalidEventError);
    expect(() => parseEvent(event, NOW)).toThrow(message);
  });

  it('quotes at most a capped part of a huge identifier in its message', () => {
    const event = withInvokingEvent('change-host-running', (i) => (i.configurationItem.resourceId = ' '.repeat(1_000_000) + 'x'));
    let message = '';
    try {
      parseEvent(event, NOW);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/\(1000001 characters\)/);
    expect(message.length).toBeLessThan(400);
  });

  it('accepts a time with a zone offset and a few minutes of clock skew', () => {
    const event = withInvokingEvent('change-host-running', (i) => (i.configurationItem.configurationItemCaptureTime = '2026-11-28T13:10:00+01:00'));
    if (parseEvent(event, NOW).trigger.kind !== 'change') throw new Error('unreachable');
    const ahead = withInvokingEvent('scheduled', (i) => (i.notificationCreationTime = '2026-11-28T12:14:00.000Z'));
    expect(() => parseEvent(ahead, NOW)).not.toThrow();
  });

  it('rejects malformed rule parameters with InvalidRuleParametersError', () => {
    expect(() => parseEvent({ ...loadEvent('scheduled'), ruleParameters: '{"Foo":1}' })).toThrow(InvalidRuleParametersError);
  });
});
