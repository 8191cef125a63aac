/**
 * `npm run bench -- --change-burst`: what a burst of 100 change events costs the account's ECS
 * budget (Config recording an account for the first time, or a deploy wave registering revisions).
 * The built bundle runs in C execution environments at once (C fresh module instances in this
 * process, each with its own pacing, as Lambda's environments have), against the simulator with
 * ECS throttling on. Then one periodic sweep runs and every stored verdict is checked against the
 * oracle. Definitions: docs/performance.md, "Change-event bursts".
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

import { applyLambdaEnvironment, captureOutput, type LambdaHandler } from '../lib/handler-host';
import { changeEvent, expectedVerdicts, generateAccount, lambdaContext, latestItem, scheduledEvent, startSimulator, type Simulator } from '../simulator';
import { mulberry32 } from '../simulator/random';

const ROOT = resolve(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'handler.js');
const ACCOUNT = '100000000001';
const RULE = 'ecs-pid-mode-host-in-use';
/** The burst the issue measured: 62 unused, 31 in use and compliant, 2 host-mode in use, 5 not ACTIVE and unused. */
const MIX = { unused: 62, inUseCompliant: 31, inUseHost: 2, notActiveUnused: 5 } as const;
/** ECS's documented refill for the cluster-resource bucket (ListTasks, DescribeTasks), per second. */
const CLUSTER_RESOURCE_REFILL = 20;

export interface BurstResult {
  readonly point: string;
  readonly concurrency: number;
  readonly events: number;
  readonly ecsCalls: Record<string, number>;
  readonly clusterResourceCalls: number;
  readonly callsPerEvent: number;
  readonly bucketSeconds: number;
  readonly throttled: number;
  readonly failedInvocations: number;
  readonly wallSeconds: number;
}

export interface BurstPointResult {
  readonly point: string;
  readonly bursts: BurstResult[];
  /** ListTasks + DescribeTasks of one periodic sweep of the same account, for comparison. */
  readonly sweepClusterResourceCalls: number;
  readonly mismatches: number;
  readonly checked: number;
}

function freshHandler(): LambdaHandler {
  const load = createRequire(BUNDLE);
  delete load.cache[BUNDLE];
  const handler = (load(BUNDLE) as { handler: LambdaHandler }).handler;
  delete load.cache[BUNDLE];
  return handler;
}

async function burst(sim: Simulator, events: unknown[], concurrency: number, point: string): Promise<BurstResult> {
  process.env.RULE_CONCURRENCY = String(concurrency);
  const environments = Array.from({ length: concurrency }, freshHandler);
  sim.resetCounters();
  const queue = [...events];
  let failed = 0;
  const started = performance.now();
  await captureOutput(() =>
    Promise.all(
      environments.map(async (handler) => {
        for (let event = queue.shift(); event !== undefined; event = queue.shift()) {
          await handler(event, lambdaContext()).catch(() => (failed += 1));
        }
      }),
    ),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const counters = sim.counters();
  const ecsCalls = { ...(counters.calls[ACCOUNT]?.ecs ?? {}) };
  const clusterResourceCalls = (ecsCalls.ListTasks ?? 0) + (ecsCalls.DescribeTasks ?? 0);
  return {
    point,
    concurrency,
    events: events.length,
    ecsCalls,
    clusterResourceCalls,
    callsPerEvent: Object.values(ecsCalls).reduce((a, b) => a + b, 0) / events.length,
    bucketSeconds: clusterResourceCalls / CLUSTER_RESOURCE_REFILL,
    throttled: counters.throttledTotal,
    failedInvocations: failed,
    wallSeconds,
  };
}

export async function runChangeBurstPoint(
  shape: { clusters: number; tasks: number; revisions: number },
  concurrencies: readonly number[],
  seed = 1,
): Promise<BurstPointResult> {
  const point = `${shape.clusters}/${shape.tasks.toLocaleString('en-US')}/${shape.revisions.toLocaleString('en-US')}`;
  const { account } = generateAccount({
    seed,
    accountId: ACCOUNT,
    ...shape,
    inUseShare: 0.3,
    hostShare: 0.1,
    inactiveInUseShare: 0.1,
    revisionsPerFamily: 10,
    resourceIdStyle: 'opaque',
    configRules: [RULE],
  });
  const sim = await startSimulator({ scenario: { accounts: [account] }, latencyMs: 20 });
  try {
    applyLambdaEnvironment({ endpointUrl: sim.url, region: 'us-east-1', accessKeyId: account.accessKeyId!, secretAccessKey: account.secretAccessKey!, extra: { POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true' } });
    const expected = expectedVerdicts(account).filter((r) => r.recorded);
    const random = mulberry32(seed);
    const pick = (rows: typeof expected, n: number) => [...rows].sort(() => random() - 0.5).slice(0, n);
    const chosen = [
      ...pick(expected.filter((r) => !r.inUse && r.status === 'ACTIVE'), MIX.unused),
      ...pick(expected.filter((r) => r.inUse && r.pidMode !== 'host'), MIX.inUseCompliant),
      ...pick(expected.filter((r) => r.inUse && r.pidMode === 'host'), MIX.inUseHost),
      ...pick(expected.filter((r) => !r.inUse && r.status !== 'ACTIVE'), MIX.notActiveUnused),
    ].sort(() => random() - 0.5);
    const token = sim.issueResultToken(ACCOUNT, RULE);
    const events = chosen.map((r) => changeEvent({ accountId: ACCOUNT, configRuleName: RULE, resultToken: token }, latestItem(sim.state, ACCOUNT, { arn: r.taskDefinitionArn })));

    const bursts: BurstResult[] = [];
    for (const c of concurrencies) {
      // Each burst starts from a quiet account: full buckets.
      sim.setThrottling(false);
      sim.setThrottling(true);
      const b = await burst(sim, events, c, point);
      process.stderr.write(`  concurrency ${c}: ${b.clusterResourceCalls} cluster-resource calls, ${b.throttled} throttled, ${b.wallSeconds.toFixed(1)} s\n`);
      bursts.push(b);
    }

    // The next periodic sweep, then every verdict Config holds against the oracle.
    process.stderr.write('  the next periodic sweep...\n');
    process.env.RULE_CONCURRENCY = '1';
    sim.setThrottling(false);
    sim.setThrottling(true);
    sim.resetCounters();
    await captureOutput(() => freshHandler()(scheduledEvent({ accountId: ACCOUNT, configRuleName: RULE, resultToken: token }, Date.now() / 1000), lambdaContext()));
    const sweepCalls = sim.counters().calls[ACCOUNT]?.ecs ?? {};
    const stored = new Map(sim.evaluations(ACCOUNT, RULE).map((e) => [e.resourceId, e.complianceType]));
    const mismatches = expected.filter((r) => (stored.get(r.resourceId) ?? 'NOT_APPLICABLE') !== r.expected).length;
    return {
      point,
      bursts,
      sweepClusterResourceCalls: (sweepCalls.ListTasks ?? 0) + (sweepCalls.DescribeTasks ?? 0),
      mismatches,
      checked: expected.length,
    };
  } finally {
    await sim.stop();
  }
}

export function renderBurstTable(points: readonly BurstPointResult[]): string {
  const ops = ['ListClusters', 'ListTasks', 'DescribeTasks', 'DescribeTaskDefinition'];
  const lines = [
    `| clusters / tasks / revisions | concurrency | ${ops.join(' | ')} | calls per event | cluster-resource calls (one sweep) | bucket s used | throttled | failed | oracle mismatches after the next sweep |`,
    `|---|---:|${ops.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|---|`,
  ];
  for (const p of points) {
    for (const b of p.bursts) {
      lines.push(
        `| ${p.point} | ${b.concurrency} | ${ops.map((o) => (b.ecsCalls[o] ?? 0).toLocaleString('en-US')).join(' | ')} | ${b.callsPerEvent.toFixed(1)} | ` +
          `${b.clusterResourceCalls.toLocaleString('en-US')} (${p.sweepClusterResourceCalls.toLocaleString('en-US')}) | ${b.bucketSeconds.toFixed(1)} | ${b.throttled} | ${b.failedInvocations} | ${p.mismatches} of ${p.checked.toLocaleString('en-US')} |`,
      );
    }
  }
  return lines.join('\n');
}
