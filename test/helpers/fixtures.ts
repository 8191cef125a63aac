// Typed access to the event fixtures in test/fixtures/events (real Config shapes: invokingEvent is a JSON string).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigRuleEvent } from '../../src/core/event';
import { canonicalExceptionsJson, validateExceptionsDocument } from '../../src/core/exceptions';

export const EVENT_FIXTURES = [
  'change-host-running',
  'change-task-running',
  'change-unset-inactive-running',
  'change-host-not-running',
  'change-deleted',
  'change-not-recorded',
  'change-left-scope',
  'change-other-type',
  'oversized-host',
  'scheduled',
  'scheduled-cross-account',
  'scheduled-testmode',
] as const;
export type EventFixture = (typeof EVENT_FIXTURES)[number];

export function loadEvent(name: EventFixture): ConfigRuleEvent {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'events', `${name}.json`), 'utf8')) as ConfigRuleEvent;
}

/** The fixture with its invokingEvent changed through `edit` (parsed, edited, re-serialised). */
export function withInvokingEvent(name: EventFixture, edit: (invoking: Record<string, any>) => void): ConfigRuleEvent {
  const event = loadEvent(name);
  const invoking = JSON.parse(event.invokingEvent) as Record<string, any>;
  edit(invoking);
  return { ...event, invokingEvent: JSON.stringify(invoking) };
}

export const ACCOUNT = '111111111111';
export const MEMBER_ACCOUNT = '222222222222';
export const tdArn = (family: string, revision: number, account = ACCOUNT): string =>
  `arn:aws:ecs:us-east-1:${account}:task-definition/${family}:${revision}`;
export const clusterArn = (name: string, account = ACCOUNT): string => `arn:aws:ecs:us-east-1:${account}:cluster/${name}`;

/** The UTC calendar date `offsetDays` from `now`, as exceptions write it (YYYY-MM-DD). */
export function utcDay(offsetDays: number, now: Date = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offsetDays)).toISOString().slice(0, 10);
}

/**
 * An exceptions fixture (test/fixtures/exceptions/<name>.json) whose entries give `expiresInDays`
 * instead of `expires`: dates relative to today, so outcomes (valid, expiring, expired) stay the
 * same as the calendar moves. Returns the document as `publish` writes it (canonical JSON).
 */
export function relativeExceptions(name: string, now: Date = new Date()): { json: string; expires: Record<string, string> } {
  const raw = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'exceptions', `${name}.json`), 'utf8')) as {
    exceptions: Array<Record<string, unknown> & { id: string; expiresInDays: number }>;
  };
  const expires: Record<string, string> = {};
  const exceptions = raw.exceptions.map(({ expiresInDays, ...entry }) => {
    expires[entry.id] = utcDay(expiresInDays, now);
    return { ...entry, expires: expires[entry.id] };
  });
  // Validated as the function validates it (expired entries allowed), then written as publish writes it.
  const document = validateExceptionsDocument({ version: 1, exceptions }, { now });
  return { json: canonicalExceptionsJson(document), expires };
}
