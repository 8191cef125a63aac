// Parses the event AWS Config sends a custom Lambda rule into a discriminated union.
// @types/aws-lambda has no type for it; shapes per DESIGN section 3 and
// https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html
import { InvalidEventError } from './errors';
import { parseRuleParameters, type RuleParameters } from './parameters';

/** The event as Lambda receives it. `invokingEvent` and `ruleParameters` are JSON strings. */
export interface ConfigRuleEvent {
  version?: string;
  invokingEvent: string;
  ruleParameters?: string;
  resultToken: string;
  eventLeftScope?: boolean;
  executionRoleArn?: string;
  configRuleArn: string;
  configRuleName: string;
  configRuleId?: string;
  accountId: string;
  evaluationMode?: string;
}

export const MESSAGE_TYPE = {
  change: 'ConfigurationItemChangeNotification',
  oversized: 'OversizedConfigurationItemChangeNotification',
  scheduled: 'ScheduledNotification',
} as const;
export type MessageType = (typeof MESSAGE_TYPE)[keyof typeof MESSAGE_TYPE];

/** Item statuses after which there is nothing to evaluate. */
export const GONE_STATUSES: ReadonlySet<string> = new Set([
  'ResourceDeleted',
  'ResourceDeletedNotRecorded',
  'ResourceNotRecorded',
]);

export interface ItemRef {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly status: string;
  readonly captureTime: Date;
  readonly arn?: string;
}

export type Trigger =
  | { readonly kind: 'change'; readonly item: ItemRef; readonly configuration: unknown }
  | { readonly kind: 'oversized'; readonly item: ItemRef }
  | { readonly kind: 'scheduled'; readonly notificationCreationTime: Date };

export interface RuleContext {
  readonly configRuleName: string;
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
  readonly resultToken: string;
  /** The rule development kit's convention: resultToken "TESTMODE" validates without storing. */
  readonly testMode: boolean;
  readonly eventLeftScope: boolean;
}

export interface ParsedEvent {
  readonly rule: RuleContext;
  readonly parameters: RuleParameters;
  readonly messageType: MessageType;
  readonly trigger: Trigger;
}

export function parseEvent(raw: unknown): ParsedEvent {
  const event = asRecord(raw, 'event');
  const configRuleName = requireString(event, 'configRuleName');
  const accountId = requireString(event, 'accountId');
  if (!/^\d{12}$/.test(accountId)) throw new InvalidEventError('accountId must be a 12-digit AWS account ID');
  const { partition, region } = parseRuleArn(requireString(event, 'configRuleArn'));
  const resultToken = requireString(event, 'resultToken');
  if (event.eventLeftScope !== undefined && typeof event.eventLeftScope !== 'boolean') {
    throw new InvalidEventError('eventLeftScope must be a boolean');
  }
  const parameters = parseRuleParameters(event.ruleParameters);

  const invokingEvent = parseInvokingEvent(event.invokingEvent);
  const messageType = invokingEvent.messageType;
  const rule: RuleContext = {
    configRuleName,
    accountId,
    partition,
    region,
    resultToken,
    testMode: resultToken === 'TESTMODE',
    eventLeftScope: event.eventLeftScope === true,
  };
  return { rule, parameters, messageType: messageType as MessageType, trigger: toTrigger(invokingEvent) };
}

function parseInvokingEvent(value: unknown): Record<string, unknown> {
  if (typeof value !== 'string') throw new InvalidEventError('invokingEvent must be a JSON string');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // Not chained: V8's SyntaxError quotes part of the input, which can hold configuration values.
    throw new InvalidEventError('invokingEvent is not valid JSON');
  }
  return asRecord(parsed, 'invokingEvent');
}

function toTrigger(invoking: Record<string, unknown>): Trigger {
  const messageType = invoking.messageType;
  switch (messageType) {
    case MESSAGE_TYPE.change: {
      const item = asRecord(invoking.configurationItem, 'invokingEvent.configurationItem');
      return { kind: 'change', item: itemRef(item, 'invokingEvent.configurationItem'), configuration: item.configuration };
    }
    case MESSAGE_TYPE.oversized: {
      const summary = asRecord(invoking.configurationItemSummary, 'invokingEvent.configurationItemSummary');
      return { kind: 'oversized', item: itemRef(summary, 'invokingEvent.configurationItemSummary') };
    }
    case MESSAGE_TYPE.scheduled:
      return { kind: 'scheduled', notificationCreationTime: requireTime(invoking, 'notificationCreationTime', 'invokingEvent') };
    default:
      throw new InvalidEventError(
        `unknown invokingEvent.messageType ${typeof messageType === 'string' ? JSON.stringify(messageType.slice(0, 80)) : typeof messageType}; ` +
          `expected one of ${Object.values(MESSAGE_TYPE).join(', ')}`,
      );
  }
}

function itemRef(item: Record<string, unknown>, where: string): ItemRef {
  const arn = item.ARN;
  return {
    resourceType: requireString(item, 'resourceType', where),
    resourceId: requireString(item, 'resourceId', where),
    status: requireString(item, 'configurationItemStatus', where),
    captureTime: requireTime(item, 'configurationItemCaptureTime', where),
    ...(typeof arn === 'string' && arn !== '' ? { arn } : {}),
  };
}

/** arn:<partition>:config:<region>:<account>:config-rule/<id> */
export function parseRuleArn(arn: string): { partition: string; region: string } {
  const match = /^arn:(aws[\w-]*):config:([a-z0-9-]+):\d{12}:config-rule\/.+$/.exec(arn);
  if (!match) throw new InvalidEventError('configRuleArn is not a Config rule ARN');
  return { partition: match[1] as string, region: match[2] as string };
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidEventError(`${where} is missing or not an object`);
  }
  return value as Record<string, unknown>;
}

function requireString(record: Record<string, unknown>, key: string, where = 'event'): string {
  const value = record[key];
  if (typeof value !== 'string' || value === '') throw new InvalidEventError(`${where}.${key} is missing or not a non-empty string`);
  return value;
}

function requireTime(record: Record<string, unknown>, key: string, where: string): Date {
  const text = requireString(record, key, where);
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new InvalidEventError(`${where}.${key} is not a timestamp`);
  return time;
}
