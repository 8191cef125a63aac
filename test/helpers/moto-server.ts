// Starts and stops a moto_server (an AWS emulator) on a free loopback port, and gives the AWS CLI
// an environment that can only reach it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const onPath = (program: string): boolean => spawnSync('which', [program], { stdio: 'ignore' }).status === 0;

export interface MotoServer {
  readonly url: string;
  log(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilAnswering(url: string, moto: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (moto.exitCode !== null) throw new Error(`moto_server exited with ${moto.exitCode}: ${log()}`);
    // A plain request without keep-alive: a pooled connection would keep jest from exiting.
    const ok = await new Promise<boolean>((resolve) => {
      get(`${url}/moto-api/`, { agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      }).on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer within ${timeoutMs} ms: ${log()}`);
}

/** `env`: extra variables for moto itself (e.g. INITIAL_NO_AUTH_ACTION_COUNT, which turns its signature check on). */
export async function startMoto(timeoutMs = 30_000, env: Record<string, string> = {}): Promise<MotoServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  moto.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  });
  const log = (): string => output;
  await waitUntilAnswering(url, moto, log, timeoutMs);
  return {
    url,
    log,
    async stop() {
      if (moto.pid === undefined || moto.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => moto.once('exit', () => resolve()));
      process.kill(moto.pid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
      clearTimeout(timer);
      if (moto.exitCode === null && moto.signalCode === null) process.kill(moto.pid, 'SIGKILL');
    },
  };
}

/** The AWS CLI's environment: this process's (PATH, pyenv), minus anything that could point it elsewhere. */
export function cliEnv(region: string, root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: join(root, 'test', 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(root, 'test', 'no-such-aws-credentials'),
    AWS_PAGER: '',
  };
}
