import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServicesCommand,
  ListTagsForResourceCommand,
  paginateListServices,
} from '@aws-sdk/client-ecs';

import { startSimulator, type Scenario, type Simulator } from '../../tools/simulator';
import { ACCOUNT_A, CREDS_A, ecsClient, rejectionOf, tdArn } from './helpers';

const hexId = (n: number): string => n.toString(16).padStart(32, '0');
const serviceArn = (cluster: string, name: string): string => `arn:aws:ecs:us-east-1:${ACCOUNT_A}:service/${cluster}/${name}`;

/**
 * Cluster "prod": service "api" declared (tags, desired count 4, PRIMARY api:2) with three tasks of
 * api:2 and one of api:1 still running (a rolling update); "worker" only from its tasks' group;
 * a standalone task. Cluster "many": 12 services from task groups.
 */
const scenario = (): Scenario => ({
  accounts: [
    {
      accountId: ACCOUNT_A,
      ...CREDS_A,
      taskDefinitions: [
        { family: 'api', revision: 1, pidMode: 'host' },
        { family: 'api', revision: 2 },
        { family: 'worker', revision: 1, pidMode: 'host' },
      ],
      clusters: [
        {
          name: 'prod',
          tasks: [
            ...[1, 2, 3].map((i) => ({ id: hexId(i), taskDefinitionArn: tdArn('api', 2), group: 'service:api', startedBy: 'ecs-svc/1' })),
            { id: hexId(4), taskDefinitionArn: tdArn('api', 1), group: 'service:api', startedBy: 'ecs-svc/0' },
            { id: hexId(5), taskDefinitionArn: tdArn('worker', 1), group: 'service:worker' },
            { id: hexId(6), taskDefinitionArn: tdArn('worker', 1), group: 'service:worker', lastStatus: 'PENDING' as const },
            { id: hexId(7), taskDefinitionArn: tdArn('worker', 1), startedBy: 'nightly-batch' },
          ],
          services: [
            { name: 'api', taskDefinitionArn: tdArn('api', 2), desiredCount: 4, tags: [{ key: 'env', value: 'production' }, { key: 'exposure', value: 'internet-facing' }] },
          ],
        },
        {
          name: 'many',
          tasks: Array.from({ length: 12 }, (_, i) => ({ id: hexId(100 + i), taskDefinitionArn: tdArn('api', 2), group: `service:s${String(i).padStart(2, '0')}` })),
        },
      ],
    },
  ],
});

describe('simulated ECS services', () => {
  let sim: Simulator;
  let ecs: ECSClient;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: scenario(), throttling: false });
    ecs = ecsClient(sim.url, CREDS_A);
  });
  afterAll(async () => {
    ecs.destroy();
    await sim.stop();
  });

  describe('ListServices', () => {
    it('lists declared services and every "service:<name>" task group, as service ARNs with the cluster in them', async () => {
      const { serviceArns } = await ecs.send(new ListServicesCommand({ cluster: 'prod' }));
      expect(serviceArns).toEqual([serviceArn('prod', 'api'), serviceArn('prod', 'worker')]);
    });

    it('returns 10 a page by default, as documented, and pages with nextToken', async () => {
      const first = await ecs.send(new ListServicesCommand({ cluster: 'many' }));
      expect(first.serviceArns).toHaveLength(10);
      const all: string[] = [];
      for await (const page of paginateListServices({ client: ecs }, { cluster: 'many' })) all.push(...(page.serviceArns ?? []));
      expect(all).toHaveLength(12);
    });

    it('rejects maxResults outside 1-100 and an unknown cluster', async () => {
      expect((await rejectionOf(ecs.send(new ListServicesCommand({ cluster: 'prod', maxResults: 101 })))).name).toBe('InvalidParameterException');
      expect((await rejectionOf(ecs.send(new ListServicesCommand({ cluster: 'nope' })))).name).toBe('ClusterNotFoundException');
    });
  });

  describe('DescribeServices', () => {
    it('describes a rolling update: PRIMARY on the service revision, ACTIVE on the one still running', async () => {
      const { services = [], failures } = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['api'] }));
      expect(failures).toEqual([]);
      expect(services[0]).toMatchObject({
        serviceName: 'api',
        serviceArn: serviceArn('prod', 'api'),
        taskDefinition: tdArn('api', 2),
        desiredCount: 4,
        runningCount: 4,
      });
      expect(services[0]?.deployments?.map((d) => [d.status, d.taskDefinition, d.runningCount])).toEqual([
        ['PRIMARY', tdArn('api', 2), 3],
        ['ACTIVE', tdArn('api', 1), 1],
      ]);
      // Tags only when asked for.
      expect(services[0]?.tags).toBeUndefined();
    });

    it('includes tags with include TAGS, and derives an undeclared service from its tasks', async () => {
      const { services = [] } = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: [serviceArn('prod', 'api'), 'worker'], include: ['TAGS'] }));
      expect(services.map((s) => [s.serviceName, s.tags])).toEqual([
        ['api', [{ key: 'env', value: 'production' }, { key: 'exposure', value: 'internet-facing' }]],
        ['worker', []],
      ]);
      expect(services[1]).toMatchObject({ taskDefinition: tdArn('worker', 1), desiredCount: 2, runningCount: 1, pendingCount: 1 });
    });

    it('answers a service that is not in the cluster with a MISSING failure', async () => {
      const { services, failures } = await ecs.send(new DescribeServicesCommand({ cluster: 'many', services: ['api'] }));
      expect(services).toEqual([]);
      expect(failures).toEqual([{ arn: serviceArn('many', 'api'), reason: 'MISSING' }]);
    });

    it('takes 1-10 services a call', async () => {
      const eleven = Array.from({ length: 11 }, (_, i) => `s${String(i).padStart(2, '0')}`);
      expect((await rejectionOf(ecs.send(new DescribeServicesCommand({ cluster: 'many', services: eleven })))).name).toBe('InvalidParameterException');
      expect((await rejectionOf(ecs.send(new DescribeServicesCommand({ cluster: 'many', services: [] })))).name).toBe('InvalidParameterException');
    });
  });

  describe('ListTagsForResource', () => {
    it('returns a service\'s tags, none for a task definition, and refuses an ARN that names nothing', async () => {
      expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: serviceArn('prod', 'api') }))).tags).toEqual([
        { key: 'env', value: 'production' },
        { key: 'exposure', value: 'internet-facing' },
      ]);
      expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: tdArn('api', 1) }))).tags).toEqual([]);
      expect((await rejectionOf(ecs.send(new ListTagsForResourceCommand({ resourceArn: serviceArn('prod', 'nope') })))).name).toBe('InvalidParameterException');
    });
  });

  it('counts services in DescribeClusters', async () => {
    const { clusters = [] } = await ecs.send(new DescribeClustersCommand({ clusters: ['prod'] }));
    expect(clusters[0]?.activeServicesCount).toBe(2);
  });

  it('throttles service reads in their own bucket (burst 100)', async () => {
    const throttled = await startSimulator({ scenario: scenario(), ecsBuckets: { serviceRead: { burst: 2, ratePerSecond: 0.001 } } });
    const client = ecsClient(throttled.url, CREDS_A);
    try {
      await client.send(new ListServicesCommand({ cluster: 'prod' }));
      await client.send(new DescribeServicesCommand({ cluster: 'prod', services: ['api'] }));
      expect((await rejectionOf(client.send(new ListServicesCommand({ cluster: 'prod' })))).name).toBe('ThrottlingException');
    } finally {
      client.destroy();
      await throttled.stop();
    }
  });
});
