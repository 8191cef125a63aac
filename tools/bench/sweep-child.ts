/**
 * One periodic sweep in a process of its own, so that its peak RSS is the rule's alone: loads the
 * bundled handler as the Lambda runtime does, invokes it once with the ScheduledNotification given
 * on the command line, and reports to the parent over IPC. Its environment (endpoint, keys,
 * Region) comes from the parent. tools/bench.ts bundles this file with esbuild and runs it with
 * plain node (no TypeScript loader in the measured process).
 */
import { captureOutput, loadHandler } from '../lib/handler-host';
import { lambdaContext } from '../simulator/events';

export interface SweepJob {
  readonly bundlePath: string;
  readonly event: unknown;
  readonly functionName: string;
}

export interface SweepReport {
  readonly ok: boolean;
  readonly error?: string;
  readonly loadMs: number;
  readonly durationMs: number;
  readonly maxRssKb: number;
  readonly heapUsedMb: number;
  /** CPU time of the whole process (load and invocation), user + system. */
  readonly cpuMs: number;
  readonly summary?: {
    clusters?: number;
    runningTasks?: number;
    revisionsInUse?: number;
    unrecordedRevisions?: number;
    staleResolved?: number;
    unchanged?: number;
    evaluationsSent: number;
    byCompliance: Record<string, number>;
  };
  /** The rule's own per-operation count, from its "evaluation reported" log line. */
  readonly ruleApiCalls?: Record<string, number>;
  readonly logLevels: Record<string, number>;
  readonly processWarnings: string[];
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as SweepJob;
  const loadStarted = performance.now();
  const handler = loadHandler(job.bundlePath);
  const loadMs = performance.now() - loadStarted;

  const started = performance.now();
  const { outcome, output } = await captureOutput(() => handler(job.event, lambdaContext(job.functionName)));
  const durationMs = performance.now() - started;

  const last = [...output.records].reverse().find((r) => r.message === 'evaluation reported' || r.message === 'evaluation failed');
  const raw = outcome.status === 'fulfilled' ? (outcome.value as Record<string, unknown>) : undefined;
  const report: SweepReport = {
    ok: outcome.status === 'fulfilled',
    ...(outcome.status === 'rejected'
      ? { error: outcome.reason instanceof Error ? `${outcome.reason.name}: ${outcome.reason.message}` : String(outcome.reason) }
      : {}),
    loadMs,
    durationMs,
    maxRssKb: process.resourceUsage().maxRSS,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
    ...(raw
      ? {
          summary: {
            clusters: raw.clusters as number,
            runningTasks: raw.runningTasks as number,
            revisionsInUse: raw.revisionsInUse as number,
            unrecordedRevisions: raw.unrecordedRevisions as number,
            staleResolved: raw.staleResolved as number,
            unchanged: raw.unchanged as number,
            evaluationsSent: raw.sent as number,
            byCompliance: raw.byCompliance as Record<string, number>,
          },
        }
      : {}),
    ...(last && typeof last.apiCalls === 'object' ? { ruleApiCalls: last.apiCalls as Record<string, number> } : {}),
    logLevels: output.byLevel,
    processWarnings: output.processWarnings,
  };
  process.send?.(report, () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`sweep failed to run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
