// Container environments hold secrets, and Config events and ECS answers carry them. With DEBUG
// logging, nothing the function writes may contain a configuration value: every generated
// container has a DB_PASSWORD starting with SIMSECRET-.
import {
  SIM_SECRET_PREFIX,
  changeEvent,
  generateAccount,
  latestItem,
  oversizedEvent,
  scheduledEvent,
  startSimulator,
  type Simulator,
} from '../../tools/simulator';
import { captureOutput, envFor, invokeFresh, keysFor, nowSeconds, ruleRef, storedVerdicts, useBundle } from './helpers';

useBundle();

const ACCOUNT = '565656565656';
const RULE = 'ecs-pid-mode-host-in-use';

const { account } = generateAccount({
  seed: 3,
  accountId: ACCOUNT,
  ...keysFor(ACCOUNT),
  configRules: [RULE],
  clusters: 3,
  tasks: 90,
  revisions: 40,
  inUseShare: 0.5,
  hostShare: 0.3,
  // Unrecorded revisions are described through ECS, whose answer carries the environment too.
  unrecordedShare: 0.2,
});
const hostInUse = (() => {
  const running = new Set(account.clusters?.flatMap((c) => c.tasks ?? []).map((t) => t.taskDefinitionArn));
  const td = account.taskDefinitions?.find((t) => t.pidMode === 'host' && (t.recorded ?? true) && running.has(`arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${t.family}:${t.revision}`));
  if (!td) throw new Error('scenario lacks a recorded host revision in use');
  return `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${td.family}:${td.revision}`;
})();

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ scenario: { accounts: [account] } });
});

afterAll(async () => {
  await sim?.stop();
});

const debugEnv = () => envFor(sim, ACCOUNT, { logLevel: 'DEBUG' });

function expectNoSecrets(output: string): void {
  expect(output).not.toContain(SIM_SECRET_PREFIX);
  expect(output).not.toContain('ContainerDefinitions');
  expect(output).not.toContain('containerDefinitions');
  expect(output).not.toContain('DB_PASSWORD');
}

/** Structured logs: one JSON object per line. */
function logLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

it('logs no configuration value while handling a change notification', async () => {
  const event = changeEvent(ruleRef(sim, ACCOUNT, RULE), latestItem(sim.state, ACCOUNT, { arn: hostInUse }));
  expect(event.invokingEvent).toContain(SIM_SECRET_PREFIX);

  const { output, error } = await captureOutput(() => invokeFresh(debugEnv(), event));

  expect(error).toBeUndefined();
  expect(logLines(output).map((l) => l.message)).toContain('evaluation reported');
  expectNoSecrets(output);
  expect(Object.values(storedVerdicts(sim, ACCOUNT, RULE))).toEqual(['NON_COMPLIANT']);
});

it('logs no configuration value while handling an oversized notification (item fetched from Config)', async () => {
  const { output, error } = await captureOutput(() =>
    invokeFresh(debugEnv(), oversizedEvent(ruleRef(sim, ACCOUNT, RULE), latestItem(sim.state, ACCOUNT, { arn: hostInUse }))),
  );
  expect(error).toBeUndefined();
  expect(output).toContain('evaluation reported');
  expectNoSecrets(output);
});

it('logs no configuration value during a periodic sweep that describes unrecorded revisions through ECS', async () => {
  const { output, error } = await captureOutput(() => invokeFresh(debugEnv(), scheduledEvent(ruleRef(sim, ACCOUNT, RULE), nowSeconds())));

  expect(error).toBeUndefined();
  const lines = logLines(output);
  expect(lines.map((l) => l.message)).toEqual(
    expect.arrayContaining(['running revisions not recorded by AWS Config; evaluated from ECS and reported under their ARN', 'evaluation reported']),
  );
  expect(sim.counters().calls[ACCOUNT]?.ecs?.DescribeTaskDefinition).toBeGreaterThan(0);
  expectNoSecrets(output);
});

it('logs no configuration value when an invocation fails on a configuration value it cannot read', async () => {
  const event = changeEvent(ruleRef(sim, ACCOUNT, RULE), latestItem(sim.state, ACCOUNT, { arn: hostInUse }));
  const invoking = JSON.parse(event.invokingEvent) as { configurationItem: { configuration: Record<string, unknown> } };
  invoking.configurationItem.configuration.PidMode = `${SIM_SECRET_PREFIX}not-a-pid-mode`;

  const { output, error } = await captureOutput(() => invokeFresh(debugEnv(), { ...event, invokingEvent: JSON.stringify(invoking) }));

  expect(error).toBeDefined();
  expect(logLines(output).map((l) => l.message)).toContain('evaluation failed');
  expectNoSecrets(output);
});
