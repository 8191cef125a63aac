// The edges where a rule could show something false: a lost ResourceDeleted event, the function's
// time limit, an item without configuration, a task being stopped, a verdict that stopped being
// refreshed. Run against the simulator with the built bundle, as Lambda runs it.
import { changeEvent, latestItem, scheduledEvent, startSimulator, type ScenarioTask, type Simulator } from '../../tools/simulator';
import {
  Lambda,
  accountWith,
  invokeFresh,
  envFor,
  nowSeconds,
  rejectionOf,
  ruleRef,
  runningTasksOf,
  storedEvaluations,
  storedVerdicts,
  taskDefinitionArn,
  useBundle,
} from './helpers';

useBundle();

const A = '121212121212';
const arn = (family: string, revision = 1): string => taskDefinitionArn(A, family, revision);

describe('a ResourceDeleted event that was lost', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        accounts: [
          accountWith(A, {
            configRules: ['pid-lost-delete'],
            taskDefinitions: [
              { family: 'agent', revision: 1, pidMode: 'host', resourceId: 'td-agent-1' },
              { family: 'web', revision: 1, pidMode: 'task', resourceId: 'td-web-1' },
              { family: 'probe', revision: 1, pidMode: 'host', resourceId: 'td-probe-1' },
            ],
            clusters: [{ name: 'prod', tasks: [{ taskDefinitionArn: arn('agent') }, { taskDefinitionArn: arn('web') }, { taskDefinitionArn: arn('probe') }] }],
          }),
        ],
      },
    });
  });
  afterAll(() => sim?.stop());

  it('sets the NON_COMPLIANT result of a deleted revision NOT_APPLICABLE at the next sweep', async () => {
    const RULE = 'pid-lost-delete';
    const t0 = nowSeconds() - 7200;
    const lambda = Lambda.load(envFor(sim, A));
    await lambda.invoke(scheduledEvent(ruleRef(sim, A, RULE), t0));
    expect(storedVerdicts(sim, A, RULE)).toEqual({ 'td-agent-1': 'NON_COMPLIANT', 'td-web-1': 'COMPLIANT', 'td-probe-1': 'NON_COMPLIANT' });

    // The agent is stopped, deregistered and deleted; Config records the deletion, and the change
    // event it sends is lost (Lambda dropped it after two retries): nothing invokes the rule.
    for (const task of runningTasksOf(sim, A, arn('agent'))) sim.stopTask(A, task.arn);
    sim.deregisterTaskDefinition(A, arn('agent'));
    sim.deleteTaskDefinition(A, arn('agent'));
    sim.recordItem(A, { resourceId: 'td-agent-1', arn: arn('agent'), status: 'ResourceDeleted', configuration: null });

    const summary = await lambda.invoke(scheduledEvent(ruleRef(sim, A, RULE), t0 + 3600));

    const agent = storedEvaluations(sim, A, RULE).get('td-agent-1');
    expect(agent).toMatchObject({ complianceType: 'NOT_APPLICABLE', orderingTimestamp: t0 + 3600 });
    expect(agent?.annotation).toMatch(/^Deleted: AWS Config no longer holds this revision/);
    expect(summary).toMatchObject({ staleResolved: 1, deletedResolved: 1, unresolved: 0 });
    expect(storedVerdicts(sim, A, RULE)['td-web-1']).toBe('COMPLIANT');
  });

  it('leaves a result whose revision cannot be identified at all, and counts it', async () => {
    const RULE = 'pid-lost-delete';
    const lambda = Lambda.load(envFor(sim, A));
    // A result under an ID Config has no record of, in its inventory or its history.
    await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, RULE), { ...latestItem(sim.state, A, { arn: arn('probe') }), resourceId: 'td-probe-copy' }));
    const summary = await lambda.invoke(scheduledEvent(ruleRef(sim, A, RULE), nowSeconds()));
    expect(summary.unresolved).toBe(1);
    expect(storedVerdicts(sim, A, RULE)['td-probe-copy']).toBe('NON_COMPLIANT');
  });
});

describe('the function time limit', () => {
  let sim: Simulator;
  const CLUSTERS = 60;
  const TASKS_PER_CLUSTER = 300;
  beforeAll(async () => {
    const clusters = Array.from({ length: CLUSTERS }, (_, c) => ({
      name: `c${String(c).padStart(3, '0')}`,
      tasks: Array.from({ length: TASKS_PER_CLUSTER }, (): ScenarioTask => ({ taskDefinitionArn: arn('app') })),
    }));
    // The host-mode agent runs in the first cluster read; the host-mode batch job (reported earlier)
    // has stopped, so only a complete sweep may set it NOT_APPLICABLE.
    clusters[0]?.tasks.push({ taskDefinitionArn: arn('agent') });
    clusters[0]?.tasks.push({ taskDefinitionArn: arn('batch') });
    sim = await startSimulator({
      scenario: {
        accounts: [
          accountWith(A, {
            configRules: ['pid-time-limit'],
            taskDefinitions: [
              { family: 'app', revision: 1, pidMode: 'task', resourceId: 'td-app-1' },
              { family: 'agent', revision: 1, pidMode: 'host', resourceId: 'td-agent-1' },
              { family: 'batch', revision: 1, pidMode: 'host', resourceId: 'td-batch-1' },
            ],
            clusters,
          }),
        ],
      },
    });
  }, 60_000);
  afterAll(() => sim?.stop());

  it('reports the host-mode revision it found, sets nothing NOT_APPLICABLE, and fails "sweep incomplete" before its time runs out', async () => {
    const RULE = 'pid-time-limit';
    await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, RULE), latestItem(sim.state, A, { arn: arn('batch') })));
    expect(storedVerdicts(sim, A, RULE)).toEqual({ 'td-batch-1': 'NON_COMPLIANT' });
    for (const task of runningTasksOf(sim, A, arn('batch'))) sim.stopTask(A, task.arn);
    sim.resetCounters();

    // 60 clusters x 300 tasks need 360 ListTasks/DescribeTasks calls: at ECS's 20 per second after
    // a burst of 100, at least 13 seconds. The function has 8.
    const lambda = Lambda.load(envFor(sim, A, { maxAttempts: null }));
    const started = Date.now();
    const error = await rejectionOf(lambda.invoke(scheduledEvent(ruleRef(sim, A, RULE), nowSeconds()), { timeoutMs: 8_000 }));
    const elapsed = Date.now() - started;

    expect(error.name).toBe('SweepIncompleteError');
    expect(error.message).toMatch(/^Sweep incomplete: the time limit was reached after reading \d+ of 60 cluster\(s\)\. \d+ established evaluation\(s\) reported; no result was set NOT_APPLICABLE/);
    expect(elapsed).toBeLessThan(8_000);
    const stored = storedEvaluations(sim, A, RULE);
    expect(stored.get('td-agent-1')).toMatchObject({ complianceType: 'NON_COMPLIANT' });
    expect(stored.get('td-agent-1')?.annotation).toMatch(/at least 1 running task .*sweep stopped at the time limit/);
    expect(stored.get('td-batch-1')?.complianceType).toBe('NON_COMPLIANT');
    expect([...stored.values()].filter((e) => e.complianceType === 'NOT_APPLICABLE')).toEqual([]);
  }, 30_000);
});

describe('missing data and tasks being stopped', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      behaviour: { listTasksIncludesStopping: true },
      scenario: {
        accounts: [
          accountWith(A, {
            configRules: ['pid-missing', 'pid-missing-change', 'pid-stopping', 'pid-stopping-change'],
            taskDefinitions: [
              { family: 'hollow', revision: 1, pidMode: 'host', resourceId: 'td-hollow-1' },
              { family: 'drain', revision: 1, pidMode: 'host', resourceId: 'td-drain-1' },
            ],
            clusters: [{ name: 'prod', tasks: [{ taskDefinitionArn: arn('hollow') }, { taskDefinitionArn: arn('drain') }] }],
          }),
        ],
      },
    });
    // Config's item for the hollow revision has no configuration (recorder glitch, partial item).
    sim.recordItem(A, { resourceId: 'td-hollow-1', arn: arn('hollow'), status: 'OK', configuration: null });
  });
  afterAll(() => sim?.stop());

  it('never reports a running host revision COMPLIANT when its Config item has no configuration: the sweep reads pidMode from ECS', async () => {
    const summary = await invokeFresh(envFor(sim, A), scheduledEvent(ruleRef(sim, A, 'pid-missing'), nowSeconds()));
    expect(storedVerdicts(sim, A, 'pid-missing')['td-hollow-1']).toBe('NON_COMPLIANT');
    expect(summary.missingConfiguration).toBe(1);
  });

  it('refuses a change event whose item has no configuration, and reports nothing', async () => {
    const item = latestItem(sim.state, A, { arn: arn('hollow') });
    const error = await rejectionOf(invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, 'pid-missing-change'), item)));
    expect(error).toEqual({ name: 'InvalidConfigurationItemError', message: 'Configuration item "td-hollow-1" has no configuration' });
    expect(sim.evaluations(A, 'pid-missing-change')).toEqual([]);
  });

  it('reports a host revision NOT_APPLICABLE once its only task is being stopped, though ListTasks still lists it', async () => {
    const lambda = Lambda.load(envFor(sim, A));
    const t0 = nowSeconds() - 3600;
    await lambda.invoke(scheduledEvent(ruleRef(sim, A, 'pid-stopping'), t0));
    expect(storedVerdicts(sim, A, 'pid-stopping')['td-drain-1']).toBe('NON_COMPLIANT');

    for (const task of runningTasksOf(sim, A, arn('drain'))) sim.stopTask(A, task.arn, { stopping: true });
    await lambda.invoke(scheduledEvent(ruleRef(sim, A, 'pid-stopping'), t0 + 1800));
    expect(storedVerdicts(sim, A, 'pid-stopping')['td-drain-1']).toBe('NOT_APPLICABLE');

    await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, 'pid-stopping-change'), latestItem(sim.state, A, { arn: arn('drain') })));
    expect(storedVerdicts(sim, A, 'pid-stopping-change')['td-drain-1']).toBe('NOT_APPLICABLE');
  });
});

describe('verdicts that did not change', () => {
  let sim: Simulator;
  let clock = Date.now();
  beforeAll(async () => {
    sim = await startSimulator({
      clock: () => clock,
      scenario: {
        accounts: [
          accountWith(A, {
            configRules: ['pid-refresh'],
            taskDefinitions: [{ family: 'agent', revision: 1, pidMode: 'host', resourceId: 'td-agent-1' }],
            clusters: [{ name: 'prod', tasks: [{ taskDefinitionArn: arn('agent') }] }],
          }),
        ],
      },
    });
  });
  afterAll(() => sim?.stop());

  it('re-sends an unchanged verdict last sent 72 hours ago, and not one sent an hour ago', async () => {
    const RULE = 'pid-refresh';
    const now = nowSeconds();
    const lambda = Lambda.load(envFor(sim, A));
    clock = (now - 72 * 3600) * 1000;
    await lambda.invoke(scheduledEvent(ruleRef(sim, A, RULE), now - 72 * 3600));
    expect(storedEvaluations(sim, A, RULE).get('td-agent-1')).toMatchObject({ complianceType: 'NON_COMPLIANT', orderingTimestamp: now - 72 * 3600 });

    clock = now * 1000;
    const refreshed = await lambda.invoke(scheduledEvent(ruleRef(sim, A, RULE), now));
    expect(refreshed).toMatchObject({ sent: 1, refreshed: 1, unchanged: 0 });
    expect(storedEvaluations(sim, A, RULE).get('td-agent-1')).toMatchObject({ complianceType: 'NON_COMPLIANT', orderingTimestamp: now });

    const again = await lambda.invoke(scheduledEvent(ruleRef(sim, A, RULE), now + 60));
    expect(again).toMatchObject({ sent: 0, refreshed: 0, unchanged: 1 });
  });

  it('re-sends every run with RULE_REFRESH_HOURS=0', async () => {
    const RULE = 'pid-refresh';
    const summary = await invokeFresh(envFor(sim, A, { refreshHours: 0 }), scheduledEvent(ruleRef(sim, A, RULE), nowSeconds() + 120));
    expect(summary).toMatchObject({ sent: 1, refreshed: 1 });
  });
});

describe('a ResourceDeleted event for a revision that still runs', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        accounts: [
          accountWith(A, {
            configRules: ['pid-deleted-running'],
            taskDefinitions: [{ family: 'agent', revision: 3, pidMode: 'host', resourceId: 'td-agent-3' }],
            clusters: [{ name: 'prod', tasks: [{ taskDefinitionArn: arn('agent', 3), group: 'service:agent' }] }],
          }),
        ],
      },
    });
  });
  afterAll(() => sim?.stop());

  it('is reported NON_COMPLIANT, and the next sweep keeps it so under its Config resource ID (never a false NOT_APPLICABLE)', async () => {
    const RULE = 'pid-deleted-running';
    // Deregistered and deleted while its task runs: ECS keeps it DELETE_IN_PROGRESS; Config records a deletion.
    sim.deregisterTaskDefinition(A, arn('agent', 3));
    sim.deleteTaskDefinition(A, arn('agent', 3));
    const deleted = sim.recordItem(A, { resourceId: 'td-agent-3', arn: arn('agent', 3), status: 'ResourceDeleted', configuration: null });
    await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, RULE), deleted));
    expect(storedVerdicts(sim, A, RULE)).toEqual({ 'td-agent-3': 'NON_COMPLIANT' });

    await invokeFresh(envFor(sim, A), scheduledEvent(ruleRef(sim, A, RULE), nowSeconds()));
    // Found through Config's history, described through ECS: no second row under the ARN.
    expect(storedVerdicts(sim, A, RULE)).toEqual({ 'td-agent-3': 'NON_COMPLIANT' });
  });
});
