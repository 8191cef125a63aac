/**
 * Runs the simulator as a process for demos and benchmarks:
 *   npx tsx tools/simulator/cli.ts --clusters 10 --tasks 1000 --revisions 500 --seed 1 --latency-ms 20
 *   npx tsx tools/simulator/cli.ts --scenario scenario.json
 * Prints one JSON line (url, accounts with credentials and result tokens) once listening;
 * stops on SIGTERM or SIGINT.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { generateAccount, type GeneratedAccountStats } from './generator';
import { DEFAULT_CONFIG_RULE_NAME, type ResourceIdStyle, type Scenario, type ScenarioAccount } from './model';
import { startSimulator } from './server';

const USAGE = `usage: tsx tools/simulator/cli.ts [--scenario FILE | generation flags] [server flags]
generation: --clusters N --tasks N --revisions N --seed N --accounts N --in-use-share F --host-share F
            --inactive-in-use-share F --unrecorded-share F --stopped-tasks N --revisions-per-family N
            --resource-id-style family-revision|family|arn|opaque --config-rule NAME
            --central-account ID --role-name NAME (members get the role, trusting the central account)
server:     --port N --throttle | --no-throttle --config-throttle BURST:RATE --latency-ms N --latency-jitter-ms N`;

const RESOURCE_ID_STYLES: readonly string[] = ['family-revision', 'family', 'arn', 'opaque'];

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      clusters: { type: 'string', default: '10' },
      tasks: { type: 'string', default: '1000' },
      revisions: { type: 'string', default: '500' },
      seed: { type: 'string', default: '1' },
      accounts: { type: 'string', default: '1' },
      'in-use-share': { type: 'string', default: '0.3' },
      'host-share': { type: 'string', default: '0.1' },
      'inactive-in-use-share': { type: 'string', default: '0.1' },
      'unrecorded-share': { type: 'string', default: '0' },
      'stopped-tasks': { type: 'string', default: '0' },
      'revisions-per-family': { type: 'string', default: '10' },
      'resource-id-style': { type: 'string', default: 'family-revision' },
      'config-rule': { type: 'string', default: DEFAULT_CONFIG_RULE_NAME },
      'central-account': { type: 'string' },
      'role-name': { type: 'string', default: 'ecs-pid-mode-rule-execution' },
      port: { type: 'string', default: '0' },
      throttle: { type: 'boolean' },
      'no-throttle': { type: 'boolean' },
      'config-throttle': { type: 'string' },
      'latency-ms': { type: 'string', default: '0' },
      'latency-jitter-ms': { type: 'string', default: '0' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const num = (name: keyof typeof values): number => {
    const value = Number(values[name]);
    if (!Number.isFinite(value)) throw new Error(`--${String(name)} must be a number`);
    return value;
  };
  const style = values['resource-id-style'] ?? 'family-revision';
  if (!RESOURCE_ID_STYLES.includes(style)) throw new Error(`--resource-id-style must be one of ${RESOURCE_ID_STYLES.join(', ')}`);

  let scenario: Scenario;
  const stats: Record<string, GeneratedAccountStats> = {};
  if (values.scenario) {
    scenario = JSON.parse(readFileSync(values.scenario, 'utf8')) as Scenario;
  } else {
    const central = values['central-account'];
    const accounts: ScenarioAccount[] = [];
    const count = num('accounts');
    for (let i = 0; i < count; i++) {
      const accountId = String(100000000001 + i);
      const generated = generateAccount({
        seed: num('seed') + i,
        accountId,
        clusters: num('clusters'),
        tasks: num('tasks'),
        revisions: num('revisions'),
        inUseShare: num('in-use-share'),
        hostShare: num('host-share'),
        inactiveInUseShare: num('inactive-in-use-share'),
        unrecordedShare: num('unrecorded-share'),
        stoppedTasks: num('stopped-tasks'),
        revisionsPerFamily: num('revisions-per-family'),
        resourceIdStyle: style as ResourceIdStyle,
        configRules: [values['config-rule'] ?? DEFAULT_CONFIG_RULE_NAME],
        roles: central ? [{ name: values['role-name'] ?? 'ecs-pid-mode-rule-execution', trustedAccounts: [central] }] : [],
      });
      accounts.push(generated.account);
      stats[accountId] = generated.stats;
    }
    if (central) {
      accounts.push({
        accountId: central,
        accessKeyId: `AKIACENTRAL${central.slice(-9)}`,
        secretAccessKey: 'central-account-secret-key-for-the-simulator',
        configRules: [values['config-rule'] ?? DEFAULT_CONFIG_RULE_NAME],
      });
    }
    scenario = { accounts };
  }

  let configThrottle: { burst: number; ratePerSecond: number } | undefined;
  if (values['config-throttle']) {
    const [burst, rate] = values['config-throttle'].split(':').map(Number);
    if (!burst || !rate) throw new Error('--config-throttle must be BURST:RATE, e.g. 20:10');
    configThrottle = { burst, ratePerSecond: rate };
  }
  const simulator = await startSimulator({
    scenario,
    port: num('port'),
    throttling: !values['no-throttle'],
    latencyMs: num('latency-ms'),
    latencyJitterMs: num('latency-jitter-ms'),
    seed: num('seed'),
    ...(configThrottle ? { configThrottle } : {}),
  });

  const accounts = scenario.accounts.map((a) => ({
    accountId: a.accountId,
    region: a.region ?? 'us-east-1',
    accessKeyId: a.accessKeyId,
    secretAccessKey: a.secretAccessKey,
    configRules: a.configRules ?? [],
    roles: (a.roles ?? []).map((r) => ({ arn: `arn:aws:iam::${a.accountId}:role/${r.name}`, trustedAccounts: r.trustedAccounts })),
    resultTokens: Object.fromEntries((a.configRules ?? []).map((rule) => [rule, simulator.issueResultToken(a.accountId, rule)])),
    ...(stats[a.accountId] ? { stats: stats[a.accountId] } : {}),
  }));
  process.stdout.write(
    `${JSON.stringify({ url: simulator.url, port: simulator.port, throttling: !values['no-throttle'], accounts })}\n`,
  );

  const shutdown = (): void => {
    simulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
});
