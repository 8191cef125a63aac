import { createHash } from 'node:crypto';

import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { SelectResourceConfigCommand } from '@aws-sdk/client-config-service';

import {
  expectedVerdicts,
  generateAccount,
  startSimulator,
  SIM_SECRET_PREFIX,
  type GenerateAccountOptions,
} from '../../tools/simulator';
import { configClient, ecsClient } from './helpers';

const base: GenerateAccountOptions = {
  seed: 42,
  accountId: '123456789012',
  clusters: 7,
  tasks: 900,
  revisions: 400,
  inUseShare: 0.25,
  hostShare: 0.2,
  inactiveInUseShare: 0.3,
  unrecordedShare: 0.05,
  stoppedTasks: 40,
};

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('generateAccount', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(digest(generateAccount(base))).toBe(digest(generateAccount(base)));
    expect(digest(generateAccount({ ...base, seed: 43 }))).not.toBe(digest(generateAccount(base)));
  });

  it('matches the requested counts and shares', () => {
    const { account, stats } = generateAccount(base);
    const tds = account.taskDefinitions ?? [];
    const tasks = (account.clusters ?? []).flatMap((c) => c.tasks ?? []);
    expect(account.clusters).toHaveLength(7);
    expect(tds).toHaveLength(400);
    expect(tasks.filter((t) => t.desiredStatus === 'RUNNING')).toHaveLength(900);
    expect(tasks.filter((t) => t.desiredStatus === 'STOPPED')).toHaveLength(40);
    // Every cluster gets a share of the tasks.
    for (const cluster of account.clusters ?? []) expect(cluster.tasks?.length).toBeGreaterThan(50);

    const verdicts = expectedVerdicts(account);
    const inUse = verdicts.filter((v) => v.inUse);
    expect(inUse).toHaveLength(100);
    expect(stats.inUse).toBe(100);
    expect(inUse.filter((v) => v.pidMode === 'host')).toHaveLength(20);
    expect(verdicts.filter((v) => !v.inUse && v.pidMode === 'host')).toHaveLength(60);
    expect(inUse.filter((v) => v.status === 'INACTIVE')).toHaveLength(30);
    expect(verdicts.filter((v) => !v.recorded)).toHaveLength(20);
    expect(verdicts.filter((v) => v.expected === 'NON_COMPLIANT')).toHaveLength(stats.expectedNonCompliant);
    expect(verdicts.filter((v) => v.expected === 'COMPLIANT')).toHaveLength(stats.expectedCompliant);
    expect(stats.expectedNonCompliant + stats.expectedCompliant).toBe(100 - inUse.filter((v) => !v.recorded).length);
  });

  it('puts host mode only on EC2 or external capacity and never runs it on Fargate', () => {
    const { account } = generateAccount(base);
    const byArn = new Map(expectedVerdicts(account).map((v) => [v.taskDefinitionArn, v]));
    for (const td of account.taskDefinitions ?? []) {
      if (td.pidMode === 'host') expect(td.requiresCompatibilities).not.toContain('FARGATE');
      if (td.requiresCompatibilities?.includes('FARGATE')) expect([undefined, 'task']).toContain(td.pidMode);
    }
    const tasks = (account.clusters ?? []).flatMap((c) => c.tasks ?? []);
    for (const task of tasks) {
      if (byArn.get(task.taskDefinitionArn)?.pidMode === 'host') expect(['EC2', 'EXTERNAL']).toContain(task.launchType);
    }
    expect(tasks.some((t) => t.launchType === 'FARGATE')).toBe(true);
    // Stopped tasks sit only on unused revisions, so counting them as use would show.
    for (const task of tasks.filter((t) => t.desiredStatus === 'STOPPED')) {
      expect(byArn.get(task.taskDefinitionArn)?.inUse).toBe(false);
    }
  });

  it('plants a fake secret in every container environment', () => {
    const { account } = generateAccount(base);
    for (const td of account.taskDefinitions ?? []) {
      const values = (td.containerDefinitions ?? []).flatMap((c) => c.environment ?? []).map((e) => e.value);
      expect(values.some((v) => v.startsWith(SIM_SECRET_PREFIX))).toBe(true);
    }
  });

  it('names resources in the requested style, opaque ids unrelated to the ARN', () => {
    const ids = (style: GenerateAccountOptions['resourceIdStyle']) =>
      (generateAccount({ ...base, resourceIdStyle: style }).account.taskDefinitions ?? []).map((td) => td.resourceId ?? '');
    expect(ids('family-revision')[0]).toBe('app-00:1');
    expect(ids('arn')[0]).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/app-00:1');
    expect(ids('family')[0]).toBe('app-00');
    const opaque = ids('opaque');
    expect(new Set(opaque).size).toBe(400);
    for (const id of opaque) {
      expect(id).toMatch(/^tdrev-[0-9a-f]{16}$/);
    }
  });

  it('refuses impossible requests', () => {
    expect(() => generateAccount({ ...base, tasks: 10 })).toThrow(/tasks/);
    expect(() => generateAccount({ ...base, hostShare: 1.5 })).toThrow(/hostShare/);
    expect(() => generateAccount({ ...base, clusters: 0 })).toThrow(/cluster/);
  });

  it('builds a 200-cluster, 100,000-task, 20,000-revision account quickly and serves it page by page', async () => {
    const started = performance.now();
    const { account, stats } = generateAccount({
      seed: 7,
      accountId: '210987654321',
      clusters: 200,
      tasks: 100_000,
      revisions: 20_000,
      inUseShare: 0.3,
      hostShare: 0.1,
      resourceIdStyle: 'opaque',
    });
    const generatedMs = performance.now() - started;
    expect(stats).toMatchObject({ clusters: 200, runningTasks: 100_000, revisions: 20_000, inUse: 6000, inUseHost: 600 });
    expect(generatedMs).toBeLessThan(3000);

    const sim = await startSimulator({ scenario: { accounts: [account] }, throttling: false });
    const loadedMs = performance.now() - started;
    expect(loadedMs).toBeLessThan(6000);
    const creds = { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey };
    const ecs = ecsClient(sim.url, creds);
    const config = configClient(sim.url, creds);
    try {
      const cluster = account.clusters?.[0]?.name ?? '';
      const first = await ecs.send(new ListTasksCommand({ cluster }));
      expect(first.taskArns).toHaveLength(100);
      // Later pages and describes are served from per-cluster indexes, not by scanning the account.
      const t0 = performance.now();
      for (let i = 0; i < 20; i++) {
        await ecs.send(new ListTasksCommand({ cluster, nextToken: first.nextToken }));
        await ecs.send(new DescribeTasksCommand({ cluster, tasks: first.taskArns }));
      }
      expect((performance.now() - t0) / 20).toBeLessThan(50);

      const Expression = "SELECT resourceId, arn WHERE resourceType = 'AWS::ECS::TaskDefinition' AND configuration.PidMode = 'host'";
      const page1 = await config.send(new SelectResourceConfigCommand({ Expression, Limit: 100 }));
      expect(page1.Results).toHaveLength(100);
      const t1 = performance.now();
      const page2 = await config.send(new SelectResourceConfigCommand({ Expression, Limit: 100, NextToken: page1.NextToken }));
      expect(page2.Results).toHaveLength(100);
      expect(performance.now() - t1).toBeLessThan(50);
    } finally {
      ecs.destroy();
      config.destroy();
      await sim.stop();
    }
  });
});
