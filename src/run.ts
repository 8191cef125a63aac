// The one orchestration: parse the event, pick the account's clients, and run the change path or
// the periodic sweep. Shared by the Lambda handler and any other front end (tests, demo, CLI).
import { executionRoleArn } from './aws/credentials';
import { runChange } from './change';
import { parseEvent } from './core/event';
import type { AccountTarget } from './core/types';
import { ExceptionsReadError } from './core/errors';
import type { RunDependencies, RunOutcome, RunScope } from './run-context';
import { runSweep } from './sweep';

export type { ExceptionsSource, Reporter, RunDependencies, RunLog, RunOutcome, RunSummary } from './run-context';

/**
 * Parses first: bad input rejects before any AWS call, so nothing is reported from it. The
 * exceptions document comes next, before any ECS call: one that cannot be read or is invalid fails
 * the invocation and the previous verdicts stand (never "no exceptions", never "all excepted").
 */
export async function runRule(rawEvent: unknown, deps: RunDependencies): Promise<RunOutcome> {
  const now = (deps.now ?? Date.now)();
  const event = parseEvent(rawEvent, now);
  const { rule, parameters } = event;
  const scope = await exceptionScope(parameters.exceptionsS3Uri, rule, new Date(now), deps);
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
  return trigger.kind === 'scheduled' ? runSweep(event, trigger.notificationCreationTime, clients, deps, scope) : runChange(event, trigger, clients, deps, scope);
}

async function exceptionScope(uri: string | undefined, rule: { accountId: string; region: string }, now: Date, deps: RunDependencies): Promise<RunScope> {
  if (uri === undefined) return {};
  if (!deps.exceptions) throw new ExceptionsReadError(uri, { cause: new Error('this front end cannot read exceptions documents') });
  const document = await deps.exceptions.load(uri, now);
  // The evaluated account and Region (the event's), not the function's.
  return { exceptions: { document, accountId: rule.accountId, region: rule.region, now, warnDays: deps.exceptions.warnDays } };
}
