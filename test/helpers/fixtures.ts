// Typed access to the event fixtures in test/fixtures/events (real Config shapes: invokingEvent is a JSON string).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigRuleEvent } from '../../src/core/event';

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
