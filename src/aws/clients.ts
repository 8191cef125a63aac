// SDK clients with the SDK's default configuration (Region, credential chain and the
// AWS_ENDPOINT_URL* variables keep working), adaptive retries, per-operation call counts and
// ECS pacing. Nothing here runs at import time.
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';
import { STSClient } from '@aws-sdk/client-sts';
import { ECS_OPERATION_BUCKET, type EcsBucket, type TokenBucket } from '../core/token-bucket';

export interface AwsClients {
  readonly ecs: ECSClient;
  readonly config: ConfigServiceClient;
}

export type Credentials = ECSClientConfig['credentials'];

export interface ClientSettings {
  readonly region?: string;
  readonly credentials?: Credentials;
  /** A named profile of the shared config files (the CLI's --profile); the default chain otherwise. */
  readonly profile?: string;
  /** SDK attempts per call. ECS's buckets are shared with every caller in the account, so a
   *  sweep must ride out throttling longer than the SDK default of 3 attempts allows. */
  readonly maxAttempts: number;
}

/** Counts SDK sends per operation ("ListTasks": 12): for logs, metrics and the benchmark. */
export class CallCounter {
  readonly counts = new Map<string, number>();
  count(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }
  reset(): void {
    this.counts.clear();
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each client has its own input/output unions
type Next = (args: any) => Promise<any>;
/** The part of every SDK client's middleware stack used here (method syntax keeps it assignable from each client). */
interface Stackable {
  middlewareStack: {
    add(middleware: (next: Next, context: { commandName?: string }) => Next, options: { step: 'initialize'; name: string }): void;
  };
}

function instrument(client: Stackable, counter: CallCounter, buckets?: Record<EcsBucket, TokenBucket>): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      counter.count(operation);
      const bucket = buckets && ECS_OPERATION_BUCKET[operation];
      if (bucket) await buckets[bucket].take();
      return next(args);
    },
    // initialize: once per send, before the retry loop. Retries do not take a token here; adaptive
    // mode slows them down after throttling, and the bucket's margin (token-bucket.ts) leaves room.
    { step: 'initialize', name: 'ecsPidRuleCallPacing' },
  );
}

/** `ecsBuckets` paces ECS calls; without it calls are not paced (tests with stubbed clients). */
export function createAwsClients(settings: ClientSettings, counter: CallCounter, ecsBuckets?: Record<EcsBucket, TokenBucket>): AwsClients {
  const common = {
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    maxAttempts: settings.maxAttempts,
    retryMode: 'adaptive',
  };
  const ecs = new ECSClient(common);
  const config = new ConfigServiceClient(common);
  instrument(ecs, counter, ecsBuckets);
  instrument(config, counter);
  return { ecs, config };
}

export function createStsClient(settings: Omit<ClientSettings, 'credentials'>, counter: CallCounter): STSClient {
  const sts = new STSClient({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    maxAttempts: settings.maxAttempts,
    retryMode: 'adaptive',
  });
  instrument(sts, counter);
  return sts;
}
