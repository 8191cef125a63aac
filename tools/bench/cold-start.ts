/**
 * Cold start: the bundle's size and the time to `require` it in a fresh node process, next to
 * bundles of the bare SDK clients built the same way, all measured in the same run (median of
 * fresh processes, interleaved so that machine noise hits every bundle alike).
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';

import { build, type BuildOptions } from 'esbuild';
import buildOptions from '../../scripts/build-options.json';

/** The rule's own esbuild flags (scripts/build-options.json), without its entry point and output. */
const { entryPoints: _entry, outfile: _out, ...flags } = buildOptions;
export const BUILD_FLAGS = flags as BuildOptions;

const SDK_CLIENTS = `
export { ECSClient } from '@aws-sdk/client-ecs';
export { ConfigServiceClient } from '@aws-sdk/client-config-service';
export { STSClient } from '@aws-sdk/client-sts';
`;
const POWERTOOLS = `
export { Logger } from '@aws-lambda-powertools/logger';
export { Metrics } from '@aws-lambda-powertools/metrics';
`;

export interface BundleUnderTest {
  readonly name: string;
  readonly path: string;
}

export interface ColdStartResult {
  readonly name: string;
  readonly bytes: number;
  /** Median time of `require(bundle)` inside a fresh process. */
  readonly requireMs: number;
  /** Fastest of those: the least noisy figure on a shared machine. */
  readonly requireMsMin: number;
  /** Median wall time of the whole fresh process (node start, require, exit). */
  readonly processMs: number;
  readonly requireMsAll: number[];
}

/** Builds the two comparison bundles into `dir`; the entries resolve packages from `root`. */
export async function comparisonBundles(root: string, dir: string): Promise<BundleUnderTest[]> {
  const bundles = [
    { name: 'SDK clients (ECS, Config, STS) + Powertools Logger, Metrics', file: 'sdk-powertools.cjs', contents: SDK_CLIENTS + POWERTOOLS },
    { name: 'SDK clients only (ECS, Config, STS)', file: 'sdk-only.cjs', contents: SDK_CLIENTS },
  ];
  for (const b of bundles) {
    await build({ ...BUILD_FLAGS, stdin: { contents: b.contents, resolveDir: root, loader: 'ts', sourcefile: b.file }, outfile: join(dir, b.file) });
  }
  return bundles.map((b) => ({ name: b.name, path: join(dir, b.file) }));
}

const PROBE = `
const { performance } = require('node:perf_hooks');
const t = performance.now();
require(process.argv[1]);
process.stdout.write(JSON.stringify({ requireMs: performance.now() - t }));
`;

function probe(path: string): Promise<{ requireMs: number; processMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', PROBE, path], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Requiring the handler builds its logger and metrics, no clients: nothing is contacted.
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      const processMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`require(${path}) failed: ${stderr}`));
      resolve({ requireMs: (JSON.parse(stdout) as { requireMs: number }).requireMs, processMs });
    });
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export async function measureColdStart(bundles: readonly BundleUnderTest[], runs: number): Promise<ColdStartResult[]> {
  const samples = bundles.map(() => ({ requireMs: [] as number[], processMs: [] as number[] }));
  // One warm-up round (file cache), not counted; then rounds that visit every bundle in turn.
  for (const b of bundles) await probe(b.path);
  for (let round = 0; round < runs; round++) {
    for (let i = 0; i < bundles.length; i++) {
      const { requireMs, processMs } = await probe((bundles[i] as BundleUnderTest).path);
      samples[i]?.requireMs.push(requireMs);
      samples[i]?.processMs.push(processMs);
    }
  }
  return bundles.map((b, i) => ({
    name: b.name,
    bytes: statSync(b.path).size,
    requireMs: median(samples[i]?.requireMs ?? []),
    requireMsMin: Math.min(...(samples[i]?.requireMs ?? [])),
    processMs: median(samples[i]?.processMs ?? []),
    requireMsAll: samples[i]?.requireMs ?? [],
  }));
}
