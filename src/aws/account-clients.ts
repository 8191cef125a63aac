// Clients per evaluated account, kept across warm invocations: connections are reused, ECS
// pacing state persists (the account's throttle buckets do too), and assumed-role credentials
// are refreshed from the cache shortly before they expire.
import type { RuleSettings } from '../env';
import type { AccountTarget } from '../core/types';
import { ecsBuckets, type EcsBucket, type TokenBucket } from '../core/token-bucket';
import { CallCounter, createAwsClients, createStsClient, type AwsClients } from './clients';
import { RoleCredentialCache } from './credentials';

/** Accounts whose clients stay warm; one central function may serve hundreds of accounts. */
const MAX_WARM_ACCOUNTS = 32;

export class AccountClients {
  readonly calls = new CallCounter();
  /** Least recently used first (Map keeps insertion order). */
  private readonly clients = new Map<string, AwsClients>();
  private readonly buckets = new Map<string, Record<EcsBucket, TokenBucket>>();
  private roles: RoleCredentialCache | undefined;

  /** `profile`: a named profile for every client (the CLI's --profile); the Lambda uses its role. */
  constructor(
    private readonly settings: RuleSettings,
    private readonly options: { readonly profile?: string } = {},
  ) {}

  async clientsFor(target: AccountTarget): Promise<AwsClients> {
    const { roleArn, region } = target;
    if (roleArn) {
      this.roles ??= new RoleCredentialCache(createStsClient({ region, maxAttempts: this.settings.maxAttempts, ...this.profile() }, this.calls));
      // Assume now, so a denied role fails the invocation with its ARN before any other call.
      await this.roles.get(roleArn);
    }
    const key = `${target.accountId}|${roleArn ?? 'self'}|${region}`;
    let clients = this.clients.get(key);
    if (clients) {
      this.clients.delete(key);
    } else {
      const roles = this.roles;
      const bucketKey = `${target.accountId}|${region}`;
      // Pacing state outlives evicted clients (it is small): the account's buckets do too.
      let buckets = this.buckets.get(bucketKey);
      if (!buckets) {
        buckets = ecsBuckets(ecsShareOf(this.settings));
        this.buckets.set(bucketKey, buckets);
      }
      clients = createAwsClients(
        {
          region,
          maxAttempts: this.settings.maxAttempts,
          ...(roleArn && roles ? { credentials: () => roles.get(roleArn) } : this.profile()),
        },
        this.calls,
        buckets,
      );
      while (this.clients.size >= MAX_WARM_ACCOUNTS) {
        const [oldest, stale] = this.clients.entries().next().value as [string, AwsClients];
        this.clients.delete(oldest);
        stale.ecs.destroy();
        stale.config.destroy();
      }
    }
    this.clients.set(key, clients);
    return clients;
  }

  private profile(): { profile?: string } {
    return this.options.profile ? { profile: this.options.profile } : {};
  }
}

/** This execution environment's share of ECS's rates: the function's share split among its concurrent environments. */
export function ecsShareOf(settings: Pick<RuleSettings, 'ecsRateShare' | 'concurrency'>): number {
  return settings.ecsRateShare / settings.concurrency;
}
