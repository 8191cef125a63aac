// Parses the event AWS Config sends a custom Lambda rule into a discriminated union.
// @types/aws-lambda has no type for it; shapes per DESIGN section 3 and
// https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html
import { InvalidEventError, quote } from './errors';
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

/** configurationItemStatus values Config documents; anything else is refused, compared exactly. */
export const ITEM_STATUSES: ReadonlySet<string> = new Set([
  'OK',
  'ResourceDiscovered',
  'ResourceNotRecorded',
  'ResourceDeleted',
  'ResourceDeletedNotRecorded',
]);

/**
 * How far in the future a capture or notification time may be. Config keeps the result with the
 * latest OrderingTimestamp, so a far-future one would lock in a verdict no later run could replace.
 */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

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

/** @param now epoch ms, to refuse times too far in the future */
export function parseEvent(raw: unknown, now: number = Date.now()): ParsedEvent {
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
  return { rule, parameters, messageType: messageType as MessageType, trigger: toTrigger(invokingEvent, now) };
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

function toTrigger(invoking: Record<string, unknown>, now: number): Trigger {
  const messageType = invoking.messageType;
  switch (messageType) {
    case MESSAGE_TYPE.change: {
      const item = asRecord(invoking.configurationItem, 'invokingEvent.configurationItem');
      return { kind: 'change', item: itemRef(item, 'invokingEvent.configurationItem', now), configuration: item.configuration };
    }
    case MESSAGE_TYPE.oversized: {
      const summary = asRecord(invoking.configurationItemSummary, 'invokingEvent.configurationItemSummary');
      return { kind: 'oversized', item: itemRef(summary, 'invokingEvent.configurationItemSummary', now) };
    }
    case MESSAGE_TYPE.scheduled:
      return { kind: 'scheduled', notificationCreationTime: requireTime(invoking, 'notificationCreationTime', 'invokingEvent', now) };
    default:
      throw new InvalidEventError(
        `unknown invokingEvent.messageType ${typeof messageType === 'string' ? quote(messageType, 80) : typeof messageType}; ` +
          `expected one of ${Object.values(MESSAGE_TYPE).join(', ')}`,
      );
  }
}

function itemRef(item: Record<string, unknown>, where: string, now: number): ItemRef {
  const arn = item.ARN;
  const status = requireString(item, 'configurationItemStatus', where);
  if (!ITEM_STATUSES.has(status)) {
    throw new InvalidEventError(`${where}.configurationItemStatus ${quote(status, 40)} is not one of ${[...ITEM_STATUSES].join(', ')}`);
  }
  return {
    resourceType: requireString(item, 'resourceType', where),
    resourceId: requireResourceId(item, where),
    status,
    captureTime: requireTime(item, 'configurationItemCaptureTime', where, now),
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

// PutEvaluations' ComplianceResourceId: 1-768 characters (Config API reference).
const RESOURCE_ID_MAX = 768;

/** The resource ID becomes ComplianceResourceId: blank, padded or control characters mean a broken item. */
function requireResourceId(record: Record<string, unknown>, where: string): string {
  const id = requireString(record, 'resourceId', where);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (id.trim() === '' || id.trim() !== id || /[\u0000-\u001f\u007f-\u009f]/.test(id) || id.length > RESOURCE_ID_MAX) {
    throw new InvalidEventError(
      `${where}.resourceId must be 1-${RESOURCE_ID_MAX} characters without surrounding whitespace or control characters (got ${quote(id)})`,
    );
  }
  return id;
}

// ISO 8601 date and time with seconds and a zone, as Config writes them ("2026-11-28T10:15:30.123Z").
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function requireTime(record: Record<string, unknown>, key: string, where: string, now: number): Date {
  const text = requireString(record, key, where);
  const time = new Date(text);
  // Date accepts "2026-02-31T00:00:00Z" (rolls over to March): the round trip of the date part catches it.
  if (!ISO_8601.test(text) || Number.isNaN(time.getTime()) || !sameCalendarDate(text, time)) {
    throw new InvalidEventError(`${where}.${key} is not an ISO 8601 time (got ${quote(text, 40)})`);
  }
  if (time.getTime() > now + MAX_CLOCK_SKEW_MS) {
    throw new InvalidEventError(`${where}.${key} ${quote(text, 40)} is more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes in the future`);
  }
  return time;
}

function sameCalendarDate(text: string, time: Date): boolean {
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
  const offsetMs = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
  return new Date(time.getTime() + offsetMs).toISOString().slice(0, 10) === text.slice(0, 10);
}
