/**
 * Benchmark results: their shape, the targets, the console tables and the generated part of
 * docs/performance.md (between the bench:begin and bench:end markers).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, release, type } from 'node:os';

import type { GeneratedAccountStats } from '../simulator';
import { SWEEP_OPERATIONS, type BucketName, type LeastTime, type SweepOperation } from './bounds';
import type { ColdStartResult } from './cold-start';
import type { ScalePoint } from './scenario';

export const TARGETS = {
  callsOverLowerBound: 1.1,
  wallOverLeast: 1.25,
  /** Below this least time a sweep is latency-bound and wall/least is not judged. */
  leastSecondsJudged: 3,
  peakRssMb: 256,
  peakRssAtTasks: 100_000,
  bundleKb: 500,
} as const;

export interface SweepResult {
  readonly kind: 'first' | 'repeat';
  readonly description: string;
  readonly inputs: {
    readonly clusters: number;
    readonly runningTasks: number;
    readonly revisionsInUse: number;
    readonly recordedInUse: number;
    readonly previousResults: number;
    readonly evaluationsToSend: number;
    readonly stoppedRevisions?: number;
    readonly stoppedTasks?: number;
  };
  readonly lowerBound: Record<SweepOperation, number>;
  readonly lowerBoundTotal: number;
  /** Every call the simulator answered during the sweep, per operation (throttled ones included). */
  readonly calls: Record<string, number>;
  readonly callsTotal: number;
  readonly callsOverLowerBound: number;
  readonly throttled: number;
  readonly throttledByOperation: Record<string, number>;
  readonly handlerOk: boolean;
  readonly error?: string;
  readonly wallSeconds: number;
  readonly loadMs: number;
  readonly leastTime: LeastTime;
  readonly latencyBound: { roundTrips: number; seconds: number };
  /** 'throttle' when the least time is at least TARGETS.leastSecondsJudged, else 'latency'. */
  readonly boundBy: 'throttle' | 'latency';
  readonly wallOverLeast: number | null;
  readonly wallOverLatencyBound: number;
  readonly peakRssMb: number;
  /** CPU seconds of the sweep process (user + system, load included). */
  readonly cpuSeconds: number;
  readonly mismatches: number;
  readonly mismatchExamples: string[];
  readonly checkedRevisions: number;
  /** The rule's own summary (tasks, revisions in use, evaluations sent) agrees with the scenario. */
  readonly summaryAgrees: boolean;
  readonly summary?: Record<string, unknown>;
  /** The rule's own per-operation counts (its log) equal the simulator's. */
  readonly ruleCountsAgree: boolean;
  readonly logLevels: Record<string, number>;
  readonly processWarnings: string[];
  readonly evaluationsStored: number;
}

export interface PointResult {
  readonly point: ScalePoint;
  readonly label: string;
  readonly stats: GeneratedAccountStats;
  readonly simulatorStartupSeconds: number;
  readonly sweeps: SweepResult[];
}

export interface BenchResults {
  readonly generatedAt: string;
  readonly command: string;
  readonly durationSeconds: number;
  readonly machine: Machine;
  readonly settings: Record<string, unknown>;
  readonly coldStart?: ColdStartResult[];
  readonly points: PointResult[];
  readonly verdict: TargetVerdict[];
}

export interface Machine {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memory: string;
  readonly node: string;
  readonly os: string;
}

export function machine(): Machine {
  let cpuModel = 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    /* not Linux */
  }
  let memory = 'unknown';
  try {
    memory = execFileSync('free', ['-h'], { encoding: 'utf8' }).trimEnd();
  } catch {
    /* no free(1) */
  }
  let nproc = availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    /* no nproc(1) */
  }
  return { nproc, cpuModel, memory, node: process.version, os: `${type()} ${release()}` };
}

export interface TargetVerdict {
  readonly target: string;
  /** null: not measured in this run (its point was not selected). */
  readonly met: boolean | null;
  readonly detail: string;
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits);

export function judge(points: readonly PointResult[], coldStart?: readonly ColdStartResult[]): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const sweeps = points.flatMap((p) => p.sweeps.map((s) => ({ p, s, at: `${p.label} ${s.kind}` })));
  const worstRatio = sweeps.reduce((m, x) => Math.max(m, x.s.callsOverLowerBound), 0);
  verdicts.push({
    target: `calls / lower bound <= ${TARGETS.callsOverLowerBound} at every point`,
    met: sweeps.every((x) => x.s.callsOverLowerBound <= TARGETS.callsOverLowerBound),
    detail: sweeps.map((x) => `${x.at}: ${fmt(x.s.callsOverLowerBound, 3)}`).join('; ') + ` (worst ${fmt(worstRatio, 3)})`,
  });
  const judged = sweeps.filter((x) => x.s.boundBy === 'throttle');
  verdicts.push({
    target: `wall / least time <= ${TARGETS.wallOverLeast} where the least time is >= ${TARGETS.leastSecondsJudged} s`,
    met: judged.length > 0 ? judged.every((x) => (x.s.wallOverLeast ?? Infinity) <= TARGETS.wallOverLeast) : null,
    detail:
      judged.map((x) => `${x.at}: ${fmt(x.s.wallOverLeast ?? NaN)} (${fmt(x.s.wallSeconds, 1)} s / ${fmt(x.s.leastTime.seconds, 1)} s)`).join('; ') ||
      'no point is throttle-bound',
  });
  verdicts.push({
    target: 'no ThrottlingException reaches the handler (every sweep succeeds)',
    met: sweeps.every((x) => x.s.handlerOk),
    detail: sweeps.map((x) => `${x.at}: ${x.s.throttled} throttled by the simulator, handler ${x.s.handlerOk ? 'succeeded' : `FAILED (${x.s.error ?? ''})`}`).join('; '),
  });
  const big = sweeps.filter((x) => x.p.point.tasks >= TARGETS.peakRssAtTasks);
  verdicts.push({
    target: `peak RSS <= ${TARGETS.peakRssMb} MB at ${TARGETS.peakRssAtTasks.toLocaleString('en-US')} tasks`,
    met: big.length > 0 ? big.every((x) => x.s.peakRssMb <= TARGETS.peakRssMb) : null,
    detail: big.length > 0 ? big.map((x) => `${x.at}: ${fmt(x.s.peakRssMb, 1)} MB`).join('; ') : 'not measured (point not run)',
  });
  verdicts.push({
    target: 'stored verdicts match expectedVerdicts (0 mismatches)',
    met: sweeps.every((x) => x.s.mismatches === 0 && x.s.summaryAgrees),
    detail: sweeps.map((x) => `${x.at}: ${x.s.mismatches} of ${x.s.checkedRevisions}${x.s.summaryAgrees ? '' : ', summary disagrees'}`).join('; '),
  });
  const handler = coldStart?.[0];
  if (handler) {
    verdicts.push({
      target: `dist/handler.js <= ${TARGETS.bundleKb} KB`,
      met: handler.bytes / 1024 <= TARGETS.bundleKb,
      detail: `${fmt(handler.bytes / 1024, 1)} KiB (${handler.bytes.toLocaleString('en-US')} bytes)`,
    });
  }
  return verdicts;
}

type Align = 'l' | 'r';

/** Renders rows as an aligned text table or as a Markdown table. */
export function table(headers: readonly string[], rows: readonly string[][], align: readonly Align[], markdown: boolean): string {
  if (markdown) {
    const sep = align.map((a) => (a === 'r' ? '---:' : '---'));
    return [headers, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r.map((cell, i) => (align[i] === 'r' ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const BUCKET_SHORT: Record<BucketName, string> = { clusterRead: 'cluster', taskDefinitionRead: 'taskdef', clusterResourceRead: 'cluster-res' };

export function mainTable(points: readonly PointResult[], markdown: boolean): string {
  const headers = [
    'clusters/tasks/revisions',
    'sweep',
    'calls',
    'lower bound',
    'calls/LB',
    'wall s',
    'least s',
    'latency bound s',
    'wall/least',
    'wall/latency',
    'throttled',
    'handler',
    'peak RSS MB',
    'CPU s',
    'mismatches',
  ];
  const rows = points.flatMap((p) =>
    p.sweeps.map((s) => [
      p.label,
      s.kind,
      String(s.callsTotal),
      String(s.lowerBoundTotal),
      fmt(s.callsOverLowerBound, 3),
      fmt(s.wallSeconds, 2),
      fmt(s.leastTime.seconds, 2),
      fmt(s.latencyBound.seconds, 2),
      s.wallOverLeast === null ? 'latency-bound' : fmt(s.wallOverLeast),
      fmt(s.wallOverLatencyBound),
      String(s.throttled),
      s.handlerOk ? 'ok' : 'FAILED',
      fmt(s.peakRssMb, 1),
      fmt(s.cpuSeconds, 2),
      `${s.mismatches}/${s.checkedRevisions}`,
    ]),
  );
  return table(headers, rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r', 'r'], markdown);
}

const OP_SHORT: Record<SweepOperation, string> = {
  ListClusters: 'ListClusters',
  ListTasks: 'ListTasks',
  DescribeTasks: 'DescribeTasks',
  SelectResourceConfig: 'SelectResourceConfig',
  DescribeTaskDefinition: 'DescribeTaskDef',
  GetComplianceDetailsByConfigRule: 'GetComplianceDetails',
  PutEvaluations: 'PutEvaluations',
};

/** Calls per operation as "calls (lower bound)", plus the least time per ECS bucket. */
export function operationsTable(points: readonly PointResult[], markdown: boolean): string {
  const others = new Set<string>();
  for (const p of points) for (const s of p.sweeps) for (const op of Object.keys(s.calls)) if (!(SWEEP_OPERATIONS as readonly string[]).includes(op)) others.add(op);
  const extra = [...others].sort();
  const headers = ['point', 'sweep', ...SWEEP_OPERATIONS.map((op) => OP_SHORT[op]), ...extra, 'least s per bucket'];
  const rows = points.flatMap((p) =>
    p.sweeps.map((s) => [
      p.label,
      s.kind,
      ...SWEEP_OPERATIONS.map((op) => `${s.calls[op] ?? 0} (${s.lowerBound[op]})`),
      ...extra.map((op) => String(s.calls[op] ?? 0)),
      (Object.entries(s.leastTime.byBucket) as [BucketName, { calls: number; seconds: number }][])
        .filter(([, b]) => b.calls > 0)
        .map(([name, b]) => `${BUCKET_SHORT[name]} ${fmt(b.seconds, 1)}`)
        .join(', '),
    ]),
  );
  return table(headers, rows, ['l', 'l', ...SWEEP_OPERATIONS.map(() => 'r' as const), ...extra.map(() => 'r' as const), 'l'], markdown);
}

export function coldStartTable(results: readonly ColdStartResult[], runs: number, markdown: boolean): string {
  const base = results[results.length - 1];
  const delta = (a: number, b: number): string => `${a - b >= 0 ? '+' : ''}${fmt(a - b, 1)}`;
  const headers = ['bundle', 'size KiB', `require ms: median of ${runs} (min)`, 'fresh process ms (median)', 'require vs SDK only: median (min)'];
  const rows = results.map((r) => [
    r.name,
    fmt(r.bytes / 1024, 1),
    `${fmt(r.requireMs, 1)} (${fmt(r.requireMsMin, 1)})`,
    fmt(r.processMs, 1),
    base ? `${delta(r.requireMs, base.requireMs)} (${delta(r.requireMsMin, base.requireMsMin)}) ms` : '',
  ]);
  return table(headers, rows, ['l', 'r', 'r', 'r', 'r'], markdown);
}

export function verdictLines(verdicts: readonly TargetVerdict[]): string[] {
  return verdicts.map((v) => `${v.met === null ? 'N/A   ' : v.met ? 'MET   ' : 'MISSED'}  ${v.target}: ${v.detail}`);
}

const BEGIN = '<!-- bench:begin (generated by `npm run bench -- --update-docs`; edit outside these markers) -->';
const END = '<!-- bench:end -->';

/** The generated section of docs/performance.md. */
export function docsSection(results: BenchResults): string {
  const runs = (results.settings.coldStartRuns as number | undefined) ?? 0;
  const parts = [
    BEGIN,
    '',
    `Measured ${results.generatedAt} with \`${results.command}\` (${fmt(results.durationSeconds, 0)} s in all).`,
    '',
    `Machine: ${results.machine.nproc} CPUs (\`nproc\`), ${results.machine.cpuModel}; Node.js ${results.machine.node}; ${results.machine.os}.`,
    '',
    '```',
    '$ free -h',
    results.machine.memory,
    '```',
    '',
    `Settings: ${Object.entries(results.settings)
      .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join('; ')}.`,
    '',
    '### Sweeps',
    '',
    mainTable(results.points, true),
    '',
    '### Calls per operation: made (lower bound)',
    '',
    operationsTable(results.points, true),
    '',
  ];
  if (results.coldStart) {
    parts.push('### Cold start', '', coldStartTable(results.coldStart, runs, true), '');
  }
  parts.push('### Targets', '', ...verdictLines(results.verdict).map((l) => `- ${l.replace(/^(MET|MISSED|N\/A)\s+/, '**$1** ')}`), '', END);
  return parts.join('\n');
}

/** Replaces the generated section of the doc; false when the markers are missing. */
export function updateDocs(path: string, results: BenchResults): boolean {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf('<!-- bench:begin');
  const end = text.indexOf(END);
  if (start < 0 || end < start) return false;
  writeFileSync(path, text.slice(0, start) + docsSection(results) + text.slice(end + END.length));
  return true;
}
