/**
 * The HTTP front: one port for ECS, Config and STS (told apart by x-amz-target or the form body,
 * as an SDK pointed at AWS_ENDPOINT_URL sends them), S3 objects (told apart by the SigV4 scope's
 * service, path-style) plus a small control API under /_sim/.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { authenticate, parseAuthorization } from './auth';
import { CONFIG_OPERATIONS } from './config';
import type { Behaviour, CallContext } from './context';
import { Counters, type CountersSnapshot } from './counters';
import { ECS_OPERATIONS, ecsClusterOfCall } from './ecs';
import { AwsError } from './errors';
import { FaultRegistry, isFaultRule, type FaultError, type FaultRule, type ServiceName } from './faults';
import type { Scenario, ScenarioTask, ScenarioTaskDefinition } from './model';
import type { JsonInput } from './params';
import { mulberry32 } from './random';
import {
  SimState,
  type ConfigItemRecord,
  type Principal,
  type RecordItemInput,
  type StoredEvaluation,
  type TaskDefinitionRecord,
  type TaskRecord,
} from './state';
import { S3Store, s3ErrorXml, s3OperationOf, type StoredObject } from './s3';
import { handleSts, stsErrorXml } from './sts';
import { BucketSet, ECS_BUCKETS, ECS_BUCKET_OF_OPERATION, type BucketSpec, type EcsBucketName } from './throttle';

const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113';
const CONFIG_TARGET_PREFIX = 'StarlingDoveService';
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface SimulatorOptions {
  scenario: Scenario;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the simulator never listens beyond loopback unless asked. */
  host?: string;
  /** ECS token buckets; default on, as in AWS. */
  throttling?: boolean;
  /** Override ECS bucket sizes, e.g. to exercise throttling with fewer calls. */
  ecsBuckets?: Partial<Record<EcsBucketName, BucketSpec>>;
  /** One bucket for all Config calls per account and Region; off when absent (Config documents none). */
  configThrottle?: BucketSpec;
  latencyMs?: number;
  latencyJitterMs?: number;
  /** Milliseconds since the epoch; inject a fake clock to test bucket refill and expiry without sleeping. */
  clock?: () => number;
  /** Seeds generated ids, tokens and latency jitter. */
  seed?: number;
  /** Undocumented AWS behaviour, switchable (see Behaviour). */
  behaviour?: Partial<Behaviour>;
  /** Unexpected (non-AWS) errors inside a handler; they are answered as 500 InternalFailure. */
  onInternalError?: (error: unknown) => void;
}

export interface Simulator {
  readonly url: string;
  readonly port: number;
  /** Escape hatch for tests that need to look at or bend the model directly. */
  readonly state: SimState;
  stop(): Promise<void>;
  issueResultToken(accountId: string, configRuleName: string): string;
  evaluations(accountId: string, configRuleName?: string): StoredEvaluation[];
  counters(): CountersSnapshot;
  resetCounters(): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  faults(): FaultRule[];
  setLatency(latencyMs: number, latencyJitterMs?: number): void;
  setThrottling(enabled: boolean): void;
  createCluster(accountId: string, name: string): string;
  startTask(accountId: string, cluster: string, task: ScenarioTask): TaskRecord;
  stopTask(accountId: string, taskArn: string, options?: { stopping?: boolean }): TaskRecord;
  registerTaskDefinition(
    accountId: string,
    taskDefinition: Omit<ScenarioTaskDefinition, 'revision'> & { revision?: number },
  ): TaskDefinitionRecord;
  deregisterTaskDefinition(accountId: string, ref: string): TaskDefinitionRecord;
  deleteTaskDefinition(accountId: string, ref: string): TaskDefinitionRecord;
  /** ECS completing a deletion: the revision is no longer describable. */
  purgeTaskDefinition(accountId: string, ref: string): void;
  recordItem(accountId: string, item: RecordItemInput): ConfigItemRecord;
  /** S3: a bucket owned by accountId, readable by `readers` ('*' for any account). */
  createBucket(accountId: string, name: string, readers?: string[]): void;
  putObject(bucket: string, key: string, body: string, contentType?: string): StoredObject;
  deleteObject(bucket: string, key: string): void;
  getObject(bucket: string, key: string): StoredObject | undefined;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AwsError('RequestEntityTooLarge', 'Request body too large', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
};

const sendAwsJsonError = (res: ServerResponse, error: AwsError, requestId: string): void =>
  sendJson(
    res,
    error.status,
    { __type: error.code, message: error.message },
    { 'x-amzn-errortype': error.code, 'x-amzn-requestid': requestId },
  );

const sendXml = (res: ServerResponse, status: number, xml: string, requestId: string): void => {
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': requestId,
  });
  res.end(xml);
};

const actionPrefix: Record<ServiceName, string> = { ecs: 'ecs', config: 'config', sts: 'sts', s3: 's3' };

const faultError = (error: FaultError, service: ServiceName, caller: Principal, operation: string): AwsError => {
  switch (error) {
    case 'ThrottlingException':
      if (service === 's3') return new AwsError('SlowDown', 'Please reduce your request rate.', 503);
      return new AwsError(service === 'sts' ? 'Throttling' : 'ThrottlingException', 'Rate exceeded', 400);
    case 'ServiceUnavailable':
      return new AwsError('ServiceUnavailable', 'Service is unavailable, please try again later.', 503);
    case 'InternalFailure':
      return new AwsError('InternalFailure', 'The request processing has failed because of an unknown error.', 500);
    case 'AccessDeniedException':
    default: {
      const message = `User: ${caller.arn} is not authorized to perform: ${actionPrefix[service]}:${operation} because no identity-based policy allows the ${actionPrefix[service]}:${operation} action`;
      if (service === 's3') return new AwsError('AccessDenied', 'Access Denied', 403);
      return service === 'sts' ? new AwsError('AccessDenied', message, 403) : new AwsError('AccessDeniedException', message, 400);
    }
  }
};

export const startSimulator = async (options: SimulatorOptions): Promise<Simulator> => {
  const clock = options.clock ?? Date.now;
  const state = new SimState(options.scenario, clock, options.seed ?? 1);
  const counters = new Counters();
  const faults = new FaultRegistry();
  const buckets = new BucketSet();
  const s3 = new S3Store(clock);
  for (const account of options.scenario.accounts) {
    for (const bucket of account.buckets ?? []) {
      s3.createBucket(account.accountId, bucket.name, bucket.readers);
      for (const object of bucket.objects ?? []) s3.putObject(bucket.name, object.key, object.body, object.contentType);
    }
  }
  const jitterRandom = mulberry32((options.seed ?? 1) ^ 0x5eed);
  let throttling = options.throttling ?? true;
  let latencyMs = options.latencyMs ?? 0;
  let latencyJitterMs = options.latencyJitterMs ?? 0;
  const ecsBuckets: Record<EcsBucketName, BucketSpec> = { ...ECS_BUCKETS, ...options.ecsBuckets };
  const behaviour: Behaviour = { listTasksFamilyFilter: 'any-status', listTasksIncludesStopping: false, ...options.behaviour };
  const onInternalError =
    options.onInternalError ?? ((error: unknown) => process.stderr.write(`simulator internal error: ${String(error)}\n`));

  const delay = async (): Promise<void> => {
    const ms = latencyMs + (latencyJitterMs > 0 ? jitterRandom() * latencyJitterMs : 0);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  };

  /** Everything between "we know the caller" and the handler: counters, latency, faults, buckets. */
  const admit = async (service: ServiceName, operation: string, caller: Principal, region: string, cluster?: string) => {
    counters.call(caller.accountId, service, operation);
    await delay();
    const fault = faults.take({ service, operation, accountId: caller.accountId, ...(cluster ? { cluster } : {}) }, 'error');
    if (fault) {
      counters.fault(caller.accountId, service, operation);
      throw faultError(fault.error, service, caller, operation);
    }
    let spec: BucketSpec | undefined;
    let bucketKey = '';
    if (service === 'ecs' && throttling) {
      const bucket = ECS_BUCKET_OF_OPERATION[operation];
      if (bucket) {
        spec = ecsBuckets[bucket];
        bucketKey = `${caller.accountId}:${region}:ecs:${bucket}`;
      }
    } else if (service === 'config' && options.configThrottle) {
      spec = options.configThrottle;
      bucketKey = `${caller.accountId}:${region}:config`;
    }
    if (spec && !buckets.take(bucketKey, spec, clock())) {
      counters.throttled(caller.accountId, service, operation);
      throw new AwsError('ThrottlingException', 'Rate exceeded', 400);
    }
  };

  const handleJson = async (
    req: IncomingMessage,
    res: ServerResponse,
    service: 'ecs' | 'config',
    operation: string,
    body: string,
  ): Promise<void> => {
    const requestId = randomUUID();
    try {
      const { principal, scope } = authenticate(
        state,
        header(req, 'authorization'),
        header(req, 'x-amz-security-token'),
        service,
        'json',
      );
      let input: JsonInput;
      try {
        const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        input = parsed as JsonInput;
      } catch {
        throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
      }
      const handler = (service === 'ecs' ? ECS_OPERATIONS : CONFIG_OPERATIONS)[operation];
      const region = scope.region;
      await admit(service, operation, principal, region, service === 'ecs' ? ecsClusterOfCall(operation, input) : undefined);
      if (!handler) throw new AwsError('UnknownOperationException', `Operation ${operation} is not supported by the simulator.`);
      const ctx: CallContext = {
        state,
        principal,
        rs: state.region(principal.accountId, region),
        now: clock() / 1000,
        operation,
        faults,
        counters,
        behaviour,
      };
      sendJson(res, 200, handler(ctx, input), { 'x-amzn-requestid': requestId });
    } catch (error) {
      if (error instanceof AwsError) {
        if (error.code === 'UnrecognizedClientException' || error.code === 'MissingAuthenticationTokenException') {
          counters.unauthenticated();
        }
        counters.error(error.code);
        sendAwsJsonError(res, error, requestId);
      } else {
        onInternalError(error);
        counters.error('InternalFailure');
        sendAwsJsonError(res, new AwsError('InternalFailure', 'Internal simulator error', 500), requestId);
      }
    }
  };

  const handleQuery = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const requestId = randomUUID();
    try {
      const params = new URLSearchParams(body);
      const action = params.get('Action') ?? '';
      const { principal, scope } = authenticate(
        state,
        header(req, 'authorization'),
        header(req, 'x-amz-security-token'),
        'sts',
        'query',
      );
      await admit('sts', action, principal, scope.region);
      sendXml(res, 200, handleSts(state, principal, action, params, requestId), requestId);
    } catch (error) {
      let awsError: AwsError;
      if (error instanceof AwsError) {
        awsError = error;
        if (error.code === 'InvalidClientTokenId' || error.code === 'MissingAuthenticationToken') counters.unauthenticated();
      } else {
        onInternalError(error);
        awsError = new AwsError('InternalFailure', 'Internal simulator error', 500);
      }
      counters.error(awsError.code);
      sendXml(res, awsError.status, stsErrorXml(awsError, requestId), requestId);
    }
  };

  const handleS3 = async (req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> => {
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    try {
      const { principal, scope } = authenticate(state, header(req, 'authorization'), header(req, 'x-amz-security-token'), 's3', 'query');
      const operation = s3OperationOf(method, url.pathname);
      await admit('s3', operation, principal, scope.region);
      const headers = { 'if-none-match': header(req, 'if-none-match'), 'content-type': header(req, 'content-type'), 'content-encoding': header(req, 'content-encoding') };
      const answer = s3.handle(principal.accountId, method, url.pathname, headers, Buffer.from(body, 'utf8'));
      if (answer.status === 304) counters.notModified(principal.accountId, 's3', operation);
      res.writeHead(answer.status, { ...answer.headers, 'x-amz-request-id': requestId, ...(answer.body ? {} : { 'content-length': answer.headers['content-length'] ?? '0' }) });
      res.end(method === 'HEAD' ? undefined : answer.body);
    } catch (error) {
      let awsError: AwsError;
      if (error instanceof AwsError) {
        // S3 names a bad key InvalidAccessKeyId where STS says InvalidClientTokenId.
        awsError = error.code === 'InvalidClientTokenId' ? new AwsError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403) : error;
        if (awsError.code === 'InvalidAccessKeyId' || awsError.code === 'MissingAuthenticationToken') counters.unauthenticated();
      } else {
        onInternalError(error);
        awsError = new AwsError('InternalError', 'We encountered an internal error. Please try again.', 500);
      }
      counters.error(awsError.code);
      const xml = s3ErrorXml(awsError, requestId, url.pathname);
      res.writeHead(awsError.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml), 'x-amz-request-id': requestId });
      // HEAD answers carry no body, as in S3: the SDK then names the error by status code.
      res.end(method === 'HEAD' ? undefined : xml);
    }
  };

  const simulator: Omit<Simulator, 'url' | 'port' | 'stop'> = {
    state,
    issueResultToken: (accountId, rule) => state.issueResultToken(accountId, rule),
    evaluations: (accountId, rule) => state.evaluations(accountId, rule),
    counters: () => counters.snapshot(),
    resetCounters: () => counters.reset(),
    addFault: (rule) => {
      if (!isFaultRule(rule)) throw new Error(`invalid fault rule ${JSON.stringify(rule)}`);
      faults.add(rule);
    },
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    setLatency: (ms, jitterMs = 0) => {
      latencyMs = ms;
      latencyJitterMs = jitterMs;
    },
    setThrottling: (enabled) => {
      throttling = enabled;
      // Turning throttling back on starts from full buckets, like a quiet account.
      buckets.clear();
    },
    createCluster: (accountId, name) => state.addCluster(state.home(accountId), name).arn,
    startTask: (accountId, clusterName, task) => {
      const rs = state.home(accountId);
      const cluster = rs.clusters.get(clusterName);
      if (!cluster) throw new Error(`unknown cluster ${clusterName} in ${accountId}`);
      return state.addTask(rs, cluster, task);
    },
    stopTask: (accountId, taskArn, options) => state.stopTask(accountId, taskArn, options),
    registerTaskDefinition: (accountId, td) => state.registerTaskDefinition(accountId, td),
    deregisterTaskDefinition: (accountId, ref) => state.deregisterTaskDefinition(accountId, ref),
    deleteTaskDefinition: (accountId, ref) => state.deleteTaskDefinition(accountId, ref),
    purgeTaskDefinition: (accountId, ref) => state.purgeTaskDefinition(accountId, ref),
    recordItem: (accountId, item) => state.recordItem(accountId, item),
    createBucket: (accountId, name, readers) => s3.createBucket(accountId, name, readers),
    putObject: (bucket, key, body, contentType) => s3.putObject(bucket, key, body, contentType),
    deleteObject: (bucket, key) => s3.deleteObject(bucket, key),
    getObject: (bucket, key) => s3.getObject(bucket, key),
  };

  const control = async (req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> => {
    const reply = (status: number, value: unknown): void => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    try {
      const json = (): Record<string, unknown> => {
        const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
        if (typeof parsed !== 'object' || parsed === null) throw new Error('expected a JSON body');
        return parsed as Record<string, unknown>;
      };
      const text = (value: unknown, name: string): string => {
        if (typeof value !== 'string' || value === '') throw new Error(`${name} is required`);
        return value;
      };
      const route = `${req.method ?? 'GET'} ${url.pathname}`;
      switch (route) {
        case 'GET /_sim/health':
          return reply(200, { ok: true });
        case 'GET /_sim/counters':
          return reply(200, simulator.counters());
        case 'POST /_sim/counters/reset':
          simulator.resetCounters();
          return reply(200, { ok: true });
        case 'GET /_sim/faults':
          return reply(200, simulator.faults());
        case 'POST /_sim/faults': {
          const parsed: unknown = JSON.parse(body);
          const rules = Array.isArray(parsed) ? parsed : [parsed];
          for (const rule of rules) if (!isFaultRule(rule)) throw new Error(`invalid fault rule ${JSON.stringify(rule)}`);
          for (const rule of rules as FaultRule[]) faults.add(rule);
          return reply(200, { ok: true, faults: simulator.faults().length });
        }
        case 'DELETE /_sim/faults':
          simulator.clearFaults();
          return reply(200, { ok: true });
        case 'GET /_sim/evaluations': {
          const account = text(url.searchParams.get('account'), 'account');
          const rule = url.searchParams.get('rule') ?? undefined;
          return reply(200, simulator.evaluations(account, rule || undefined));
        }
        case 'POST /_sim/result-token': {
          const input = json();
          return reply(200, { resultToken: simulator.issueResultToken(text(input.account, 'account'), text(input.rule, 'rule')) });
        }
        case 'POST /_sim/latency': {
          const input = json();
          if (typeof input.latencyMs !== 'number') throw new Error('latencyMs is required');
          simulator.setLatency(input.latencyMs, typeof input.latencyJitterMs === 'number' ? input.latencyJitterMs : 0);
          return reply(200, { ok: true });
        }
        case 'POST /_sim/throttling': {
          const input = json();
          if (typeof input.enabled !== 'boolean') throw new Error('enabled (boolean) is required');
          simulator.setThrottling(input.enabled);
          return reply(200, { ok: true });
        }
        case 'POST /_sim/tasks/start': {
          const input = json();
          const task = simulator.startTask(
            text(input.account, 'account'),
            text(input.cluster, 'cluster'),
            input.task as ScenarioTask,
          );
          return reply(200, { taskArn: task.arn });
        }
        case 'POST /_sim/tasks/stop': {
          const input = json();
          simulator.stopTask(text(input.account, 'account'), text(input.taskArn, 'taskArn'));
          return reply(200, { ok: true });
        }
        case 'POST /_sim/task-definitions/register': {
          const input = json();
          const td = simulator.registerTaskDefinition(
            text(input.account, 'account'),
            input.taskDefinition as ScenarioTaskDefinition,
          );
          return reply(200, { taskDefinitionArn: td.arn, resourceId: td.resourceId });
        }
        case 'POST /_sim/task-definitions/deregister': {
          const input = json();
          simulator.deregisterTaskDefinition(text(input.account, 'account'), text(input.taskDefinition, 'taskDefinition'));
          return reply(200, { ok: true });
        }
        case 'POST /_sim/s3/objects': {
          const input = json();
          if (typeof input.body !== 'string') throw new Error('body (a string) is required');
          const stored = simulator.putObject(text(input.bucket, 'bucket'), text(input.key, 'key'), input.body, typeof input.contentType === 'string' ? input.contentType : undefined);
          return reply(200, { etag: stored.etag });
        }
        case 'DELETE /_sim/s3/objects':
          simulator.deleteObject(text(url.searchParams.get('bucket'), 'bucket'), text(url.searchParams.get('key'), 'key'));
          return reply(200, { ok: true });
        default:
          return reply(404, { error: `no control endpoint ${route}` });
      }
    } catch (error) {
      return reply(400, { error: error instanceof Error ? error.message : String(error) });
    }
  };

  const server = createServer((req, res) => {
    const run = async (): Promise<void> => {
      let body: string;
      try {
        body = await readBody(req);
      } catch (error) {
        const e = error instanceof AwsError ? error : new AwsError('InternalFailure', 'read failed', 500);
        if (!res.headersSent) sendAwsJsonError(res, e, randomUUID());
        return;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname.startsWith('/_sim/')) return control(req, res, url, body);
      if (parseAuthorization(header(req, 'authorization'))?.service === 's3') return handleS3(req, res, url, body);
      const target = header(req, 'x-amz-target');
      if (req.method === 'POST' && target) {
        const dot = target.lastIndexOf('.');
        const prefix = target.slice(0, dot);
        const operation = target.slice(dot + 1);
        if (prefix === ECS_TARGET_PREFIX) return handleJson(req, res, 'ecs', operation, body);
        if (prefix === CONFIG_TARGET_PREFIX) return handleJson(req, res, 'config', operation, body);
      } else if (req.method === 'POST' && (header(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
        return handleQuery(req, res, body);
      }
      sendAwsJsonError(
        res,
        new AwsError('UnknownOperationException', `The simulator serves ECS, Config and STS only (target ${target ?? 'none'}).`),
        randomUUID(),
      );
    };
    run().catch((error: unknown) => {
      onInternalError(error);
      if (!res.headersSent) sendAwsJsonError(res, new AwsError('InternalFailure', 'Internal simulator error', 500), randomUUID());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';

  return {
    ...simulator,
    url: `http://${host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; without this close() waits for them to idle out.
        server.closeAllConnections();
      }),
  };
};
