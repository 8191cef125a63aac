/**
 * `npm run bench`: periodic sweeps of the BUNDLED rule at scale points, against the simulator
 * running as a child process with ECS throttle buckets on and a per-call latency, each sweep in a
 * fresh process of its own. Reports calls against a lower bound, wall time against the least time
 * the throttle buckets allow, throttling, peak RSS and verdict correctness; plus cold start.
 * Writes bench-results/latest.json and prints the tables; --update-docs rewrites the generated
 * section of docs/performance.md. Definitions: docs/performance.md.
 *
 *   npm run bench                       # all points (about 5 minutes on 2 cores)
 *   npm run bench -- --quick            # first point only
 *   npm run bench -- --points 2,3       # by index, or by shape: --points 50/5000/1000
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { build } from 'esbuild';

import { lambdaEnvironment } from './lib/handler-host';
import { scheduledEvent, type CallTable, type StoredEvaluation } from './simulator';
import { ECS_BUCKETS as SIMULATOR_ECS_BUCKETS } from './simulator/throttle';
import { ECS_BUCKETS, latencyBound, leastTime, lowerBound, total } from './bench/bounds';
import { comparisonBundles, measureColdStart, type ColdStartResult } from './bench/cold-start';
import {
  TARGETS,
  coldStartTable,
  judge,
  machine,
  mainTable,
  operationsTable,
  updateDocs,
  verdictLines,
  type BenchResults,
  type PointResult,
  type SweepResult,
} from './bench/report';
import {
  DEFAULT_POINTS,
  DEFAULT_SHAPE,
  checkVerdicts,
  generate,
  inUseArns,
  pointLabel,
  simulatorFlags,
  stopForRepeat,
  sweepInputs,
  type ScalePoint,
  type ScenarioShape,
} from './bench/scenario';
import { startSimulatorProcess, type SimulatorProcess } from './bench/sim-process';
import type { SweepJob, SweepReport } from './bench/sweep-child';
import { renderBurstTable, runChangeBurstPoint, type BurstPointResult } from './bench/change-burst';

const ROOT = resolve(__dirname, '..');
const BUNDLE = join(ROOT, 'dist/handler.js');
const FUNCTION_NAME = 'ecs-pid-mode-rule';
/** RULE_ECS_CONCURRENCY's default (src/env.ts): the rule runs with its defaults here. */
const RULE_CONCURRENCY = 10;
const SWEEP_TIMEOUT_MS = 900_000;

const log = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

interface Options {
  points: ScalePoint[];
  latencyMs: number;
  shape: ScenarioShape;
  sweeps: 1 | 2;
  coldRuns: number;
  out: string;
  updateDocs: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      points: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'latency-ms': { type: 'string', default: '20' },
      seed: { type: 'string', default: String(DEFAULT_SHAPE.seed) },
      'unrecorded-share': { type: 'string', default: String(DEFAULT_SHAPE.unrecordedShare) },
      sweeps: { type: 'string', default: '2' },
      'cold-runs': { type: 'string', default: '15' },
      out: { type: 'string', default: 'bench-results/latest.json' },
      'update-docs': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    log('usage: npm run bench -- [--quick] [--points 1,3 | --points 10/1000/500,...] [--latency-ms 20] [--seed 1]');
    log('                        [--unrecorded-share 0] [--sweeps 1|2] [--cold-runs 15] [--out FILE] [--update-docs]');
    process.exit(0);
  }
  const number = (name: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}`);
    return n;
  };
  let points = [...DEFAULT_POINTS];
  if (values.quick) points = points.slice(0, 1);
  if (values.points) {
    points = values.points.split(',').map((spec) => {
      const trimmed = spec.trim();
      if (/^\d+$/.test(trimmed)) {
        const point = DEFAULT_POINTS[Number(trimmed) - 1];
        if (!point) throw new Error(`--points: there are ${DEFAULT_POINTS.length} default points, not ${trimmed}`);
        return point;
      }
      const parts = trimmed.split('/').map((n) => Number(n.replace(/[_,]/g, '')));
      if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 1)) {
        throw new Error(`--points: "${trimmed}" is neither an index nor clusters/tasks/revisions`);
      }
      return { clusters: parts[0] as number, tasks: parts[1] as number, revisions: parts[2] as number };
    });
  }
  const sweeps = number('sweeps', values.sweeps, 1);
  if (sweeps !== 1 && sweeps !== 2) throw new Error('--sweeps must be 1 or 2');
  return {
    points,
    latencyMs: number('latency-ms', values['latency-ms'], 0),
    shape: { ...DEFAULT_SHAPE, seed: number('seed', values.seed, 0), unrecordedShare: number('unrecorded-share', values['unrecorded-share'], 0) },
    sweeps,
    coldRuns: number('cold-runs', values['cold-runs'], 0),
    out: values.out ?? 'bench-results/latest.json',
    updateDocs: values['update-docs'] ?? false,
  };
}

/** The sweep process, bundled so that it runs under plain node (no TypeScript loader in its RSS). */
async function buildSweepChild(dir: string): Promise<string> {
  const outfile = join(dir, 'sweep-child.cjs');
  await build({
    entryPoints: [join(ROOT, 'tools/bench/sweep-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  return outfile;
}

const children = new Set<number>();

function runSweep(childPath: string, sim: SimulatorProcess, event: unknown): Promise<SweepReport> {
  const account = sim.accounts[0];
  if (!account) throw new Error('the simulator serves no account');
  const job: SweepJob = { bundlePath: BUNDLE, event, functionName: FUNCTION_NAME };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [childPath, JSON.stringify(job)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        PATH: process.env.PATH ?? '',
        ...lambdaEnvironment({
          endpointUrl: sim.url,
          region: account.region,
          accessKeyId: account.accessKeyId,
          secretAccessKey: account.secretAccessKey,
          functionName: FUNCTION_NAME,
          extra: { POWERTOOLS_LOG_LEVEL: 'INFO' },
        }),
      },
    });
    const pid = child.pid as number;
    children.add(pid);
    let report: SweepReport | undefined;
    let stderr = '';
    child.stdout?.resume();
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
    child.on('message', (message) => (report = message as SweepReport));
    const timer = setTimeout(() => child.kill('SIGKILL'), SWEEP_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(pid);
      if (report) resolvePromise(report);
      else reject(new Error(`sweep process exited (${code ?? signal}) without a report: ${stderr}`));
    });
  });
}

/** accountId -> service -> operation -> n, flattened to operation -> n for one account. */
function byOperation(table: CallTable, accountId: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const operations of Object.values(table[accountId] ?? {})) {
    for (const [op, n] of Object.entries(operations)) out[op] = (out[op] ?? 0) + n;
  }
  return out;
}

async function sweep(
  kind: SweepResult['kind'],
  description: string,
  childPath: string,
  sim: SimulatorProcess,
  point: ScalePoint,
  inputs: ReturnType<typeof sweepInputs>,
  extra: { stoppedRevisions?: number; stoppedTasks?: number },
  options: Options,
  account: Parameters<typeof checkVerdicts>[0],
): Promise<SweepResult> {
  const info = sim.accounts[0];
  if (!info) throw new Error('the simulator serves no account');
  const rule = info.configRules[0] as string;
  await sim.refillBuckets();
  await sim.resetCounters();
  const resultToken = await sim.resultToken(info.accountId, rule);
  const event = scheduledEvent({ accountId: info.accountId, configRuleName: rule, resultToken }, Date.now() / 1000);
  const report = await runSweep(childPath, sim, event);
  const counters = await sim.counters();
  const stored = await sim.evaluations(info.accountId, rule);

  const calls = byOperation(counters.calls, info.accountId);
  const throttledByOperation = byOperation(counters.throttled, info.accountId);
  const faults = byOperation(counters.faults, info.accountId);
  const accepted: Record<string, number> = {};
  for (const [op, n] of Object.entries(calls)) accepted[op] = n - (throttledByOperation[op] ?? 0) - (faults[op] ?? 0);
  const lb = lowerBound(inputs);
  const lbTotal = total(lb);
  const callsTotal = total(calls);
  const least = leastTime(accepted);
  const latency = latencyBound(inputs, options.latencyMs, RULE_CONCURRENCY);
  const wallSeconds = report.durationMs / 1000;
  const boundBy = least.seconds >= TARGETS.leastSecondsJudged ? 'throttle' : 'latency';
  const check = checkVerdicts(account, stored as StoredEvaluation[]);
  const s = report.summary;
  const runningTasks = inputs.runningTasksPerCluster.reduce((a, b) => a + b, 0);
  const summaryAgrees =
    s !== undefined &&
    s.clusters === point.clusters &&
    s.runningTasks === runningTasks &&
    s.revisionsInUse === inputs.inUseArns.length &&
    s.evaluationsSent === inputs.evaluationsToSend;
  const ruleCalls = report.ruleApiCalls ?? {};
  const ruleCountsAgree = Object.keys({ ...ruleCalls, ...calls }).every((op) => (ruleCalls[op] ?? 0) === (calls[op] ?? 0));
  return {
    kind,
    description,
    inputs: {
      clusters: point.clusters,
      runningTasks,
      revisionsInUse: inputs.inUseArns.length,
      recordedInUse: inputs.recordedInUse.size,
      previousResults: inputs.previousResults,
      evaluationsToSend: inputs.evaluationsToSend,
      ...extra,
    },
    lowerBound: lb,
    lowerBoundTotal: lbTotal,
    calls,
    callsTotal,
    callsOverLowerBound: callsTotal / lbTotal,
    throttled: counters.throttledTotal,
    throttledByOperation,
    handlerOk: report.ok,
    ...(report.error ? { error: report.error } : {}),
    wallSeconds,
    loadMs: report.loadMs,
    leastTime: least,
    latencyBound: { roundTrips: latency.roundTrips, seconds: latency.ms / 1000 },
    boundBy,
    wallOverLeast: boundBy === 'throttle' ? wallSeconds / least.seconds : null,
    wallOverLatencyBound: latency.ms > 0 ? wallSeconds / (latency.ms / 1000) : NaN,
    peakRssMb: report.maxRssKb / 1024,
    cpuSeconds: report.cpuMs / 1000,
    mismatches: check.mismatches,
    mismatchExamples: check.examples,
    checkedRevisions: check.checked,
    summaryAgrees,
    ...(s ? { summary: s as unknown as Record<string, unknown> } : {}),
    ruleCountsAgree,
    logLevels: report.logLevels,
    processWarnings: report.processWarnings,
    evaluationsStored: counters.evaluationsStored,
  };
}

async function runPoint(point: ScalePoint, childPath: string, options: Options): Promise<PointResult> {
  const label = pointLabel(point);
  log(`point ${label}: generating the account and starting the simulator (latency ${options.latencyMs} ms, throttling on)`);
  const generated = generate(point, options.shape);
  const account = generated.account;
  const sim = await startSimulatorProcess([...simulatorFlags(point, options.shape), '--latency-ms', String(options.latencyMs), '--throttle'], ROOT);
  children.add(sim.pid);
  try {
    const served = sim.accounts[0]?.stats;
    if (JSON.stringify(served) !== JSON.stringify(generated.stats)) {
      throw new Error(`the simulator generated another account than the benchmark (stats ${JSON.stringify(served)} vs ${JSON.stringify(generated.stats)})`);
    }
    const sweeps: SweepResult[] = [];
    const first = sweepInputs(account, new Set());
    log(`  first sweep: nothing reported yet; ${first.inUseArns.length} revisions in use`);
    sweeps.push(await sweep('first', 'first sweep: nothing reported before', childPath, sim, point, first, {}, options, account));
    printSweep(sweeps.at(-1) as SweepResult);
    if (options.sweeps === 2) {
      const before = inUseArns(account);
      const stopped = stopForRepeat(account);
      await sim.stopTasks(account.accountId, stopped.taskArns);
      const repeat = sweepInputs(account, before);
      log(`  repeat sweep: all ${stopped.taskArns.length} tasks of ${stopped.revisions} in-use revisions stopped; the rest unchanged`);
      sweeps.push(
        await sweep(
          'repeat',
          'repeat sweep: 1% of in-use revisions stopped running since the first',
          childPath,
          sim,
          point,
          repeat,
          { stoppedRevisions: stopped.revisions, stoppedTasks: stopped.taskArns.length },
          options,
          account,
        ),
      );
      printSweep(sweeps.at(-1) as SweepResult);
    }
    return { point, label, stats: generated.stats, simulatorStartupSeconds: sim.startupMs / 1000, sweeps };
  } finally {
    await sim.stop();
    children.delete(sim.pid);
  }
}

function printSweep(s: SweepResult): void {
  const ratio = s.wallOverLeast === null ? 'latency-bound' : `wall/least ${s.wallOverLeast.toFixed(2)}`;
  log(
    `    ${s.handlerOk ? 'ok' : `FAILED: ${s.error ?? ''}`} · ${s.callsTotal} calls (lower bound ${s.lowerBoundTotal}, ${s.callsOverLowerBound.toFixed(3)}) · ` +
      `${s.wallSeconds.toFixed(2)} s (least ${s.leastTime.seconds.toFixed(2)} s, latency bound ${s.latencyBound.seconds.toFixed(2)} s, ${ratio}) · ` +
      `${s.throttled} throttled · ${s.peakRssMb.toFixed(1)} MB, ${s.cpuSeconds.toFixed(1)} CPU s · ${s.mismatches} mismatches`,
  );
  if (s.mismatchExamples.length > 0) for (const e of s.mismatchExamples) log(`      mismatch: ${e}`);
  if (!s.summaryAgrees) log(`      the rule's summary disagrees with the scenario: ${JSON.stringify(s.summary)}`);
  if (!s.ruleCountsAgree) log("      the rule's own call counts differ from the simulator's");
}

/** `--change-burst [--quick] [--update-docs]`: the change-event burst measurement (tools/bench/change-burst.ts). */
async function changeBurstMain(argv: readonly string[]): Promise<number> {
  // --burst-clusters 20,200 (default both; --quick: 20 only). Every point has 100,000 tasks and 20,000 revisions.
  const flag = argv.indexOf('--burst-clusters');
  const clusterCounts = flag >= 0 ? String(argv[flag + 1]).split(',').map(Number) : argv.includes('--quick') ? [20] : [20, 200];
  if (clusterCounts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--burst-clusters takes cluster counts, e.g. 20,200');
  const shapes = clusterCounts.map((clusters) => ({ clusters, tasks: 100_000, revisions: 20_000 }));
  // 1 and the templates' default ReservedConcurrency (RULE_CONCURRENCY), which is 2.
  const concurrencies = [1, 2];
  const points: BurstPointResult[] = [];
  for (const shape of shapes) {
    log(`change burst: ${shape.clusters} clusters, ${shape.tasks} tasks, ${shape.revisions} revisions; concurrency ${concurrencies.join(' and ')}`);
    points.push(await runChangeBurstPoint(shape, concurrencies));
  }
  const table = renderBurstTable(points);
  log(table);
  const worst = points.flatMap((p) => p.bursts.map((b) => ({ p, b })));
  const met = worst.every(({ p, b }) => b.clusterResourceCalls <= p.sweepClusterResourceCalls && b.throttled === 0 && b.failedInvocations === 0) && points.every((p) => p.mismatches === 0);
  log(`${met ? 'MET' : 'NOT MET'}  every burst uses no more cluster-resource calls than one sweep, 0 throttled, 0 failed, 0 oracle mismatches after the next sweep`);
  if (argv.includes('--update-docs')) {
    const doc = join(ROOT, 'docs/performance.md');
    const text = readFileSync(doc, 'utf8');
    const begin = '<!-- change-burst:begin (npm run bench -- --change-burst --update-docs) -->';
    const end = '<!-- change-burst:end -->';
    const section = `${begin}\n${table}\n\n${met ? 'All targets met.' : 'Targets NOT met.'} Generated ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores, Node ${process.version}.\n${end}`;
    const a = text.indexOf(begin);
    const b = text.indexOf(end);
    writeFileSync(doc, a >= 0 && b > a ? text.slice(0, a) + section + text.slice(b + end.length) : `${text.trimEnd()}\n\n## Change-event bursts\n\n${section}\n`);
    log('docs/performance.md: change-burst section updated');
  }
  return met ? 0 : 1;
}

async function main(): Promise<number> {
  const started = performance.now();
  const argv = process.argv.slice(2);
  if (argv.includes('--change-burst')) return changeBurstMain(argv);
  const options = parseOptions(argv);
  // The bench's bucket table (DESIGN.md section 3) must be the simulator's, or "least time" lies.
  for (const [name, b] of Object.entries(ECS_BUCKETS)) {
    const sim = SIMULATOR_ECS_BUCKETS[name as keyof typeof SIMULATOR_ECS_BUCKETS];
    if (sim.burst !== b.burst || sim.ratePerSecond !== b.refillPerSecond) throw new Error(`bucket ${name} differs from the simulator's`);
  }

  const temp = mkdtempSync(join(tmpdir(), 'ecs-pid-bench-'));
  try {
    const childPath = await buildSweepChild(temp);
    let coldStart: ColdStartResult[] | undefined;
    if (options.coldRuns > 0) {
      log(`cold start: dist/handler.js and two SDK bundles, ${options.coldRuns} fresh processes each`);
      const bundles = [{ name: 'dist/handler.js (the rule)', path: BUNDLE }, ...(await comparisonBundles(ROOT, temp))];
      coldStart = await measureColdStart(bundles, options.coldRuns);
    }
    const points: PointResult[] = [];
    for (const point of options.points) points.push(await runPoint(point, childPath, options));

    const verdict = judge(points, coldStart);
    const results: BenchResults = {
      generatedAt: new Date().toISOString(),
      command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
      durationSeconds: (performance.now() - started) / 1000,
      machine: machine(),
      settings: {
        latencyMsPerCall: options.latencyMs,
        throttling: 'ECS buckets on (DESIGN.md section 3)',
        seed: options.shape.seed,
        scenario: `in-use share ${options.shape.inUseShare}, host share ${options.shape.hostShare}, inactive in-use share ${options.shape.inactiveInUseShare}, unrecorded share ${options.shape.unrecordedShare}, ${options.shape.revisionsPerFamily} revisions per family, resource ids ${options.shape.resourceIdStyle}`,
        rule: 'bundled dist/handler.js with default settings (RULE_MAX_ATTEMPTS 10, RULE_ECS_CONCURRENCY 10, RULE_ECS_RATE_SHARE 1)',
        sweeps: options.sweeps === 2 ? 'first, then repeat after 1% of in-use revisions stop' : 'first only',
        coldStartRuns: options.coldRuns,
      },
      ...(coldStart ? { coldStart } : {}),
      points,
      verdict,
    };
    const out = resolve(ROOT, options.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);

    log();
    log(mainTable(points, false));
    log();
    log('Calls per operation: made (lower bound)');
    log(operationsTable(points, false));
    if (coldStart) {
      log();
      log(coldStartTable(coldStart, options.coldRuns, false));
    }
    log();
    for (const line of verdictLines(verdict)) log(line);
    log();
    log(`results: ${options.out} (${results.durationSeconds.toFixed(0)} s)`);
    if (options.updateDocs) {
      const doc = join(ROOT, 'docs/performance.md');
      log(updateDocs(doc, results) ? 'docs/performance.md: generated section updated' : 'docs/performance.md: markers not found, not updated');
    }
    // Performance targets are reported, not enforced; a failed sweep or a wrong verdict is an error.
    const broken = points.some((p) => p.sweeps.some((s) => !s.handlerOk || s.mismatches > 0 || !s.summaryAgrees));
    return broken ? 1 : 0;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

const stopChildren = (): void => {
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
};
process.once('SIGINT', () => {
  stopChildren();
  process.exit(130);
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    stopChildren();
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
