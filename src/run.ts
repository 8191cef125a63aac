// The one orchestration: parse the event, pick the account's clients, and run the change path or
// the periodic sweep. Shared by the Lambda handler and any other front end (tests, demo, CLI).
import { executionRoleArn } from './aws/credentials';
import { runChange } from './change';
import { MESSAGE_TYPE, parseEvent, type ParsedEvent } from './core/event';
import type { ExceptionsDocument } from './core/exceptions';
import type { AccountTarget, Evaluation, RevisionDetail } from './core/types';
import { ExceptionsReadError } from './core/errors';
import type { Reporter, RunDependencies, RunOutcome, RunScope } from './run-context';
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
  return inForce(await deps.exceptions.load(uri, now), deps.exceptions.warnDays, rule, now);
}

// The evaluated account and Region (the event's or the scan's target), not the function's.
function inForce(document: ExceptionsDocument, warnDays: number, target: { accountId: string; region: string }, now: Date): RunScope {
  return { exceptions: { document, accountId: target.accountId, region: target.region, now, warnDays } };
}

/** The summary's configRuleName for a scan: there is no Config rule. */
export const SCAN_RULE_NAME = '(scan)';

export interface ScanOptions {
  /** The exceptions in force, already read and validated (the CLI reads S3 and local files). */
  readonly exceptions?: { readonly document: ExceptionsDocument; readonly warnDays: number };
}

/** An evaluation the sweep established, with the revision it stands for and how it is used. */
export interface ScannedEvaluation extends Evaluation {
  readonly detail?: RevisionDetail;
}

export interface ScanOutcome extends RunOutcome {
  /** Everything the sweep established, in its order; nothing was sent to Config. */
  readonly evaluations: readonly ScannedEvaluation[];
}

/**
 * The periodic sweep of one account and Region, for a front end (the CLI's scan): the same
 * discovery, identification, decision and exceptions as a ScheduledNotification, with the
 * evaluations collected instead of sent. There is no Config rule, so the earlier-results phase is
 * skipped: every in-use revision gets its verdict, and nothing is called stale.
 */
export async function scanAccount(target: AccountTarget, deps: Omit<RunDependencies, 'report' | 'exceptions'>, options: ScanOptions = {}): Promise<ScanOutcome> {
  const now = new Date((deps.now ?? Date.now)());
  const event: ParsedEvent = {
    // No result token: the collecting reporter below replaces PutEvaluations.
    rule: { configRuleName: SCAN_RULE_NAME, accountId: target.accountId, partition: target.partition, region: target.region, resultToken: '', testMode: false, eventLeftScope: false },
    parameters: {},
    messageType: MESSAGE_TYPE.scheduled,
    trigger: { kind: 'scheduled', notificationCreationTime: now },
  };
  const collected: ScannedEvaluation[] = [];
  const collect: Reporter = async (_clients, _event, evaluations, details) => {
    for (const evaluation of evaluations) {
      const detail = details?.get(evaluation);
      collected.push({ ...evaluation, ...(detail ? { detail } : {}) });
    }
  };
  const scope: RunScope = { previous: 'none', ...(options.exceptions ? inForce(options.exceptions.document, options.exceptions.warnDays, target, now) : {}) };
  const clients = await deps.clientsFor(target);
  const outcome = await runSweep(event, now, clients, { ...deps, report: collect }, scope);
  return { ...outcome, evaluations: collected };
}
