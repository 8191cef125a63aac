import { InvalidEventError, InvalidRuleParametersError } from '../../../src/core/errors';
import { parseEvent } from '../../../src/core/event';
import { loadEvent, withInvokingEvent } from '../../helpers/fixtures';

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
    ['bad capture time', withInvokingEvent('change-host-running', (i) => (i.configurationItem.configurationItemCaptureTime = 'yesterday')), /not a timestamp/],
    ['missing resultToken', { ...loadEvent('scheduled'), resultToken: '' }, /resultToken/],
    ['bad accountId', { ...loadEvent('scheduled'), accountId: '12' }, /12-digit/],
    ['bad configRuleArn', { ...loadEvent('scheduled'), configRuleArn: 'arn:aws:s3:::bucket' }, /not a Config rule ARN/],
    ['non-boolean eventLeftScope', { ...loadEvent('scheduled'), eventLeftScope: 'yes' }, /eventLeftScope/],
  ])('rejects %s with InvalidEventError', (_label, event, message) => {
    expect(() => parseEvent(event)).toThrow(InvalidEventError);
    expect(() => parseEvent(event)).toThrow(message);
  });

  it('rejects malformed rule parameters with InvalidRuleParametersError', () => {
    expect(() => parseEvent({ ...loadEvent('scheduled'), ruleParameters: '{"Foo":1}' })).toThrow(InvalidRuleParametersError);
  });
});
