/**
 * The simulator as a child process (tools/simulator/cli.ts under tsx) and its control API.
 * Started and stopped by process id only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import type { CountersSnapshot, GeneratedAccountStats, StoredEvaluation } from '../simulator';

export interface SimulatorAccountInfo {
  readonly accountId: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly configRules: string[];
  readonly resultTokens: Record<string, string>;
  readonly stats?: GeneratedAccountStats;
}

export interface SimulatorProcess {
  readonly url: string;
  readonly pid: number;
  readonly accounts: SimulatorAccountInfo[];
  readonly startupMs: number;
  control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  counters(): Promise<CountersSnapshot>;
  resetCounters(): Promise<void>;
  /** Turning throttling on again starts from full buckets: a quiet account. */
  refillBuckets(): Promise<void>;
  evaluations(accountId: string, rule: string): Promise<StoredEvaluation[]>;
  resultToken(accountId: string, rule: string): Promise<string>;
  stopTasks(accountId: string, taskArns: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(flags: readonly string[], cwd: string): Promise<SimulatorProcess> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'tools/simulator/cli.ts', ...flags], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(line));
    void exited.then((code) => reject(new Error(`simulator exited (${code}) before listening: ${stderr}`)));
  });
  const info = JSON.parse(first) as { url: string; accounts: SimulatorAccountInfo[] };
  const startupMs = performance.now() - started;

  const control = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${info.url}${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };

  return {
    url: info.url,
    pid: child.pid as number,
    accounts: info.accounts,
    startupMs,
    control,
    counters: () => control<CountersSnapshot>('GET', '/_sim/counters'),
    resetCounters: async () => {
      await control('POST', '/_sim/counters/reset');
    },
    refillBuckets: async () => {
      await control('POST', '/_sim/throttling', { enabled: true });
    },
    evaluations: (accountId, rule) =>
      control<StoredEvaluation[]>('GET', `/_sim/evaluations?account=${encodeURIComponent(accountId)}&rule=${encodeURIComponent(rule)}`),
    resultToken: async (accountId, rule) => (await control<{ resultToken: string }>('POST', '/_sim/result-token', { account: accountId, rule })).resultToken,
    stopTasks: async (accountId, taskArns) => {
      for (const taskArn of taskArns) await control('POST', '/_sim/tasks/stop', { account: accountId, taskArn });
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
