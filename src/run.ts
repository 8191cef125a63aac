// The one orchestration: parse the event, pick the account's clients, and run the change path or
// the periodic sweep. Shared by the Lambda handler and any other front end (tests, demo, CLI).
import { executionRoleArn } from './aws/credentials';
import { runChange } from './change';
import { parseEvent } from './core/event';
import type { AccountTarget } from './core/types';
import type { RunDependencies, RunOutcome } from './run-context';
import { runSweep } from './sweep';

export type { Reporter, RunDependencies, RunLog, RunOutcome, RunSummary } from './run-context';

/** Parses first: bad input rejects before any AWS call, so nothing is reported from it. */
export async function runRule(rawEvent: unknown, deps: RunDependencies): Promise<RunOutcome> {
  const event = parseEvent(rawEvent, (deps.now ?? Date.now)());
  const { rule, parameters } = event;
  const target: AccountTarget = {
    accountId: rule.accountId,
    partition: rule.partition,
    region: rule.region,
    ...(parameters.executionRoleName
      ? { roleArn: executionRoleArn(rule.partition, rule.accountId, parameters.executionRoleName) }
      : {}),
  };
  const clients = await deps.clientsFor(target);
  const trigger = event.trigger;
  return trigger.kind === 'scheduled' ? runSweep(event, trigger.notificationCreationTime, clients, deps) : runChange(event, trigger, clients, deps);
}
