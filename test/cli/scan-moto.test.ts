// scan and remediate --plan with ECS served by moto_server (an AWS emulator we did not write),
// Config and STS by the simulator: the CLI's ECS reads (the sweep's, and the plan's services,
// tasks and task definitions) against someone else's reading of the API.
// moto specifics as in test/e2e/moto.test.ts: RunTask needs a container instance (an EC2 instance,
// created with the AWS CLI), and DescribeTasks would move tasks towards STOPPED unless told not to.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterContainerInstanceCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { runRemediate } from '../../src/cli/remediate';
import { runScan } from '../../src/cli/scan';
import { startSimulator, type Simulator } from '../../tools/simulator';
import { cliEnv, onPath, startMoto, type MotoServer } from '../helpers/moto-server';
import { captured, useAwsEnv } from './aws-env';
import { accountWith } from '../e2e/helpers';
import { REPO_ROOT } from './helpers';

const HAVE_TOOLS = onPath('moto_server') && onPath('aws');
if (!HAVE_TOOLS) console.warn('moto_server or aws (AWS CLI) not on PATH: scan/remediate against moto skipped');
const describeWithMoto = HAVE_TOOLS ? describe : describe.skip;

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const arn = (family: string, revision: number) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;

describeWithMoto('ecs-pidmode scan and remediate --plan against moto_server for ECS', () => {
  let moto: MotoServer | undefined;
  let sim: Simulator;
  let ecs: ECSClient | undefined;
  let dir: string;
  let restore: () => void = () => undefined;

  beforeAll(async () => {
    // Config's record of the revisions (moto numbers them as registered below).
    sim = await startSimulator({
      scenario: {
        accounts: [
          accountWith(ACCOUNT, {
            taskDefinitions: [
              { family: 'agent', revision: 1, pidMode: 'host', resourceId: 'cfg-agent-1' },
              { family: 'shop', revision: 1, pidMode: 'task', resourceId: 'cfg-shop-1' },
            ],
          }),
        ],
      },
    });
    moto = await startMoto();
    const url = moto.url;
    const transition = await fetch(`${url}/moto-api/state-manager/set-transition`, {
      method: 'POST',
      body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
    });
    expect(transition.ok).toBe(true);
    const { stdout } = await promisify(execFile)(
      'aws',
      ['--endpoint-url', url, '--region', REGION, 'ec2', 'run-instances', '--image-id', 'ami-12c6146b', '--count', '1', '--instance-type', 't2.micro', '--output', 'json'],
      { env: cliEnv(REGION, REPO_ROOT), timeout: 60_000 },
    );
    const instanceId = (JSON.parse(stdout) as { Instances: Array<{ InstanceId: string }> }).Instances[0]?.InstanceId;
    ecs = new ECSClient({ endpoint: url, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });
    await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
    await ecs.send(new RegisterContainerInstanceCommand({ cluster: 'prod', instanceIdentityDocument: JSON.stringify({ instanceId }) }));
    for (const [family, pidMode] of [['agent', 'host'], ['shop', 'task']] as const) {
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family,
          pidMode,
          containerDefinitions: [{ name: 'app', image: 'nginx', memory: 64, environment: [{ name: 'DB_PASSWORD', value: 'SIMSECRET-moto' }] }],
        }),
      );
    }
    await ecs.send(new CreateServiceCommand({ cluster: 'prod', serviceName: 'agent', taskDefinition: arn('agent', 1), desiredCount: 1, tags: [{ key: 'env', value: 'production' }] }));
    // moto does not start a service's tasks: run one in the service's task group, as ECS would.
    await ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: arn('agent', 1), launchType: 'EC2', group: 'service:agent' }));
    await ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: arn('agent', 1), launchType: 'EC2', startedBy: 'nightly' }));
    await ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: arn('shop', 1), launchType: 'EC2' }));
    dir = mkdtempSync(join(tmpdir(), 'ecs-pidmode-moto-'));
  }, 90_000);

  beforeEach(() => {
    const { accessKeyId, secretAccessKey } = accountWith(ACCOUNT, {});
    restore = useAwsEnv({ endpoints: { ecs: moto?.url, config: sim.url, sts: sim.url }, credentials: { accessKeyId, secretAccessKey } });
  });
  afterEach(() => restore());
  afterAll(async () => {
    ecs?.destroy();
    await moto?.stop();
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scan: the decision table over moto\'s ECS, exit 1', async () => {
    const run = await captured((io) => runScan({ output: 'json' }, io));
    expect(run.stderr).not.toContain('SIMSECRET-');
    expect(run.exitCode).toBe(1);
    const verdicts = Object.fromEntries(JSON.parse(run.stdout).evaluations.map((e: { resourceId: string; complianceType: string }) => [e.resourceId, e.complianceType]));
    expect(verdicts).toEqual({ 'cfg-agent-1': 'NON_COMPLIANT', 'cfg-shop-1': 'COMPLIANT' });
  });

  it('remediate --plan: the service and the standalone task from moto, and the fixed input from its DescribeTaskDefinition', async () => {
    const out = join(dir, 'plan');
    const run = await captured((io) => runRemediate({ plan: true, out, priorityTag: [{ key: 'env', value: 'production' }] }, io));
    expect(run.exitCode).toBe(1);
    expect(run.stdout).not.toContain('SIMSECRET-');
    expect(run.stdout).toContain('     prod/agent  desired 1, running this revision 1  priority: env=production');
    expect(run.stdout).toContain('     prod  startedBy nightly  1 task(s)');
    expect(run.stdout).toContain('aws ecs update-service --cluster prod --service agent --task-definition agent --region us-east-1');
    const input = JSON.parse(readFileSync(join(out, REGION, 'agent-1.register-task-definition.json'), 'utf8'));
    expect(input.family).toBe('agent');
    expect(input).not.toHaveProperty('pidMode');
    expect(input).not.toHaveProperty('taskDefinitionArn');
    expect(input).not.toHaveProperty('revision');
    expect(input).not.toHaveProperty('status');
  });
});
