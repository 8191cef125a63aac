// "scan against the simulator lists the same verdicts the rule stores for the same account": the
// built Lambda bundle's periodic sweep and the CLI's scan over one generated account, compared
// resource by resource, annotations included. Then once more after the account changed, when the
// rule's view comes from two sweeps (stale results set NOT_APPLICABLE) and scan's from one.
import { runScan } from '../../src/cli/scan';
import { generateAccount, scheduledEvent, startSimulator, type Simulator } from '../../tools/simulator';
import { captured, useAwsEnv } from '../cli/aws-env';
import { Lambda, envFor, keysFor, nowSeconds, ruleRef, storedEvaluations, useBundle } from './helpers';

useBundle();

const ACCOUNT = '333333333333';
const RULE = 'ecs-pid-mode-host-in-use';

const { account } = generateAccount({
  seed: 29,
  accountId: ACCOUNT,
  ...keysFor(ACCOUNT),
  configRules: [RULE],
  clusters: 5,
  tasks: 600,
  revisions: 160,
  inUseShare: 0.35,
  hostShare: 0.3,
  inactiveInUseShare: 0.2,
  deleteInProgressInUseShare: 0.05,
  unrecordedShare: 0.05,
  stoppedTasks: 20,
  resourceIdStyle: 'opaque',
});

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ scenario: { accounts: [account] } });
});
afterAll(async () => sim?.stop());

/** resourceId -> "VERDICT | annotation", what scan prints as JSON. */
async function scanView(): Promise<Record<string, string>> {
  const restore = useAwsEnv({ endpoint: sim.url, credentials: keysFor(ACCOUNT) });
  try {
    const run = await captured((io) => runScan({ output: 'json' }, io));
    expect(run.stderr).not.toContain('SIMSECRET-');
    expect(run.stdout).not.toContain('SIMSECRET-');
    const evaluations: Array<{ resourceId: string; complianceType: string; annotation: string }> = JSON.parse(run.stdout).evaluations;
    return Object.fromEntries(evaluations.map((e) => [e.resourceId, `${e.complianceType} | ${e.annotation}`]));
  } finally {
    restore();
  }
}

/** The rule's stored results, minus those it set NOT_APPLICABLE because nothing runs them any more. */
function ruleView(): Record<string, string> {
  return Object.fromEntries(
    [...storedEvaluations(sim, ACCOUNT, RULE)].filter(([, e]) => e.complianceType !== 'NOT_APPLICABLE').map(([id, e]) => [id, `${e.complianceType} | ${e.annotation ?? ''}`]),
  );
}

it('lists the same verdicts, under the same resource IDs, with the same annotations as the rule stores', async () => {
  const lambda = Lambda.load(envFor(sim, ACCOUNT));
  await lambda.invoke(scheduledEvent(ruleRef(sim, ACCOUNT, RULE), nowSeconds() - 3600));
  const rule = ruleView();
  expect(Object.keys(rule).length).toBeGreaterThan(40);
  expect(Object.values(rule).some((v) => v.startsWith('NON_COMPLIANT'))).toBe(true);
  expect(await scanView()).toEqual(rule);
}, 60_000);

it('still agrees after tasks stop and start: the rule cleans up, the scan sees the account as it is', async () => {
  const state = sim.state.home(ACCOUNT);
  const running = [...state.clusters.values()].flatMap((c) => c.tasks.filter((t) => t.desiredStatus === 'RUNNING'));
  // Ten revisions stop running altogether; every tenth other task stops too (counts change).
  const stopped = new Set([...new Set(running.map((t) => t.taskDefinitionArn))].sort().slice(0, 10));
  running.forEach((task, i) => {
    if (stopped.has(task.taskDefinitionArn) || i % 10 === 0) sim.stopTask(ACCOUNT, task.arn);
  });
  const lambda = Lambda.load(envFor(sim, ACCOUNT));
  await lambda.invoke(scheduledEvent(ruleRef(sim, ACCOUNT, RULE), nowSeconds() - 60));
  // The rule set results NOT_APPLICABLE that the scan, with no earlier results, simply does not list.
  expect([...storedEvaluations(sim, ACCOUNT, RULE).values()].some((e) => e.complianceType === 'NOT_APPLICABLE')).toBe(true);
  expect(await scanView()).toEqual(ruleView());
}, 60_000);
