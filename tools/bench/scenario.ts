/**
 * The benchmark's accounts: generated with the simulator's seeded generator, in the parent (to
 * compute bounds and ground truth) and in the simulator process (to serve them) from the same
 * options, so both hold the same account byte for byte (checked through the generator's stats).
 */
import {
  DEFAULT_CONFIG_RULE_NAME,
  DEFAULT_REGION,
  expectedVerdicts,
  generateAccount,
  taskArnOf,
  taskDefinitionArnOf,
  type GenerateAccountOptions,
  type GeneratedAccount,
  type ScenarioAccount,
  type StoredEvaluation,
} from '../simulator';
import type { SweepInputs } from './bounds';

export const ACCOUNT_ID = '100000000001';

export interface ScalePoint {
  readonly clusters: number;
  readonly tasks: number;
  readonly revisions: number;
}

export const DEFAULT_POINTS: readonly ScalePoint[] = [
  { clusters: 10, tasks: 1_000, revisions: 500 },
  { clusters: 100, tasks: 20_000, revisions: 5_000 },
  { clusters: 200, tasks: 100_000, revisions: 20_000 },
];

export const pointLabel = (p: ScalePoint): string => `${p.clusters}/${p.tasks.toLocaleString('en-US')}/${p.revisions.toLocaleString('en-US')}`;

export interface ScenarioShape {
  readonly seed: number;
  readonly inUseShare: number;
  readonly hostShare: number;
  readonly inactiveInUseShare: number;
  readonly unrecordedShare: number;
  readonly revisionsPerFamily: number;
  readonly resourceIdStyle: 'opaque';
}

export const DEFAULT_SHAPE: ScenarioShape = {
  seed: 1,
  inUseShare: 0.3,
  hostShare: 0.1,
  inactiveInUseShare: 0.1,
  unrecordedShare: 0,
  revisionsPerFamily: 10,
  // Config resource ids not derivable from ARNs: a rule that builds them would fail the check.
  resourceIdStyle: 'opaque',
};

/** Exactly what tools/simulator/cli.ts passes to generateAccount for its first account. */
export function generatorOptions(point: ScalePoint, shape: ScenarioShape): GenerateAccountOptions {
  return {
    seed: shape.seed,
    accountId: ACCOUNT_ID,
    clusters: point.clusters,
    tasks: point.tasks,
    revisions: point.revisions,
    inUseShare: shape.inUseShare,
    hostShare: shape.hostShare,
    inactiveInUseShare: shape.inactiveInUseShare,
    unrecordedShare: shape.unrecordedShare,
    stoppedTasks: 0,
    revisionsPerFamily: shape.revisionsPerFamily,
    resourceIdStyle: shape.resourceIdStyle,
    configRules: [DEFAULT_CONFIG_RULE_NAME],
    roles: [],
  };
}

/** The same options as simulator CLI flags. */
export function simulatorFlags(point: ScalePoint, shape: ScenarioShape): string[] {
  return [
    '--clusters', String(point.clusters),
    '--tasks', String(point.tasks),
    '--revisions', String(point.revisions),
    '--seed', String(shape.seed),
    '--accounts', '1',
    '--in-use-share', String(shape.inUseShare),
    '--host-share', String(shape.hostShare),
    '--inactive-in-use-share', String(shape.inactiveInUseShare),
    '--unrecorded-share', String(shape.unrecordedShare),
    '--stopped-tasks', '0',
    '--revisions-per-family', String(shape.revisionsPerFamily),
    '--resource-id-style', shape.resourceIdStyle,
    '--config-rule', DEFAULT_CONFIG_RULE_NAME,
  ];
}

export const generate = (point: ScalePoint, shape: ScenarioShape): GeneratedAccount => generateAccount(generatorOptions(point, shape));

/** Revisions with a RUNNING task, per the scenario. */
export function inUseArns(account: ScenarioAccount): Set<string> {
  const arns = new Set<string>();
  for (const cluster of account.clusters ?? []) {
    for (const task of cluster.tasks ?? []) if ((task.desiredStatus ?? 'RUNNING') === 'RUNNING') arns.add(task.taskDefinitionArn);
  }
  return arns;
}

/** What a sweep must find and send, given what was reported before it (resource ids of results). */
export function sweepInputs(account: ScenarioAccount, previouslyInUse: ReadonlySet<string>): SweepInputs {
  const truth = expectedVerdicts(account);
  const inUse = inUseArns(account);
  const recordedInUse = new Set(truth.filter((t) => t.inUse && t.recorded).map((t) => t.taskDefinitionArn));
  const resourceIdOf = new Map(
    (account.taskDefinitions ?? []).map((td) => [taskDefinitionArnOf(account.region ?? DEFAULT_REGION, account.accountId, td.family, td.revision), td.resourceId ?? `${td.family}:${td.revision}`]),
  );
  const staleResourceIds: string[] = [];
  for (const arn of previouslyInUse) if (!inUse.has(arn)) staleResourceIds.push(resourceIdOf.get(arn) ?? arn);
  const stale = staleResourceIds.length;
  let fresh = 0;
  for (const arn of inUse) if (!previouslyInUse.has(arn)) fresh += 1;
  return {
    runningTasksPerCluster: (account.clusters ?? []).map((c) => (c.tasks ?? []).filter((t) => (t.desiredStatus ?? 'RUNNING') === 'RUNNING').length),
    inUseArns: [...inUse].sort(),
    recordedInUse,
    previousResults: previouslyInUse.size,
    staleResourceIds,
    // Revisions in use before and after keep their tasks untouched (see stopForRepeat), so their
    // verdict and annotation are unchanged and need not be sent again.
    evaluationsToSend: fresh + stale,
  };
}

export interface StoppedSet {
  readonly revisions: number;
  readonly taskArns: string[];
}

/**
 * Before the repeat sweep: every task of every `every`-th in-use revision (sorted by ARN) stops,
 * in the scenario here (the returned task ARNs are then stopped in the simulator). Other
 * revisions keep all their tasks, so their results must not be sent again.
 */
export function stopForRepeat(account: ScenarioAccount, every = 100): StoppedSet {
  const chosen = new Set([...inUseArns(account)].sort().filter((_, i) => i % every === 0));
  const region = account.region ?? DEFAULT_REGION;
  const taskArns: string[] = [];
  for (const cluster of account.clusters ?? []) {
    for (const task of cluster.tasks ?? []) {
      if (!chosen.has(task.taskDefinitionArn) || (task.desiredStatus ?? 'RUNNING') !== 'RUNNING') continue;
      task.desiredStatus = 'STOPPED';
      task.lastStatus = 'STOPPED';
      taskArns.push(taskArnOf(region, account.accountId, cluster.name, task.id as string));
    }
  }
  return { revisions: chosen.size, taskArns };
}

export interface CorrectnessCheck {
  readonly checked: number;
  readonly mismatches: number;
  readonly examples: string[];
}

/**
 * Stored verdicts against the simulator's oracle (expectedVerdicts). A revision not in use may be
 * absent or NOT_APPLICABLE; revisions Config does not record are reported under their ARN.
 */
export function checkVerdicts(account: ScenarioAccount, stored: readonly StoredEvaluation[]): CorrectnessCheck {
  const byId = new Map(stored.map((e) => [e.resourceId, e]));
  const seen = new Set<string>();
  const examples: string[] = [];
  let mismatches = 0;
  const mismatch = (text: string): void => {
    mismatches += 1;
    if (examples.length < 5) examples.push(text);
  };
  const truth = expectedVerdicts(account);
  for (const t of truth) {
    const id = t.recorded ? t.resourceId : t.taskDefinitionArn;
    const expected = t.recorded ? t.expected : t.inUse ? (t.pidMode === 'host' ? 'NON_COMPLIANT' : 'COMPLIANT') : 'NOT_APPLICABLE';
    const actual = byId.get(id)?.complianceType;
    seen.add(id);
    const ok = expected === 'NOT_APPLICABLE' ? actual === undefined || actual === 'NOT_APPLICABLE' : actual === expected;
    if (!ok) mismatch(`${t.family}:${t.revision} (${id}): expected ${expected}, stored ${actual ?? 'nothing'}`);
  }
  for (const e of stored) if (!seen.has(e.resourceId)) mismatch(`unexpected evaluation for ${e.resourceId}`);
  return { checked: truth.length, mismatches, examples };
}
