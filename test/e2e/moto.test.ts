// The bundle against moto (an AWS emulator we did not write) for ECS, with Config served by the
// simulator: a check that the rule's ECS reads work against someone else's reading of the API, and
// that the verdicts match the decision table and a simulator-only run of the same account.
//
// moto 5.2 specifics that shape this test: its ListTasks family filter lists tasks of ACTIVE
// revisions only, it ignores maxResults, EC2 RunTask needs a registered container instance (which
// needs an EC2 instance: created with the AWS CLI, as @aws-sdk/client-ec2 is not installed), and
// by default every DescribeTasks moves a task one step towards STOPPED (its state manager's
// "manual, times 1" transition for ecs::task), which is switched off through moto's own API.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import {
  CreateClusterCommand,
  DeregisterTaskDefinitionCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';

import {
  changeEvent,
  latestItem,
  scheduledEvent,
  startSimulator,
  type ScenarioAccount,
  type ScenarioCluster,
  type ScenarioTaskDefinition,
  type Simulator,
} from '../../tools/simulator';
import { cliEnv as motoCliEnv, onPath, startMoto, type MotoServer } from '../helpers/moto-server';
import { ROOT, accountWith, calls, invokeFresh, keysFor, nowSeconds, ruleRef, storedEvaluations, storedVerdicts, taskDefinitionArn, useBundle, type LambdaEnv } from './helpers';

const MOTO_ON_PATH = onPath('moto_server');
const AWS_CLI_ON_PATH = onPath('aws');
if (!MOTO_ON_PATH) console.warn('moto_server not on PATH: moto end-to-end tests skipped');
else if (!AWS_CLI_ON_PATH) console.warn('aws (AWS CLI) not on PATH: moto end-to-end tests skipped');
const describeWithMoto = MOTO_ON_PATH && AWS_CLI_ON_PATH ? describe : describe.skip;

const MOTO_ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const RULE = 'ecs-pid-mode-host-in-use';
const RULE_CHANGE = 'ecs-pid-mode-host-in-use-change';
const arn = (family: string, revision: number): string => taskDefinitionArn(MOTO_ACCOUNT, family, revision);
const execFileAsync = promisify(execFile);

/**
 * What is seeded, in moto and (as Config items) in the simulator. Revisions are registered in this
 * order, so moto numbers them as listed.
 */
interface Seed {
  readonly family: string;
  readonly revision: number;
  readonly pidMode?: 'host' | 'task';
  readonly resourceId: string;
  /** Cluster and task group of its running task, if any. */
  readonly runsIn?: { readonly cluster: 'alpha' | 'bravo'; readonly group?: string };
  readonly deregister?: boolean;
  /** Started, then stopped: it must not count as in use. */
  readonly stopped?: boolean;
}

const SEEDS: readonly Seed[] = [
  // Deregistered while its task keeps running: INACTIVE and in use.
  { family: 'agent', revision: 1, pidMode: 'host', resourceId: 'cfg-agent-1', runsIn: { cluster: 'alpha', group: 'service:agent' }, deregister: true },
  { family: 'agent', revision: 2, pidMode: 'host', resourceId: 'cfg-agent-2', runsIn: { cluster: 'bravo', group: 'service:agent' } },
  { family: 'agent', revision: 3, pidMode: 'host', resourceId: 'cfg-agent-3' },
  { family: 'shop', revision: 1, pidMode: 'task', resourceId: 'cfg-shop-1', runsIn: { cluster: 'alpha', group: 'service:shop' } },
  { family: 'plain', revision: 1, resourceId: 'cfg-plain-1', runsIn: { cluster: 'bravo' } },
  { family: 'batch', revision: 1, pidMode: 'host', resourceId: 'cfg-batch-1', runsIn: { cluster: 'alpha' }, stopped: true },
];

/** The decision table applied to the seed: in use (and not stopped) -> host ? NON_COMPLIANT : COMPLIANT. */
const EXPECTED_SWEEP = Object.fromEntries(
  SEEDS.filter((s) => s.runsIn && !s.stopped).map((s) => [s.resourceId, s.pidMode === 'host' ? 'NON_COMPLIANT' : 'COMPLIANT']),
);

/** The same account as the simulator models it; with clusters for a simulator-only run. */
function scenarioAccount(withClusters: boolean): ScenarioAccount {
  const taskDefinitions: ScenarioTaskDefinition[] = SEEDS.map((s) => ({
    family: s.family,
    revision: s.revision,
    ...(s.pidMode ? { pidMode: s.pidMode } : {}),
    ...(s.deregister ? { status: 'INACTIVE' as const } : {}),
    resourceId: s.resourceId,
    containerDefinitions: [{ name: 'app', image: 'nginx', environment: [{ name: 'DB_PASSWORD', value: 'SIMSECRET-moto' }] }],
  }));
  const clusters: ScenarioCluster[] = ['alpha', 'bravo'].map((name) => ({
    name,
    tasks: SEEDS.filter((s) => s.runsIn?.cluster === name && !s.stopped).map((s) => ({
      taskDefinitionArn: arn(s.family, s.revision),
      ...(s.runsIn?.group ? { group: s.runsIn.group } : {}),
    })),
  }));
  return accountWith(MOTO_ACCOUNT, { configRules: [RULE, RULE_CHANGE], taskDefinitions, ...(withClusters ? { clusters } : {}) });
}

const cliEnv = (): NodeJS.ProcessEnv => motoCliEnv(REGION, ROOT);

describeWithMoto('the bundle against moto_server for ECS (Config from the simulator)', () => {
  useBundle();

  let moto: MotoServer | undefined;
  let motoUrl = '';
  let sim: Simulator;
  let ecs: ECSClient | undefined;

  beforeAll(async () => {
    const simStarted = startSimulator({ scenario: { accounts: [scenarioAccount(false)] } });
    moto = await startMoto();
    motoUrl = moto.url;
    sim = await simStarted;

    // Keep tasks RUNNING however often they are described.
    const transition = await fetch(`${motoUrl}/moto-api/state-manager/set-transition`, {
      method: 'POST',
      body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
    });
    expect(transition.ok).toBe(true);

    const { stdout } = await execFileAsync(
      'aws',
      ['--endpoint-url', motoUrl, '--region', REGION, 'ec2', 'run-instances', '--image-id', 'ami-12c6146b', '--count', '2', '--instance-type', 't2.micro', '--output', 'json'],
      { env: cliEnv(), timeout: 60_000 },
    );
    const instances = (JSON.parse(stdout) as { Instances?: Array<{ InstanceId?: string }> }).Instances ?? [];
    const instanceIds = instances.map((i) => i.InstanceId).filter((id): id is string => typeof id === 'string');
    expect(instanceIds).toHaveLength(2);

    ecs = new ECSClient({ endpoint: motoUrl, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
    const clusters = ['alpha', 'bravo'] as const;
    for (const [i, cluster] of clusters.entries()) {
      await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
      await ecs.send(new RegisterContainerInstanceCommand({ cluster, instanceIdentityDocument: JSON.stringify({ instanceId: instanceIds[i] }) }));
    }
    for (const seed of SEEDS) {
      const { taskDefinition } = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: seed.family,
          ...(seed.pidMode ? { pidMode: seed.pidMode } : {}),
          containerDefinitions: [{ name: 'app', image: 'nginx', memory: 64, environment: [{ name: 'DB_PASSWORD', value: 'SIMSECRET-moto' }] }],
        }),
      );
      expect(taskDefinition?.taskDefinitionArn).toBe(arn(seed.family, seed.revision));
      if (seed.runsIn) {
        const { tasks = [] } = await ecs.send(
          new RunTaskCommand({
            cluster: seed.runsIn.cluster,
            taskDefinition: arn(seed.family, seed.revision),
            launchType: 'EC2',
            count: 1,
            ...(seed.runsIn.group ? { group: seed.runsIn.group } : {}),
          }),
        );
        expect(tasks).toHaveLength(1);
        if (seed.stopped) await ecs.send(new StopTaskCommand({ cluster: seed.runsIn.cluster, task: tasks[0]?.taskArn, reason: 'e2e' }));
      }
      if (seed.deregister) await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn(seed.family, seed.revision) }));
    }
  }, 90_000);

  afterAll(async () => {
    ecs?.destroy();
    await moto?.stop();
    await sim?.stop();
  });

  /** ECS from moto, Config from the simulator, the simulator account's keys (moto accepts any). */
  const motoEnv = (): LambdaEnv => ({ endpoints: { ecs: motoUrl, config: sim.url }, credentials: keysFor(MOTO_ACCOUNT) });

  it('a periodic sweep reports the decision table for every in-use revision, INACTIVE ones included', async () => {
    sim.resetCounters();
    await invokeFresh(motoEnv(), scheduledEvent(ruleRef(sim, MOTO_ACCOUNT, RULE), nowSeconds()));

    expect(storedVerdicts(sim, MOTO_ACCOUNT, RULE)).toEqual(EXPECTED_SWEEP);
    expect(EXPECTED_SWEEP).toEqual({ 'cfg-agent-1': 'NON_COMPLIANT', 'cfg-agent-2': 'NON_COMPLIANT', 'cfg-shop-1': 'COMPLIANT', 'cfg-plain-1': 'COMPLIANT' });
    const counters = sim.counters();
    // No ECS call reached the simulator: they all went to moto.
    expect(counters.calls[MOTO_ACCOUNT]?.ecs).toBeUndefined();
    expect(calls(counters, MOTO_ACCOUNT, 'config', 'SelectResourceConfig')).toBeGreaterThan(0);
    expect(counters.evaluationsForUnknownResources).toBe(0);
  });

  it('gives the same verdicts and annotations as a simulator-only run of the same account', async () => {
    const simOnly = await startSimulator({ scenario: { accounts: [scenarioAccount(true)] } });
    try {
      const at = nowSeconds();
      await invokeFresh({ endpoint: simOnly.url, credentials: keysFor(MOTO_ACCOUNT) }, scheduledEvent(ruleRef(simOnly, MOTO_ACCOUNT, RULE), at));
      const view = (s: Simulator) =>
        Object.fromEntries([...storedEvaluations(s, MOTO_ACCOUNT, RULE)].map(([id, e]) => [id, `${e.complianceType} | ${e.annotation ?? ''}`]));
      expect(view(simOnly)).toEqual(view(sim));
      expect(storedVerdicts(simOnly, MOTO_ACCOUNT, RULE)).toEqual(EXPECTED_SWEEP);
    } finally {
      await simOnly.stop();
    }
  });

  it('change events: the running revision is NON_COMPLIANT, its unused sibling NOT_APPLICABLE, and the INACTIVE one moto hides from the family filter gets no verdict', async () => {
    const change = (family: string, revision: number) =>
      invokeFresh(motoEnv(), changeEvent(ruleRef(sim, MOTO_ACCOUNT, RULE_CHANGE), latestItem(sim.state, MOTO_ACCOUNT, { arn: arn(family, revision) })));

    await change('agent', 2);
    await change('agent', 3);
    const deferred = await change('agent', 1);

    expect(deferred).toMatchObject({ sent: 0, deferred: 1 });
    expect(storedVerdicts(sim, MOTO_ACCOUNT, RULE_CHANGE)).toEqual({ 'cfg-agent-2': 'NON_COMPLIANT', 'cfg-agent-3': 'NOT_APPLICABLE' });
  });
});
