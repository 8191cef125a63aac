// Change notifications in detail: the revision (not the family) decides, and a non-ACTIVE revision
// the family filter does not show running gets no verdict from a change event: the periodic sweep,
// which lists tasks without that filter, decides it. Checked under both readings of ListTasks'
// undocumented family filter (the simulator's default, and moto's "ACTIVE revisions only").
import { changeEvent, latestItem, scheduledEvent, startSimulator, type Simulator } from '../../tools/simulator';
import {
  accountWith,
  calls,
  envFor,
  invokeFresh,
  nowSeconds,
  ruleRef,
  runningTasksOf,
  storedEvaluations,
  storedVerdicts,
  taskDefinitionArn,
  useBundle,
} from './helpers';

useBundle();

const A = '333333333333';
const arn = (family: string, revision: number): string => taskDefinitionArn(A, family, revision);

describe('with the family filter listing tasks of revisions in any status (simulator default)', () => {
  const RULE = 'pid-change-any';
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        accounts: [
          accountWith(A, {
            configRules: [RULE],
            taskDefinitions: [
              { family: 'api', revision: 1, pidMode: 'host', resourceId: 'td-api-one' },
              { family: 'api', revision: 2, pidMode: 'host', resourceId: 'td-api-two' },
              { family: 'legacy', revision: 1, pidMode: 'host', status: 'INACTIVE', resourceId: 'td-legacy-one' },
              { family: 'legacy', revision: 2, pidMode: 'host', status: 'DELETE_IN_PROGRESS', resourceId: 'td-legacy-two' },
              { family: 'legacy', revision: 3, pidMode: 'host', resourceId: 'td-legacy-three' },
            ],
            clusters: [
              { name: 'blue', tasks: [{ taskDefinitionArn: arn('api', 2), group: 'service:api' }, { taskDefinitionArn: arn('legacy', 3) }] },
              { name: 'green', tasks: [{ taskDefinitionArn: arn('api', 2), group: 'service:api' }] },
            ],
          }),
        ],
      },
    });
  });
  afterAll(async () => {
    await sim?.stop();
  });
  beforeEach(() => sim.resetCounters());

  const change = (family: string, revision: number) =>
    invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, RULE), latestItem(sim.state, A, { arn: arn(family, revision) })));

  it('reports NOT_APPLICABLE for a host revision nobody runs although another revision of its family runs', async () => {
    await change('api', 1);
    expect(storedVerdicts(sim, A, RULE)['td-api-one']).toBe('NOT_APPLICABLE');
    // The family's tasks were listed and described: the exact revision did not match.
    expect(calls(sim.counters(), A, 'ecs', 'DescribeTasks')).toBeGreaterThan(0);
  });

  it('reports NON_COMPLIANT for the running revision of the same family', async () => {
    await change('api', 2);
    expect(storedEvaluations(sim, A, RULE).get('td-api-two')).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: "pidMode=host: containers share the host's process namespace; 2 running tasks in 2 clusters (blue, green); services: api",
    });
  });

  it.each([
    ['INACTIVE', 1, 'td-legacy-one'],
    ['DELETE_IN_PROGRESS', 2, 'td-legacy-two'],
  ] as const)('sends no evaluation for a revision in status %s not found running', async (_status, revision, resourceId) => {
    const summary = await change('legacy', revision);
    expect(summary).toMatchObject({ sent: 0, deferred: 1 });
    expect(storedVerdicts(sim, A, RULE)[resourceId]).toBeUndefined();
    expect(calls(sim.counters(), A, 'config', 'PutEvaluations')).toBe(0);
  });

  it('leaves a NON_COMPLIANT result of a deregistered, stopped revision in place until the periodic sweep resolves it', async () => {
    const earlier = nowSeconds() - 60;
    await invokeFresh(envFor(sim, A), scheduledEvent(ruleRef(sim, A, RULE), earlier));
    expect(storedVerdicts(sim, A, RULE)['td-legacy-three']).toBe('NON_COMPLIANT');

    for (const task of runningTasksOf(sim, A, arn('legacy', 3))) sim.stopTask(A, task.arn);
    sim.deregisterTaskDefinition(A, arn('legacy', 3));
    sim.resetCounters();
    const summary = await change('legacy', 3);
    expect(summary).toMatchObject({ sent: 0, deferred: 1 });
    expect(calls(sim.counters(), A, 'config', 'PutEvaluations')).toBe(0);
    expect(storedEvaluations(sim, A, RULE).get('td-legacy-three')).toMatchObject({ complianceType: 'NON_COMPLIANT', orderingTimestamp: earlier });

    await invokeFresh(envFor(sim, A), scheduledEvent(ruleRef(sim, A, RULE), nowSeconds() + 60));
    expect(storedVerdicts(sim, A, RULE)['td-legacy-three']).toBe('NOT_APPLICABLE');
  });
});

describe("with moto's reading of the family filter (only tasks of ACTIVE revisions)", () => {
  const FRESH = 'pid-change-fresh';
  const REPORTED = 'pid-change-reported';
  const RACE = 'pid-change-race';
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({
      behaviour: { listTasksFamilyFilter: 'active-only' },
      scenario: {
        accounts: [
          accountWith(A, {
            configRules: [FRESH, REPORTED, RACE],
            taskDefinitions: [
              { family: 'worker', revision: 1, pidMode: 'host', resourceId: 'td-worker-one' },
              { family: 'idle', revision: 1, pidMode: 'host', resourceId: 'td-idle-one' },
              { family: 'race', revision: 1, pidMode: 'host', resourceId: 'td-race-one' },
            ],
            clusters: [
              {
                name: 'ops',
                tasks: [
                  { taskDefinitionArn: arn('worker', 1), group: 'service:worker' },
                  { taskDefinitionArn: arn('race', 1), group: 'service:race' },
                ],
              },
            ],
          }),
        ],
      },
    });
  });
  afterAll(async () => {
    await sim?.stop();
  });
  beforeEach(() => sim.resetCounters());

  it('still reports NOT_APPLICABLE for an ACTIVE revision nobody runs (the filter is reliable for those)', async () => {
    await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, FRESH), latestItem(sim.state, A, { arn: arn('idle', 1) })));
    expect(storedVerdicts(sim, A, FRESH)['td-idle-one']).toBe('NOT_APPLICABLE');
  });

  it('never reports an INACTIVE host revision that still runs as NOT_APPLICABLE from a change event; the next periodic run reports it NON_COMPLIANT', async () => {
    // A result from an earlier sweep, under a second rule, must survive the change event.
    const earlier = nowSeconds() - 60;
    await invokeFresh(envFor(sim, A), scheduledEvent(ruleRef(sim, A, REPORTED), earlier));
    expect(storedVerdicts(sim, A, REPORTED)['td-worker-one']).toBe('NON_COMPLIANT');

    sim.deregisterTaskDefinition(A, arn('worker', 1));
    const item = latestItem(sim.state, A, { arn: arn('worker', 1) });
    expect(item.captureTime).toBeGreaterThan(earlier);
    expect(runningTasksOf(sim, A, arn('worker', 1))).toHaveLength(1);

    sim.resetCounters();
    for (const rule of [FRESH, REPORTED]) {
      const summary = await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, rule), item));
      expect(summary).toMatchObject({ sent: 0, deferred: 1 });
    }
    const counters = sim.counters();
    // The family filter hid the running task: nothing was listed, so nothing described or reported.
    expect(calls(counters, A, 'ecs', 'ListTasks')).toBe(2);
    expect(calls(counters, A, 'ecs', 'DescribeTasks')).toBe(0);
    expect(calls(counters, A, 'config', 'PutEvaluations')).toBe(0);
    expect(storedVerdicts(sim, A, FRESH)['td-worker-one']).toBeUndefined();
    expect(storedEvaluations(sim, A, REPORTED).get('td-worker-one')).toMatchObject({ complianceType: 'NON_COMPLIANT', orderingTimestamp: earlier });

    await invokeFresh(envFor(sim, A), scheduledEvent(ruleRef(sim, A, FRESH), nowSeconds() + 60));
    expect(storedEvaluations(sim, A, FRESH).get('td-worker-one')).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: "pidMode=host: containers share the host's process namespace; 1 running task in 1 cluster (ops); services: worker",
    });
  });

  // A notification for an ACTIVE item delivered after the revision was deregistered (its tasks still
  // running) meets a family filter that may no longer list them: the rule checks the revision's
  // current status before concluding "not in use".
  it('does not report NOT_APPLICABLE for a running host revision deregistered after the notified (ACTIVE) item was captured', async () => {
    const captured = latestItem(sim.state, A, { arn: arn('race', 1) });
    expect(captured.status).toBe('ResourceDiscovered');
    sim.deregisterTaskDefinition(A, arn('race', 1));
    expect(runningTasksOf(sim, A, arn('race', 1))).toHaveLength(1);

    await invokeFresh(envFor(sim, A), changeEvent(ruleRef(sim, A, RACE), captured));

    expect(storedVerdicts(sim, A, RACE)['td-race-one']).not.toBe('NOT_APPLICABLE');
  });
});
