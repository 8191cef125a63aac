import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListTasksCommand,
  paginateListTasks,
  type ListTasksCommandInput,
} from '@aws-sdk/client-ecs';
import { ConfiguredRetryStrategy, isThrottlingError } from '@smithy/core/retry';

import { startSimulator, type Simulator } from '../../tools/simulator';
import {
  ACCOUNT_A,
  CREDS_A,
  CREDS_B,
  ecsClient,
  manualClock,
  rejectionOf,
  smallScenario,
  tdArn,
} from './helpers';

describe('simulated ECS', () => {
  let sim: Simulator;
  let ecs: ECSClient;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: smallScenario(), throttling: false });
    ecs = ecsClient(sim.url, CREDS_A);
  });
  afterAll(async () => {
    ecs.destroy();
    await sim.stop();
  });
  afterEach(() => sim.clearFaults());

  describe('ListClusters', () => {
    it('pages cluster ARNs and rejects maxResults outside 1-100', async () => {
      const first = await ecs.send(new ListClustersCommand({ maxResults: 2 }));
      expect(first.clusterArns).toEqual([
        `arn:aws:ecs:us-east-1:${ACCOUNT_A}:cluster/prod`,
        `arn:aws:ecs:us-east-1:${ACCOUNT_A}:cluster/secret`,
      ]);
      expect(first.nextToken).toEqual(expect.any(String));
      const second = await ecs.send(new ListClustersCommand({ maxResults: 2, nextToken: first.nextToken }));
      expect(second.clusterArns).toEqual([`arn:aws:ecs:us-east-1:${ACCOUNT_A}:cluster/default`]);
      expect(second.nextToken).toBeUndefined();

      for (const maxResults of [0, 101]) {
        const error = await rejectionOf(ecs.send(new ListClustersCommand({ maxResults })));
        expect(error.name).toBe('InvalidParameterException');
        expect(error.$metadata).toMatchObject({ httpStatusCode: 400 });
      }
    });

    it('shows another Region of the account as empty', async () => {
      const west = ecsClient(sim.url, CREDS_A, 'us-west-2');
      expect((await west.send(new ListClustersCommand({}))).clusterArns).toEqual([]);
      west.destroy();
    });
  });

  describe('ListTasks', () => {
    it('returns the 150 running tasks of a cluster in pages of at most 100', async () => {
      const first = await ecs.send(new ListTasksCommand({ cluster: 'prod' }));
      expect(first.taskArns).toHaveLength(100);
      expect(first.taskArns?.[0]).toMatch(new RegExp(`^arn:aws:ecs:us-east-1:${ACCOUNT_A}:task/prod/[0-9a-f]{32}$`));
      const second = await ecs.send(new ListTasksCommand({ cluster: 'prod', nextToken: first.nextToken }));
      expect(second.taskArns).toHaveLength(50);
      expect(second.nextToken).toBeUndefined();

      const all: string[] = [];
      for await (const page of paginateListTasks({ client: ecs, pageSize: 40 }, { cluster: 'prod' })) {
        expect(page.taskArns?.length).toBeLessThanOrEqual(40);
        all.push(...(page.taskArns ?? []));
      }
      expect(new Set(all).size).toBe(150);
    });

    it('rejects maxResults 101 and a page token reused with other filters', async () => {
      const tooMany = await rejectionOf(ecs.send(new ListTasksCommand({ cluster: 'prod', maxResults: 101 })));
      expect(tooMany.name).toBe('InvalidParameterException');
      const first = await ecs.send(new ListTasksCommand({ cluster: 'prod', maxResults: 10 }));
      const reused = await rejectionOf(
        ecs.send(new ListTasksCommand({ cluster: 'prod', maxResults: 10, family: 'web', nextToken: first.nextToken })),
      );
      expect(reused.name).toBe('InvalidParameterException');
    });

    it('filters on desiredStatus (PENDING lists nothing), family, serviceName, startedBy and launchType', async () => {
      const count = async (input: ListTasksCommandInput): Promise<number> => {
        let n = 0;
        for await (const page of paginateListTasks({ client: ecs }, input)) n += page.taskArns?.length ?? 0;
        return n;
      };
      expect(await count({ cluster: 'prod', desiredStatus: 'STOPPED' })).toBe(3);
      expect(await count({ cluster: 'prod', desiredStatus: 'PENDING' })).toBe(0);
      expect(await count({ cluster: 'prod', family: 'web' })).toBe(100);
      expect(await count({ cluster: 'prod', serviceName: 'web-svc' })).toBe(75);
      expect(await count({ cluster: 'prod', startedBy: 'ecs-svc/123' })).toBe(75);
      expect(await count({ cluster: 'prod', launchType: 'FARGATE' })).toBe(0);
    });

    it('lists tasks of INACTIVE revisions under a family filter unless told to read it as active-only', async () => {
      // web:1 is INACTIVE and runs 50 prod tasks; web:2 is ACTIVE and runs 50.
      const anyStatus = await ecs.send(new ListTasksCommand({ cluster: 'prod', family: 'web' }));
      expect(anyStatus.taskArns).toHaveLength(100);
      const strict = await startSimulator({ scenario: smallScenario(), throttling: false, behaviour: { listTasksFamilyFilter: 'active-only' } });
      const client = ecsClient(strict.url, CREDS_A);
      try {
        expect((await client.send(new ListTasksCommand({ cluster: 'prod', family: 'web' }))).taskArns).toHaveLength(50);
        strict.deregisterTaskDefinition(ACCOUNT_A, 'web:2');
        expect((await client.send(new ListTasksCommand({ cluster: 'prod', family: 'web' }))).taskArns).toEqual([]);
        expect((await client.send(new ListTasksCommand({ cluster: 'prod' }))).taskArns).toHaveLength(100);
      } finally {
        client.destroy();
        await strict.stop();
      }
    });

    it('uses the default cluster when none is named, accepts cluster ARNs, and rejects unknown clusters', async () => {
      expect((await ecs.send(new ListTasksCommand({}))).taskArns).toEqual([]);
      const byArn = await ecs.send(
        new ListTasksCommand({ cluster: `arn:aws:ecs:us-east-1:${ACCOUNT_A}:cluster/secret` }),
      );
      expect(byArn.taskArns).toHaveLength(2);
      const unknown = await rejectionOf(ecs.send(new ListTasksCommand({ cluster: 'nope' })));
      expect(unknown.name).toBe('ClusterNotFoundException');
      const otherAccount = await rejectionOf(
        ecs.send(new ListTasksCommand({ cluster: 'arn:aws:ecs:us-east-1:222222222222:cluster/prod' })),
      );
      expect(otherAccount.name).toBe('ClusterNotFoundException');
    });
  });

  describe('DescribeTasks', () => {
    it('describes up to 100 tasks with epoch-second timestamps parsed as Dates', async () => {
      const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: 'prod' }));
      const out = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: taskArns }));
      expect(out.tasks).toHaveLength(100);
      expect(out.failures).toEqual([]);
      const task = out.tasks?.find((t) => t.taskArn?.endsWith('0'.repeat(31) + '1'));
      expect(task).toMatchObject({
        clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT_A}:cluster/prod`,
        taskDefinitionArn: tdArn('web', 1),
        lastStatus: 'RUNNING',
        desiredStatus: 'RUNNING',
        launchType: 'EC2',
        group: 'service:web-svc',
        startedBy: 'ecs-svc/123',
      });
      expect(task?.createdAt).toBeInstanceOf(Date);
      expect(task?.createdAt?.getTime()).toBe(1_700_000_000_000);
    });

    it('rejects 101 tasks and an empty list', async () => {
      const ids = Array.from({ length: 101 }, (_, i) => (i + 1).toString(16).padStart(32, '0'));
      const tooMany = await rejectionOf(ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: ids })));
      expect(tooMany.name).toBe('InvalidParameterException');
      const empty = await rejectionOf(ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [] })));
      expect(empty.name).toBe('InvalidParameterException');
    });

    it('accepts bare task ids and reports unknown or other-cluster tasks as MISSING', async () => {
      const secretTask = `arn:aws:ecs:us-east-1:${ACCOUNT_A}:task/secret/${(5000).toString(16).padStart(32, '0')}`;
      const out = await ecs.send(
        new DescribeTasksCommand({ cluster: 'prod', tasks: ['1'.padStart(32, '0'), 'f'.repeat(32), secretTask] }),
      );
      expect(out.tasks?.map((t) => t.taskArn)).toEqual([
        `arn:aws:ecs:us-east-1:${ACCOUNT_A}:task/prod/${'1'.padStart(32, '0')}`,
      ]);
      expect(out.failures).toEqual([
        { arn: `arn:aws:ecs:us-east-1:${ACCOUNT_A}:task/prod/${'f'.repeat(32)}`, reason: 'MISSING' },
        { arn: secretTask, reason: 'MISSING' },
      ]);
    });
  });

  describe('DescribeTaskDefinition', () => {
    it('resolves an ARN, family:revision, or a bare family as its latest ACTIVE revision', async () => {
      const inactive = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: tdArn('web', 1) }));
      expect(inactive.taskDefinition).toMatchObject({
        taskDefinitionArn: tdArn('web', 1),
        family: 'web',
        revision: 1,
        status: 'INACTIVE',
        pidMode: 'host',
        networkMode: 'bridge',
        requiresCompatibilities: ['EC2'],
      });
      expect(inactive.taskDefinition?.registeredAt).toEqual(new Date(1_690_000_000_000));
      expect(inactive.taskDefinition?.containerDefinitions?.[0]?.environment).toEqual([
        { name: 'DB_PASSWORD', value: 'SIMSECRET-abc' },
      ]);

      const byName = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:2' }));
      expect(byName.taskDefinition?.pidMode).toBe('task');
      const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }));
      expect(latest.taskDefinition?.revision).toBe(3);
      // pidMode is left out when unset, never sent as null or "".
      expect(latest.taskDefinition).not.toHaveProperty('pidMode');
      expect(latest.taskDefinition?.networkMode).toBe('awsvpc');
    });

    it('answers ClientException for unknown revisions and other accounts', async () => {
      for (const taskDefinition of ['web:9', 'nope', tdArn('web', 1, '222222222222')]) {
        const error = await rejectionOf(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition })));
        expect(error.name).toBe('ClientException');
      }
    });
  });

  describe('fault injection', () => {
    it('denies ListTasks and DescribeTasks in one chosen cluster only', async () => {
      sim.addFault({ service: 'ecs', cluster: 'secret', accountId: ACCOUNT_A, error: 'AccessDeniedException' });
      const denied = await rejectionOf(ecs.send(new ListTasksCommand({ cluster: 'secret' })));
      expect(denied.name).toBe('AccessDeniedException');
      expect(denied.message).toContain('ecs:ListTasks');
      const deniedByArn = await rejectionOf(
        ecs.send(new DescribeTasksCommand({ cluster: `arn:aws:ecs:us-east-1:${ACCOUNT_A}:cluster/secret`, tasks: ['a'.repeat(32)] })),
      );
      expect(deniedByArn.name).toBe('AccessDeniedException');
      expect((await ecs.send(new ListTasksCommand({ cluster: 'prod', maxResults: 1 }))).taskArns).toHaveLength(1);
      expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toHaveLength(3);
    });

    it('answers 503 and 500 as server faults for the requested number of calls', async () => {
      sim.addFault({ service: 'ecs', operation: 'ListClusters', error: 'ServiceUnavailable', count: 1 });
      sim.addFault({ service: 'ecs', operation: 'ListClusters', error: 'InternalFailure', count: 1 });
      const unavailable = await rejectionOf(ecs.send(new ListClustersCommand({})));
      expect(unavailable.$metadata).toMatchObject({ httpStatusCode: 503 });
      expect(unavailable.$fault).toBe('server');
      const internal = await rejectionOf(ecs.send(new ListClustersCommand({})));
      expect(internal.$metadata).toMatchObject({ httpStatusCode: 500 });
      expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toHaveLength(3);
    });

    it('injects ThrottlingException that the SDK retry strategy recognises and retries', async () => {
      sim.addFault({ service: 'ecs', operation: 'ListClusters', error: 'ThrottlingException', count: 1 });
      const error = await rejectionOf(ecs.send(new ListClustersCommand({})));
      expect(error.name).toBe('ThrottlingException');
      expect(isThrottlingError(error as never)).toBe(true);

      sim.addFault({ service: 'ecs', operation: 'ListClusters', error: 'ThrottlingException', count: 2 });
      const retrying = new ECSClient({
        endpoint: sim.url,
        region: 'us-east-1',
        credentials: CREDS_A,
        retryStrategy: new ConfiguredRetryStrategy(3, () => 1),
      });
      const out = await retrying.send(new ListClustersCommand({}));
      expect(out.clusterArns).toHaveLength(3);
      expect(out.$metadata.attempts).toBe(3);
      retrying.destroy();
    });
  });

  it('refuses unknown access keys', async () => {
    const stranger = ecsClient(sim.url, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' });
    const error = await rejectionOf(stranger.send(new ListClustersCommand({})));
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 403 });
    stranger.destroy();
  });

  it('keeps accounts apart by access key', async () => {
    const b = ecsClient(sim.url, CREDS_B);
    expect((await b.send(new ListClustersCommand({}))).clusterArns).toEqual([
      'arn:aws:ecs:us-east-1:222222222222:cluster/b-cluster',
    ]);
    b.destroy();
  });
});

describe('simulated ECS throttling', () => {
  it('throttles the 101st immediate ListTasks call and refills at 20 per second', async () => {
    const clock = manualClock();
    const sim = await startSimulator({ scenario: smallScenario(), clock: clock.now });
    const ecs = ecsClient(sim.url, CREDS_A);
    try {
      const burst = await Promise.allSettled(
        Array.from({ length: 101 }, () => ecs.send(new ListTasksCommand({ cluster: 'secret' }))),
      );
      const rejected = burst.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect((rejected[0]?.reason as Error).name).toBe('ThrottlingException');
      expect((rejected[0]?.reason as Error).message).toBe('Rate exceeded');

      // ListTasks and DescribeTasks share the cluster-resource bucket.
      const shared = await rejectionOf(ecs.send(new DescribeTasksCommand({ cluster: 'secret', tasks: ['a'.repeat(32)] })));
      expect(shared.name).toBe('ThrottlingException');
      // Other buckets are untouched.
      await expect(ecs.send(new ListClustersCommand({}))).resolves.toBeDefined();

      clock.advance(1000);
      for (let i = 0; i < 20; i++) await ecs.send(new ListTasksCommand({ cluster: 'secret' }));
      expect((await rejectionOf(ecs.send(new ListTasksCommand({ cluster: 'secret' })))).name).toBe('ThrottlingException');

      clock.advance(50);
      await expect(ecs.send(new ListTasksCommand({ cluster: 'secret' }))).resolves.toBeDefined();

      const counters = sim.counters();
      expect(counters.throttledTotal).toBe(3);
      expect(counters.throttled[ACCOUNT_A]?.ecs).toEqual({ ListTasks: 2, DescribeTasks: 1 });
      expect(counters.calls[ACCOUNT_A]?.ecs?.ListTasks).toBe(123);
    } finally {
      ecs.destroy();
      await sim.stop();
    }
  });

  it('keeps a 50-call burst for cluster and task-definition reads, per account', async () => {
    const clock = manualClock();
    const sim = await startSimulator({ scenario: smallScenario(), clock: clock.now });
    const a = ecsClient(sim.url, CREDS_A);
    const b = ecsClient(sim.url, CREDS_B);
    try {
      for (let i = 0; i < 50; i++) await a.send(new ListClustersCommand({}));
      expect((await rejectionOf(a.send(new ListClustersCommand({})))).name).toBe('ThrottlingException');
      await expect(b.send(new ListClustersCommand({}))).resolves.toBeDefined();
      for (let i = 0; i < 50; i++) await a.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:2' }));
      const error = await rejectionOf(a.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:2' })));
      expect(error.name).toBe('ThrottlingException');
    } finally {
      a.destroy();
      b.destroy();
      await sim.stop();
    }
  });
});
