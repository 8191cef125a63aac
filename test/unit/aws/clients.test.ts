// Real SDK clients over a fake HTTP handler: the middleware counts and paces every send, and the
// SDK's retry rides out throttling within RULE_MAX_ATTEMPTS (kept low here so the test is quick).
import { ListClustersCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { Readable } from 'node:stream';
import { CallCounter, createAwsClients } from '../../../src/aws/clients';
import type { Clock } from '../../../src/core/clock';
import { TokenBucket } from '../../../src/core/token-bucket';

type Reply = { status: number; body: object };

function fakeHttp(replies: Reply[]) {
  const targets: string[] = [];
  return {
    targets,
    handler: {
      handle: async (request: { headers: Record<string, string> }) => {
        targets.push(request.headers['x-amz-target'] ?? '');
        const reply = replies.length > 1 ? replies.shift()! : replies[0]!;
        const type = (reply.body as { __type?: string }).__type;
        return {
          response: {
            statusCode: reply.status,
            headers: { 'content-type': 'application/x-amz-json-1.1', ...(type ? { 'x-amzn-errortype': type } : {}) },
            body: Readable.from([Buffer.from(JSON.stringify(reply.body))]),
          },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  };
}

const staticCredentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const throttled: Reply = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };

function bucketsWith(clock: Clock) {
  const bucket = (capacity: number) => new TokenBucket(capacity, 20, clock);
  return { clusterRead: bucket(1), taskDefinitionRead: bucket(1), clusterResourceRead: bucket(1) };
}

describe('SDK clients', () => {
  it('counts every send per operation and takes an ECS token before each', async () => {
    const http = fakeHttp([{ status: 200, body: { clusterArns: [] } }]);
    const counter = new CallCounter();
    const waits: number[] = [];
    const clock: Clock = { now: () => 0, sleep: async (ms) => void waits.push(ms) };
    const { ecs } = createAwsClients({ region: 'us-east-1', maxAttempts: 1, credentials: staticCredentials }, counter, bucketsWith(clock));
    ecs.config.requestHandler = http.handler as never;
    await ecs.send(new ListClustersCommand({}));
    await ecs.send(new ListClustersCommand({}));
    expect(counter.toJSON()).toEqual({ ListClusters: 2 });
    // Capacity 1: the second call waited for a token (1/20 s).
    expect(waits.map(Math.round)).toEqual([50]);
  });

  it('retries a throttled call within the attempt budget', async () => {
    const http = fakeHttp([throttled, throttled, { status: 200, body: { taskArns: ['t1'] } }]);
    const { ecs } = createAwsClients({ region: 'us-east-1', maxAttempts: 3, credentials: staticCredentials }, new CallCounter());
    ecs.config.requestHandler = http.handler as never;
    const out = await ecs.send(new ListTasksCommand({ cluster: 'c' }));
    expect(out.taskArns).toEqual(['t1']);
    expect(http.targets).toEqual(Array(3).fill('AmazonEC2ContainerServiceV20141113.ListTasks'));
  });

  it('gives up with ThrottlingException once the budget is spent', async () => {
    const http = fakeHttp([throttled]);
    const { ecs } = createAwsClients({ region: 'us-east-1', maxAttempts: 2, credentials: staticCredentials }, new CallCounter());
    ecs.config.requestHandler = http.handler as never;
    await expect(ecs.send(new ListTasksCommand({ cluster: 'c' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(http.targets).toHaveLength(2);
  });
});
