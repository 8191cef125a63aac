import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { ECSClient, ListClustersCommand, ListTasksCommand } from '@aws-sdk/client-ecs';

import { startSimulator, type CountersSnapshot, type Simulator, type StoredEvaluation } from '../../tools/simulator';
import { ACCOUNT_A, CREDS_A, RULE, ecsClient, rejectionOf, smallScenario } from './helpers';

const ROOT = join(__dirname, '..', '..');

describe('control API over HTTP', () => {
  let sim: Simulator;
  let ecs: ECSClient;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: smallScenario() });
    ecs = ecsClient(sim.url, CREDS_A);
  });
  afterAll(async () => {
    ecs.destroy();
    await sim.stop();
  });

  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  it('reports and resets call counters', async () => {
    await control('POST', '/_sim/counters/reset');
    await ecs.send(new ListClustersCommand({}));
    await ecs.send(new ListTasksCommand({ cluster: 'prod' }));
    await ecs.send(new ListTasksCommand({ cluster: 'prod' }));
    const counters = await control<CountersSnapshot>('GET', '/_sim/counters');
    expect(counters.totalCalls).toBe(3);
    expect(counters.calls[ACCOUNT_A]).toEqual({ ecs: { ListClusters: 1, ListTasks: 2 } });
    await control('POST', '/_sim/counters/reset');
    expect((await control<CountersSnapshot>('GET', '/_sim/counters')).totalCalls).toBe(0);
  });

  it('adds and clears faults', async () => {
    await control('POST', '/_sim/faults', [
      { service: 'ecs', operation: 'ListClusters', error: 'AccessDeniedException' },
      { service: 'ecs', operation: 'ListTasks', cluster: 'prod', error: 'ThrottlingException', count: 1 },
    ]);
    expect((await rejectionOf(ecs.send(new ListClustersCommand({})))).name).toBe('AccessDeniedException');
    expect((await rejectionOf(ecs.send(new ListTasksCommand({ cluster: 'prod' })))).name).toBe('ThrottlingException');
    await ecs.send(new ListTasksCommand({ cluster: 'prod' }));
    const counters = await control<CountersSnapshot>('GET', '/_sim/counters');
    expect(counters.faults[ACCOUNT_A]?.ecs).toEqual({ ListClusters: 1, ListTasks: 1 });
    await control('DELETE', '/_sim/faults');
    await ecs.send(new ListClustersCommand({}));
    const bad = await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ service: 'ecs', error: 'Nope' }) });
    expect(bad.status).toBe(400);
  });

  it('issues result tokens and lists stored evaluations', async () => {
    const { resultToken } = await control<{ resultToken: string }>('POST', '/_sim/result-token', { account: ACCOUNT_A, rule: RULE });
    const config = new ConfigServiceClient({ endpoint: sim.url, region: 'us-east-1', credentials: CREDS_A, maxAttempts: 1 });
    await config.send(
      new PutEvaluationsCommand({
        ResultToken: resultToken,
        Evaluations: [
          { ComplianceResourceType: 'AWS::ECS::TaskDefinition', ComplianceResourceId: 'web:1', ComplianceType: 'COMPLIANT', OrderingTimestamp: new Date(5000) },
        ],
      }),
    );
    config.destroy();
    const stored = await control<StoredEvaluation[]>('GET', `/_sim/evaluations?account=${ACCOUNT_A}&rule=${RULE}`);
    expect(stored).toEqual([expect.objectContaining({ resourceId: 'web:1', complianceType: 'COMPLIANT', orderingTimestamp: 5 })]);
  });

  it('starts and stops tasks', async () => {
    const arn = 'arn:aws:ecs:us-east-1:111111111111:task-definition/web:3';
    const { taskArn } = await control<{ taskArn: string }>('POST', '/_sim/tasks/start', {
      account: ACCOUNT_A,
      cluster: 'default',
      task: { taskDefinitionArn: arn, launchType: 'FARGATE' },
    });
    expect((await ecs.send(new ListTasksCommand({}))).taskArns).toEqual([taskArn]);
    await control('POST', '/_sim/tasks/stop', { account: ACCOUNT_A, taskArn });
    expect((await ecs.send(new ListTasksCommand({}))).taskArns).toEqual([]);
    expect((await ecs.send(new ListTasksCommand({ desiredStatus: 'STOPPED' }))).taskArns).toEqual([taskArn]);
  });

  it('serves SDK clients configured only through the environment, as the bundled rule is', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: sim.url,
      AWS_ACCESS_KEY_ID: CREDS_A.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS_A.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    try {
      const client = new ECSClient({});
      expect((await client.send(new ListClustersCommand({}))).clusterArns).toHaveLength(3);
      client.destroy();
    } finally {
      process.env = saved;
    }
  });
});

describe('cli', () => {
  it('prints one JSON line with the URL and credentials, serves them, and stops on SIGTERM', async () => {
    const child = spawn(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['tools/simulator/cli.ts', '--clusters', '2', '--tasks', '30', '--revisions', '20', '--seed', '3', '--central-account', '999999999999'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
      });
      const out = JSON.parse(line) as {
        url: string;
        accounts: { accountId: string; accessKeyId: string; secretAccessKey: string; resultTokens: Record<string, string>; roles: { arn: string }[] }[];
      };
      expect(out.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(out.accounts.map((a) => a.accountId)).toEqual(['100000000001', '999999999999']);
      const [member] = out.accounts;
      expect(member?.roles).toEqual([
        { arn: 'arn:aws:iam::100000000001:role/ecs-pid-mode-rule-execution', trustedAccounts: ['999999999999'] },
      ]);
      expect(Object.keys(member?.resultTokens ?? {})).toEqual(['ecs-pid-mode-host-in-use']);
      const client = ecsClient(out.url, { accessKeyId: member?.accessKeyId ?? '', secretAccessKey: member?.secretAccessKey ?? '' });
      expect((await client.send(new ListClustersCommand({}))).clusterArns).toEqual([
        'arn:aws:ecs:us-east-1:100000000001:cluster/cluster-001',
        'arn:aws:ecs:us-east-1:100000000001:cluster/cluster-002',
      ]);
      client.destroy();
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 20_000);
});
