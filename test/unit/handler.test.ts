// The handler over Config events (fixtures), with the SDK stubbed at its edge by aws-sdk-client-mock.
import { ConfigServiceClient, GetComplianceDetailsByConfigRuleCommand, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListClustersCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { mockClient } from 'aws-sdk-client-mock';
import { CallCounter, createAwsClients } from '../../src/aws/clients';
import { AssumeRoleError, DiscoveryError, InvalidEventError, InvalidRuleParametersError, PutEvaluationsError } from '../../src/core/errors';
import { createHandler } from '../../src/handler';
import { fakeConfig, type FakeConfigAccount } from '../helpers/fake-config';
import { awsError, fakeEcs, type FakeEcsAccount } from '../helpers/fake-ecs';
import { loadEvent, MEMBER_ACCOUNT, tdArn, withInvokingEvent } from '../helpers/fixtures';

const ecs = mockClient(ECSClient);
const config = mockClient(ConfigServiceClient);
const sts = mockClient(STSClient);

const settings = { maxAttempts: 1, ecsConcurrency: 4, ecsRateShare: 1, concurrency: 1, refreshHours: 24 };
const quietLogger = () => new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const metrics = () => new Metrics({ namespace: 'Test', serviceName: 'test' });

/** Unpaced clients: the token buckets have their own tests, and would make big accounts slow here. */
function handlerFor(world: { ecs: FakeEcsAccount; config?: FakeConfigAccount }, logger = quietLogger()) {
  fakeEcs(ecs, world.ecs);
  const puts = fakeConfig(config, world.config ?? {});
  const handler = createHandler({
    logger,
    metrics: metrics(),
    settings,
    clientsFor: async (target) => createAwsClients({ region: target.region, maxAttempts: 1 }, new CallCounter()),
    put: { baseDelayMs: 1 },
  });
  return { handler, puts };
}

const byId = (evaluations: ReadonlyArray<{ ComplianceResourceId?: string; ComplianceType?: string }>) =>
  Object.fromEntries(evaluations.map((e) => [e.ComplianceResourceId, e.ComplianceType]));

beforeEach(() => {
  ecs.reset();
  config.reset();
  sts.reset();
});

describe('change notifications', () => {
  const prod = (tasks: FakeEcsAccount['clusters'][string], batchStatus = 'ACTIVE') => ({
    ecs: { clusters: { 'prod-a': tasks, 'prod-b': [] }, taskDefinitions: { [tdArn('batch', 1)]: { pidMode: 'host', status: batchStatus } } },
  });

  it('reports NON_COMPLIANT for a host revision with a running task, under the resourceId Config gave', async () => {
    const { handler, puts } = handlerFor(prod([{ taskDefinitionArn: tdArn('web-host', 3), group: 'service:api' }]));
    await handler(loadEvent('change-host-running'));
    expect(puts.calls).toHaveLength(1);
    const [evaluation] = puts.all();
    expect(evaluation).toMatchObject({
      ComplianceResourceType: 'AWS::ECS::TaskDefinition',
      ComplianceResourceId: 'web-host',
      ComplianceType: 'NON_COMPLIANT',
      OrderingTimestamp: new Date('2026-11-28T10:15:30.123Z'),
    });
    expect(evaluation?.Annotation).toBe("pidMode=host: containers share the host's process namespace; 1 running task in 1 cluster (prod-a); services: api");
    expect(puts.calls[0]?.resultToken).toBe('result-token-from-config');
    expect(puts.calls[0]?.testMode).toBeUndefined();
  });

  it('looks for the family in every cluster and matches the exact revision', async () => {
    const { handler, puts } = handlerFor(prod([{ taskDefinitionArn: tdArn('batch', 2) }]));
    await handler(loadEvent('change-host-not-running'));
    expect(byId(puts.all())).toEqual({ 'batch:1': 'NOT_APPLICABLE' });
    expect(ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ family: 'batch', desiredStatus: 'RUNNING', cluster: expect.stringMatching(/cluster\/prod-a$/) }),
      expect.objectContaining({ family: 'batch', desiredStatus: 'RUNNING', cluster: expect.stringMatching(/cluster\/prod-b$/) }),
    ]);
  });

  it.each([
    ['change-task-running', 'api:7', 'COMPLIANT', tdArn('api', 7)],
    ['change-unset-inactive-running', 'worker:2', 'COMPLIANT', tdArn('worker', 2)],
  ] as const)('%s: %s is not host-mode, so it costs no ECS call and is left to the periodic sweep (never %s from here)', async (fixture, _id, _verdict, arn) => {
    const { handler, puts } = handlerFor(prod([{ taskDefinitionArn: arn, lastStatus: 'PENDING' }]));
    const summary = await handler(loadEvent(fixture));
    expect(summary).toMatchObject({ sent: 0, deferred: 1 });
    expect(puts.calls).toHaveLength(0);
    expect(ecs.calls()).toHaveLength(0);
  });

  it('leaves a revision that is no longer ACTIVE and was not found through the family filter to the periodic sweep', async () => {
    const logger = quietLogger();
    const info = jest.spyOn(logger, 'info');
    // The item still says ACTIVE; ECS says the revision has since been deregistered.
    const { handler, puts } = handlerFor(prod([], 'INACTIVE'), logger);
    const summary = await handler(loadEvent('change-host-not-running'));
    expect(puts.calls).toHaveLength(0);
    expect(summary.deferred).toBe(1);
    expect(info).toHaveBeenCalledWith(expect.stringMatching(/left to the periodic sweep/), { resourceId: 'batch:1', revisionStatus: 'INACTIVE' });
  });

  it.each([
    ['change-left-scope', 'web-host', /left the rule's scope/],
    ['change-other-type', 'arn:aws:ecs:us-east-1:111111111111:service/prod-a/api', /AWS::ECS::Service is not evaluated/],
  ] as const)('%s -> NOT_APPLICABLE without reading ECS', async (fixture, id, why) => {
    const { handler, puts } = handlerFor(prod([{ taskDefinitionArn: tdArn('web-host', 3) }]));
    await handler(loadEvent(fixture));
    expect(puts.all()).toEqual([expect.objectContaining({ ComplianceResourceId: id, ComplianceType: 'NOT_APPLICABLE', Annotation: expect.stringMatching(why) })]);
    expect(ecs.calls()).toHaveLength(0);
  });

  it.each([
    ['change-deleted', 'old:4', /ResourceDeleted/],
    ['change-not-recorded', 'quiet:1', /ResourceNotRecorded/],
  ] as const)('%s -> NOT_APPLICABLE once ECS no longer knows the revision either (one DescribeTaskDefinition, no scan)', async (fixture, id, why) => {
    const { handler, puts } = handlerFor(prod([{ taskDefinitionArn: tdArn('web-host', 3) }]));
    await handler(loadEvent(fixture));
    expect(puts.all()).toEqual([expect.objectContaining({ ComplianceResourceId: id, ComplianceType: 'NOT_APPLICABLE', Annotation: expect.stringMatching(why) })]);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    expect(ecs.commandCalls(ListTasksCommand)).toHaveLength(0);
  });

  it('reports NON_COMPLIANT for a deleted item whose host-mode revision ECS still describes and runs (never a false NOT_APPLICABLE)', async () => {
    const world = prod([{ taskDefinitionArn: tdArn('old', 4) }]);
    const { handler, puts } = handlerFor({ ecs: { ...world.ecs, taskDefinitions: { [tdArn('old', 4)]: { pidMode: 'host', status: 'DELETE_IN_PROGRESS' } } } });
    await handler(loadEvent('change-deleted'));
    expect(byId(puts.all())).toEqual({ 'old:4': 'NON_COMPLIANT' });
  });

  it('fails, reporting nothing, when ECS cannot say whether a deleted item still exists', async () => {
    const { handler, puts } = handlerFor(prod([]));
    ecs.on(DescribeTaskDefinitionCommand).rejects(awsError('AccessDeniedException', 'not authorized'));
    await expect(handler(loadEvent('change-deleted'))).rejects.toThrow(/^DescribeTaskDefinition failed for revision "arn:aws:ecs:us-east-1:111111111111:task-definition\/old:4": AccessDeniedException/);
    expect(puts.calls).toHaveLength(0);
  });

  it('fetches an oversized item from the configuration history, then decides', async () => {
    const { handler, puts } = handlerFor({
      ecs: { clusters: { 'prod-a': [{ taskDefinitionArn: tdArn('big-host', 9) }] } },
      config: { history: { 'big-host:9': { status: 'OK', arn: tdArn('big-host', 9), configuration: { TaskDefinitionArn: tdArn('big-host', 9), PidMode: 'host' } } } },
    });
    await handler(loadEvent('oversized-host'));
    expect(config.commandCalls(require('@aws-sdk/client-config-service').GetResourceConfigHistoryCommand)[0]?.args[0].input).toEqual({
      resourceType: 'AWS::ECS::TaskDefinition',
      resourceId: 'big-host:9',
      laterTime: new Date('2026-11-28T11:00:00.000Z'),
      limit: 1,
    });
    expect(puts.all()).toEqual([expect.objectContaining({ ComplianceResourceId: 'big-host:9', ComplianceType: 'NON_COMPLIANT', OrderingTimestamp: new Date('2026-11-28T11:00:00.000Z') })]);
  });

  it('fails without a verdict when a cluster is unreadable and the revision was not seen elsewhere', async () => {
    const { handler, puts } = handlerFor(prod([]));
    ecs.on(ListTasksCommand, { cluster: expect.stringMatching(/prod-b$/) as never }).rejects(awsError('AccessDeniedException', 'not authorized'));
    ecs.on(ListTasksCommand).callsFake((input) => {
      if (String(input.cluster).endsWith('prod-b')) throw awsError('AccessDeniedException', 'not authorized');
      return { taskArns: [] };
    });
    const failure = handler(loadEvent('change-host-running'));
    await expect(failure).rejects.toThrow(DiscoveryError);
    await expect(failure).rejects.toThrow(/prod-b \(ListTasks: AccessDeniedException: not authorized\)/);
    expect(puts.calls).toHaveLength(0);
  });

  it('reports an established NON_COMPLIANT, then fails naming the unreadable cluster', async () => {
    const { handler, puts } = handlerFor(prod([{ taskDefinitionArn: tdArn('web-host', 3) }]));
    ecs.on(DescribeTasksCommand).callsFake(() => ({
      tasks: [{ taskDefinitionArn: tdArn('web-host', 3), lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }],
    }));
    ecs.on(ListTasksCommand).callsFake((input) => {
      if (String(input.cluster).endsWith('prod-b')) throw awsError('ThrottlingException', 'Rate exceeded');
      return { taskArns: ['arn:aws:ecs:us-east-1:111111111111:task/prod-a/1'] };
    });
    await expect(handler(loadEvent('change-host-running'))).rejects.toThrow(/1 cluster\(s\): prod-b \(ListTasks: ThrottlingException/);
    expect(puts.all()).toEqual([expect.objectContaining({ ComplianceType: 'NON_COMPLIANT', Annotation: expect.stringMatching(/at least 1 running task.*1 cluster unreadable/) })]);
  });
});

describe('scheduled notifications', () => {
  const world = {
    ecs: {
      clusters: {
        'prod-a': [
          { taskDefinitionArn: tdArn('web-host', 3), group: 'service:web' },
          { taskDefinitionArn: tdArn('api', 7), group: 'service:api' },
          { taskDefinitionArn: tdArn('old-agent', 1), group: 'service:agent' },
        ],
        'prod-b': [
          { taskDefinitionArn: tdArn('web-host', 3), group: 'service:web' },
          { taskDefinitionArn: tdArn('gone', 1), desiredStatus: 'STOPPED' },
        ],
      },
      taskDefinitions: { [tdArn('old-agent', 1)]: { pidMode: 'host', status: 'INACTIVE' } },
    },
    config: {
      recorded: {
        [tdArn('web-host', 3)]: { resourceId: 'web-host', pidMode: 'host' },
        [tdArn('api', 7)]: { resourceId: 'api:7' },
        [tdArn('batch', 1)]: { resourceId: 'batch:1', pidMode: 'host' },
        [tdArn('api', 6)]: { resourceId: 'api:6' },
      },
      reported: [
        { resourceId: 'web-host', complianceType: 'NON_COMPLIANT' as const },
        { resourceId: 'batch:1', complianceType: 'NON_COMPLIANT' as const },
        { resourceId: 'api:6', complianceType: 'COMPLIANT' as const },
      ],
    },
  };

  it('decides every running revision once and clears stale results', async () => {
    const logger = quietLogger();
    const warn = jest.spyOn(logger, 'warn');
    const { handler, puts } = handlerFor(world, logger);
    const summary = await handler(loadEvent('scheduled'));
    expect(byId(puts.all())).toEqual({
      'web-host': 'NON_COMPLIANT',
      'api:7': 'COMPLIANT',
      // INACTIVE, not recorded by Config, still running: described through ECS, reported under its ARN.
      [tdArn('old-agent', 1)]: 'NON_COMPLIANT',
      'batch:1': 'NOT_APPLICABLE',
      'api:6': 'NOT_APPLICABLE',
    });
    for (const e of puts.all()) expect(e.OrderingTimestamp).toEqual(new Date('2026-11-28T12:00:00.000Z'));
    expect(puts.all().find((e) => e.ComplianceResourceId === 'web-host')?.Annotation).toMatch(/2 running tasks in 2 clusters \(prod-a, prod-b\); services: web/);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/not recorded by AWS Config/), expect.objectContaining({ count: 1 }));
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand)[0]?.args[0].input).toMatchObject({
      ConfigRuleName: 'ecs-task-definition-pid-mode-in-use',
      ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
    });
    expect(summary).toMatchObject({ clusters: 2, runningTasks: 4, revisionsInUse: 3, unrecordedRevisions: 1, staleResolved: 2, nonCompliantInUse: 2 });
  });

  it('never calls a running revision stale when the look-up by ARN missed it, and keeps its Config resource ID', async () => {
    const { handler, puts } = handlerFor({ ...world, config: { ...world.config, missedByArnLookup: [tdArn('web-host', 3)] } });
    await handler(loadEvent('scheduled'));
    const sent = byId(puts.all());
    expect(sent['web-host']).toBe('NON_COMPLIANT'); // under its Config resource ID, never NOT_APPLICABLE
    expect(sent[tdArn('web-host', 3)]).toBeUndefined(); // and no second row under its ARN
    expect(sent['batch:1']).toBe('NOT_APPLICABLE');
  });

  it('leaves alone an earlier result whose resource Config no longer holds: it cannot be named, so it is not called stale', async () => {
    const { handler, puts } = handlerFor({ ...world, config: { ...world.config, reported: [{ resourceId: 'vanished:3', complianceType: 'NON_COMPLIANT' }] } });
    const summary = await handler(loadEvent('scheduled'));
    expect(byId(puts.all())['vanished:3']).toBeUndefined();
    expect(summary.unresolved).toBe(1);
  });

  it('sets the result of a revision Config has deleted NOT_APPLICABLE once its history names it and it is not running (a lost ResourceDeleted event)', async () => {
    const { handler, puts } = handlerFor({
      ...world,
      config: {
        ...world.config,
        reported: [...world.config.reported, { resourceId: 'deleted-agent', complianceType: 'NON_COMPLIANT' }],
        history: { 'deleted-agent': { status: 'ResourceDeleted', arn: tdArn('deleted-agent', 2), configuration: {} } },
      },
    });
    const summary = await handler(loadEvent('scheduled'));
    expect(puts.all()).toEqual(
      expect.arrayContaining([expect.objectContaining({ ComplianceResourceId: 'deleted-agent', ComplianceType: 'NOT_APPLICABLE', Annotation: expect.stringMatching(/^Deleted: /) })]),
    );
    expect(summary).toMatchObject({ deletedResolved: 1, unresolved: 0 });
  });

  it('keeps reporting a deleted revision that still runs under the resource ID Config gave it, with pidMode from ECS', async () => {
    const { handler, puts } = handlerFor({
      ecs: { ...world.ecs, taskDefinitions: { ...world.ecs.taskDefinitions, [tdArn('ghost', 2)]: { pidMode: 'host', status: 'INACTIVE' } }, clusters: { ...world.ecs.clusters, 'prod-c': [{ taskDefinitionArn: tdArn('ghost', 2) }] } },
      config: {
        ...world.config,
        reported: [...world.config.reported, { resourceId: 'ghost-2', complianceType: 'NON_COMPLIANT' }],
        history: { 'ghost-2': { status: 'ResourceDeleted', arn: tdArn('ghost', 2), configuration: {} } },
      },
    });
    await handler(loadEvent('scheduled'));
    const sent = byId(puts.all());
    expect(sent['ghost-2']).toBe('NON_COMPLIANT');
    expect(sent[tdArn('ghost', 2)]).toBeUndefined();
  });

  it('reads pidMode from ECS when the Config item has no configuration: never COMPLIANT by default', async () => {
    const { handler, puts } = handlerFor({
      ...world,
      config: { ...world.config, recorded: { ...world.config.recorded, [tdArn('web-host', 3)]: { resourceId: 'web-host', missingConfiguration: true } }, reported: [] },
      ecs: { ...world.ecs, taskDefinitions: { ...world.ecs.taskDefinitions, [tdArn('web-host', 3)]: { pidMode: 'host' } } },
    });
    const summary = await handler(loadEvent('scheduled'));
    expect(byId(puts.all())['web-host']).toBe('NON_COMPLIANT');
    expect(summary.missingConfiguration).toBe(1);
  });

  it('does not count a task whose desiredStatus is STOPPED even when ListTasks lists it', async () => {
    const { handler, puts } = handlerFor(world);
    ecs.on(ListTasksCommand).callsFake((input) => ({ taskArns: String(input.cluster).endsWith('prod-a') ? ['arn:aws:ecs:us-east-1:111111111111:task/prod-a/1'] : [] }));
    ecs.on(DescribeTasksCommand).callsFake(() => ({ tasks: [{ taskDefinitionArn: tdArn('web-host', 3), lastStatus: 'RUNNING', desiredStatus: 'STOPPED' }] }));
    await handler(loadEvent('scheduled'));
    expect(byId(puts.all())['web-host']).toBe('NOT_APPLICABLE');
  });

  it('re-sends an unchanged verdict once the last report is older than RULE_REFRESH_HOURS', async () => {
    const annotation = "pidMode=host: containers share the host's process namespace; 2 running tasks in 2 clusters (prod-a, prod-b); services: web";
    const old = new Date(Date.parse('2026-11-28T12:00:00.000Z') - 72 * 3_600_000);
    const { handler, puts } = handlerFor({ ...world, config: { ...world.config, reported: [{ resourceId: 'web-host', complianceType: 'NON_COMPLIANT', annotation, recordedAt: old }] } });
    const summary = await handler(loadEvent('scheduled'));
    expect(byId(puts.all())['web-host']).toBe('NON_COMPLIANT');
    expect(summary).toMatchObject({ refreshed: 1, unchanged: 0 });
  });

  it('returns counts, not the evaluations it sent (Lambda responses are capped at 6 MB)', async () => {
    const { handler } = handlerFor(world);
    const summary = await handler(loadEvent('scheduled'));
    expect(summary).not.toHaveProperty('evaluations');
    expect(summary).toMatchObject({ sent: 5, byCompliance: { COMPLIANT: 1, NON_COMPLIANT: 2, NOT_APPLICABLE: 2 } });
    expect(JSON.stringify(summary).length).toBeLessThan(1000);
  });

  it('names the operation, the batch and the cause when PutEvaluations itself fails', async () => {
    const { handler } = handlerFor(world);
    config.on(PutEvaluationsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(handler(loadEvent('scheduled'))).rejects.toThrow(/^PutEvaluations failed for batch 1 of 1 \(5 evaluation\(s\); 0 reported before it\): ThrottlingException: Rate exceeded$/);
  });

  it('retires a row it had reported under the ARN once Config records the revision', async () => {
    const { handler, puts } = handlerFor({
      ...world,
      config: {
        ...world.config,
        recorded: { ...world.config.recorded, [tdArn('old-agent', 1)]: { resourceId: 'old-agent:1', pidMode: 'host' } },
        reported: [{ resourceId: tdArn('old-agent', 1), complianceType: 'NON_COMPLIANT' }],
      },
    });
    await handler(loadEvent('scheduled'));
    expect(puts.all()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ComplianceResourceId: 'old-agent:1', ComplianceType: 'NON_COMPLIANT' }),
        expect.objectContaining({ ComplianceResourceId: tdArn('old-agent', 1), ComplianceType: 'NOT_APPLICABLE', Annotation: 'Reported under its AWS Config resource ID old-agent:1 now' }),
      ]),
    );
  });

  it('describes at most 100 tasks a call even when a ListTasks page holds more', async () => {
    const tasks = Array.from({ length: 150 }, () => ({ taskDefinitionArn: tdArn('api', 7) }));
    const { handler } = handlerFor({ ...world, ecs: { clusters: { big: tasks } } });
    ecs.on(ListTasksCommand).callsFake(() => ({ taskArns: Array.from({ length: 150 }, (_, i) => `arn:aws:ecs:us-east-1:111111111111:task/big/${String(i).padStart(32, '0')}`) }));
    await handler(loadEvent('scheduled'));
    expect(ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks?.length)).toEqual([100, 50]);
  });

  it('fails a cluster whose tasks come back without a task definition ARN rather than guess', async () => {
    const { handler, puts } = handlerFor(world);
    ecs.on(DescribeTasksCommand).callsFake(() => ({ tasks: [{ taskArn: 't', lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }] }));
    await expect(handler(loadEvent('scheduled'))).rejects.toThrow(/EcsResponseError: DescribeTasks returned a task without taskDefinitionArn/);
    expect(byId(puts.all())).toEqual({});
  });

  it('does not send again a verdict identical to the one last reported (each evaluation is billed)', async () => {
    const annotation = "pidMode=host: containers share the host's process namespace; 2 running tasks in 2 clusters (prod-a, prod-b); services: web";
    const { handler, puts } = handlerFor({
      ...world,
      config: { ...world.config, reported: [{ resourceId: 'web-host', complianceType: 'NON_COMPLIANT', annotation }, { resourceId: 'api:7', complianceType: 'COMPLIANT', annotation: 'pidMode not set (private namespace); 5 running tasks in 1 cluster (prod-a); services: api' }] },
    });
    const summary = await handler(loadEvent('scheduled'));
    // api:7 is sent again: its annotation (task count) changed.
    expect(byId(puts.all())).toEqual({ 'api:7': 'COMPLIANT', [tdArn('old-agent', 1)]: 'NON_COMPLIANT' });
    expect(summary.unchanged).toBe(1);
  });

  it('sends TestMode when the result token is TESTMODE', async () => {
    const { handler, puts } = handlerFor(world);
    await handler(loadEvent('scheduled-testmode'));
    expect(puts.calls.every((c) => c.testMode === true && c.resultToken === 'TESTMODE')).toBe(true);
  });

  it('pages through more than 100 clusters and 100 tasks, describing at most 100 tasks a call', async () => {
    const clusters: FakeEcsAccount['clusters'] = {};
    for (let c = 0; c < 150; c++) clusters[`c${c}`] = c === 7 ? Array.from({ length: 250 }, (_, i) => ({ taskDefinitionArn: tdArn('svc', (i % 3) + 1) })) : [];
    const { handler, puts } = handlerFor({ ecs: { clusters }, config: { recorded: { [tdArn('svc', 1)]: { resourceId: 'svc:1' }, [tdArn('svc', 2)]: { resourceId: 'svc:2', pidMode: 'host' }, [tdArn('svc', 3)]: { resourceId: 'svc:3' } } } });
    const summary = await handler(loadEvent('scheduled'));
    expect(ecs.commandCalls(ListClustersCommand)).toHaveLength(2);
    expect(ecs.commandCalls(ListTasksCommand)).toHaveLength(150 + 2);
    expect(ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks?.length)).toEqual([100, 100, 50]);
    expect(summary.runningTasks).toBe(250);
    expect(byId(puts.all())).toEqual({ 'svc:1': 'COMPLIANT', 'svc:2': 'NON_COMPLIANT', 'svc:3': 'COMPLIANT' });
  });

  it('reports more than 100 evaluations in batches of at most 100', async () => {
    const tasks = Array.from({ length: 230 }, (_, i) => ({ taskDefinitionArn: tdArn(`fam${i}`, 1) }));
    const recorded = Object.fromEntries(tasks.map((t, i) => [t.taskDefinitionArn, { resourceId: `fam${i}:1` }]));
    const { handler, puts } = handlerFor({ ecs: { clusters: { big: tasks } }, config: { recorded } });
    await handler(loadEvent('scheduled'));
    expect(puts.calls.map((c) => c.evaluations.length)).toEqual([100, 100, 30]);
  });

  it('fails naming the cluster when one is AccessDenied, reports established verdicts, and clears nothing', async () => {
    const { handler, puts } = handlerFor(world);
    ecs.on(ListTasksCommand).callsFake((input) => {
      if (String(input.cluster).endsWith('prod-b')) throw awsError('AccessDeniedException', 'User is not authorized to perform: ecs:ListTasks');
      return { taskArns: ['arn:aws:ecs:us-east-1:111111111111:task/prod-a/1'] };
    });
    ecs.on(DescribeTasksCommand).callsFake(() => ({ tasks: [{ taskDefinitionArn: tdArn('api', 7), lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }] }));
    await expect(handler(loadEvent('scheduled'))).rejects.toThrow(/ECS in-use discovery failed in 1 cluster\(s\): prod-b \(ListTasks: AccessDeniedException/);
    // batch:1 and api:6 were reported before and were not seen: with prod-b unread they stay as they are.
    expect(byId(puts.all())).toEqual({ 'api:7': 'COMPLIANT' });
  });

  it('counts a cluster deleted during the sweep as running nothing, and still clears stale results', async () => {
    const { handler, puts } = handlerFor(world);
    ecs.on(ListTasksCommand).callsFake((input) => {
      if (String(input.cluster).endsWith('prod-b')) throw awsError('ClusterNotFoundException', 'Cluster not found.');
      return { taskArns: ['arn:aws:ecs:us-east-1:111111111111:task/prod-a/1'] };
    });
    ecs.on(DescribeTasksCommand).callsFake(() => ({ tasks: [{ taskDefinitionArn: tdArn('api', 7), lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }] }));
    await handler(loadEvent('scheduled'));
    expect(byId(puts.all())).toEqual({ 'api:7': 'COMPLIANT', 'web-host': 'NOT_APPLICABLE', 'batch:1': 'NOT_APPLICABLE', 'api:6': 'NOT_APPLICABLE' });
  });

  it('fails with nothing reported when ListClusters fails', async () => {
    const { handler, puts } = handlerFor(world);
    ecs.on(ListClustersCommand).rejects(awsError('AccessDeniedException'));
    await expect(handler(loadEvent('scheduled'))).rejects.toThrow(/\(ListClusters\) \(AccessDeniedException/);
    expect(puts.calls).toHaveLength(0);
  });

  it('retries FailedEvaluations, then succeeds', async () => {
    const { handler } = handlerFor(world);
    const sent: number[] = [];
    config
      .on(PutEvaluationsCommand)
      .callsFakeOnce((input) => {
        sent.push(input.Evaluations.length);
        return { FailedEvaluations: input.Evaluations.slice(0, 2) };
      })
      .callsFake((input) => {
        sent.push(input.Evaluations.length);
        return { FailedEvaluations: [] };
      });
    await handler(loadEvent('scheduled'));
    expect(sent).toEqual([5, 2]);
  });

  it('sends the whole batch again when FailedEvaluations cannot be matched to what was sent', async () => {
    const { handler } = handlerFor(world);
    const sent: number[] = [];
    config
      .on(PutEvaluationsCommand)
      .callsFakeOnce((input) => {
        sent.push(input.Evaluations.length);
        return { FailedEvaluations: [{ ComplianceResourceType: 'AWS::ECS::TaskDefinition', ComplianceResourceId: 'someone-else' }] };
      })
      .callsFake((input) => {
        sent.push(input.Evaluations.length);
        return { FailedEvaluations: [] };
      });
    await handler(loadEvent('scheduled'));
    expect(sent).toEqual([5, 5]);
  });

  it('fails the invocation when FailedEvaluations persist', async () => {
    const { handler } = handlerFor(world);
    config.on(PutEvaluationsCommand).callsFake((input) => ({ FailedEvaluations: input.Evaluations.slice(0, 1) }));
    await expect(handler(loadEvent('scheduled'))).rejects.toThrow(PutEvaluationsError);
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(4);
  });
});

describe('bad input', () => {
  it.each<[string, unknown, new (...a: any[]) => Error]>([
    ['invokingEvent not JSON', { ...loadEvent('scheduled'), invokingEvent: 'not json' }, InvalidEventError],
    ['unknown messageType', withInvokingEvent('scheduled', (i) => (i.messageType = 'Nope')), InvalidEventError],
    ['missing configurationItem', withInvokingEvent('change-host-running', (i) => (i.configurationItem = null)), InvalidEventError],
    ['malformed parameters', { ...loadEvent('scheduled'), ruleParameters: '{"ExecutionRoleName":' }, InvalidRuleParametersError],
    ['unknown parameter', { ...loadEvent('scheduled'), ruleParameters: '{"Role":"x"}' }, InvalidRuleParametersError],
    ['null event', null, InvalidEventError],
  ])('rejects %s with a typed error and sends nothing', async (_label, event, type) => {
    const { handler } = handlerFor({ ecs: { clusters: { a: [] } } });
    await expect(handler(event)).rejects.toThrow(type);
    expect(ecs.calls()).toHaveLength(0);
    expect(config.calls()).toHaveLength(0);
  });

  it('rejects an unrecognised pidMode without a verdict', async () => {
    const { handler, puts } = handlerFor({ ecs: { clusters: { a: [{ taskDefinitionArn: tdArn('web-host', 3) }] } } });
    const event = withInvokingEvent('change-host-running', (i) => (i.configurationItem.configuration.PidMode = 'hostile'));
    await expect(handler(event)).rejects.toThrow(/unrecognised pidMode/);
    expect(puts.calls).toHaveLength(0);
  });
});

describe('cross-account', () => {
  it('assumes ExecutionRoleName in the event account and calls ECS and Config with its credentials', async () => {
    fakeEcs(ecs, { account: MEMBER_ACCOUNT, clusters: { m: [{ taskDefinitionArn: tdArn('web', 1, MEMBER_ACCOUNT) }] } });
    const puts = fakeConfig(config, { recorded: { [tdArn('web', 1, MEMBER_ACCOUNT)]: { resourceId: 'web:1', pidMode: 'host' } } });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAMEMBER', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) },
    });
    const used: string[] = [];
    ecs.on(ListClustersCommand).callsFake(async (_input, getClient) => {
      used.push((await (getClient().config.credentials as () => Promise<{ accessKeyId: string }>)()).accessKeyId);
      return { clusterArns: [`arn:aws:ecs:us-east-1:${MEMBER_ACCOUNT}:cluster/m`] };
    });
    const handler = createHandler({ logger: quietLogger(), metrics: metrics(), settings, put: { baseDelayMs: 1 } });
    await handler(loadEvent('scheduled-cross-account'));
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/EcsPidModeRuleExecution`,
      RoleSessionName: 'ecs-pid-mode-rule',
    });
    expect(used).toEqual(['ASIAMEMBER']);
    expect(byId(puts.all())).toEqual({ 'web:1': 'NON_COMPLIANT' });
    expect(config.commandCalls(GetComplianceDetailsByConfigRuleCommand)[0]?.args[0].input.ConfigRuleName).toBe('OrgConfigRule-ecs-pid-mode-in-use-x1y2z3');
  });

  it('fails naming the role ARN when AssumeRole is denied, and sends nothing', async () => {
    sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 'not authorized to perform sts:AssumeRole'));
    const handler = createHandler({ logger: quietLogger(), metrics: metrics(), settings });
    const failure = handler(loadEvent('scheduled-cross-account'));
    await expect(failure).rejects.toThrow(AssumeRoleError);
    await expect(failure).rejects.toThrow(`arn:aws:iam::${MEMBER_ACCOUNT}:role/EcsPidModeRuleExecution`);
    expect(ecs.calls()).toHaveLength(0);
    expect(config.calls()).toHaveLength(0);
  });
});

describe('logging', () => {
  it('logs identifiers and counts, never the configuration item or its environment values', async () => {
    const lines: string[] = [];
    const capture = (chunk: any): boolean => {
      lines.push(String(chunk));
      return true;
    };
    const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
    try {
      const logger = new Logger({ serviceName: 'test', logLevel: 'DEBUG' });
      const { handler } = handlerFor({ ecs: { clusters: { a: [{ taskDefinitionArn: tdArn('web-host', 3) }] } } }, logger);
      await handler(loadEvent('change-host-running'));
      await expect(handler(withInvokingEvent('change-host-running', (i) => (i.configurationItem.configuration.PidMode = 'hunter2-do-not-log')))).rejects.toThrow();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const output = lines.join('');
    expect(output).toContain('evaluation reported');
    expect(output).toContain('"configRuleName":"ecs-task-definition-pid-mode-in-use"');
    expect(output).toContain('evaluation failed');
    expect(output).not.toContain('hunter2');
    expect(output).not.toContain('ContainerDefinitions');
    expect(output).not.toContain('invokingEvent');
  });
});
