// In-use discovery and the time limit, with the SDK stubbed at its edge.
import { DescribeTasksCommand, ECSClient, ListClustersCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { discoverUsage } from '../../../src/aws/ecs-usage';
import { abortError } from '../../../src/core/deadline';
import { clusterArn } from '../../helpers/fixtures';

const ecs = mockClient(ECSClient);
const client = () => new ECSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => ecs.reset());

describe('discoverUsage and the time limit', () => {
  it('makes no call for clusters it has not started when the time reserved for discovery is over', async () => {
    const clusters = Array.from({ length: 30 }, (_, i) => clusterArn(`c${i}`));
    ecs.on(ListClustersCommand).resolves({ clusterArns: clusters });
    ecs.on(ListTasksCommand).callsFake(async () => {
      await sleep(200);
      return { taskArns: [] };
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(abortError('time reserved for discovery is over')), 50);

    const result = await discoverUsage(client(), { concurrency: 10, signal: controller.signal });

    expect(result).toMatchObject({ interrupted: true, clusterCount: 30, clustersRead: 0, failures: [] });
    // Only the first ten, already in flight when the signal fired; none for the twenty not started.
    expect(ecs.commandCalls(ListTasksCommand)).toHaveLength(10);
    expect(ecs.commandCalls(DescribeTasksCommand)).toHaveLength(0);
  });

  it('reports an interruption, not a ListClusters failure, when the time runs out before the cluster list', async () => {
    ecs.on(ListClustersCommand).callsFake(async () => {
      await sleep(200);
      return { clusterArns: [clusterArn('late')] };
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(abortError('time reserved for discovery is over')), 20);
    const result = await discoverUsage(client(), { concurrency: 10, signal: controller.signal });
    expect(result).toMatchObject({ interrupted: true, clusterCount: 0, clustersRead: 0, failures: [] });
  });

  it('counts a task as in use only when DescribeTasks says desiredStatus RUNNING', async () => {
    ecs.on(ListClustersCommand).resolves({ clusterArns: [clusterArn('prod')] });
    ecs.on(ListTasksCommand).resolves({ taskArns: ['t1', 't2'] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        { taskArn: 't1', taskDefinitionArn: 'arn:aws:ecs:us-east-1:111111111111:task-definition/web:1', lastStatus: 'RUNNING', desiredStatus: 'RUNNING' },
        { taskArn: 't2', taskDefinitionArn: 'arn:aws:ecs:us-east-1:111111111111:task-definition/web:2', lastStatus: 'RUNNING', desiredStatus: 'STOPPED' },
      ],
    });
    const result = await discoverUsage(client(), { concurrency: 2 });
    expect([...result.usage.keys()]).toEqual(['arn:aws:ecs:us-east-1:111111111111:task-definition/web:1']);
    expect(result.taskCount).toBe(1);
  });
});
