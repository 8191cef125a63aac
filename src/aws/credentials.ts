// Credentials for the evaluated account (the rule development kit's ExecutionRoleName pattern):
// the central Lambda assumes arn:<partition>:iam::<accountId>:role/<name>. Cached per role until
// shortly before expiry, so warm invocations for the same account make no STS call.
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { AssumeRoleError } from '../core/errors';
import { systemClock, type Clock } from '../core/clock';

export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

const REFRESH_BEFORE_MS = 5 * 60_000;
const SESSION_NAME = 'ecs-pid-mode-rule';

export function executionRoleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

export class RoleCredentialCache {
  private readonly cache = new Map<string, TemporaryCredentials>();

  constructor(
    private readonly sts: STSClient,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(roleArn: string): Promise<TemporaryCredentials> {
    const cached = this.cache.get(roleArn);
    if (cached && cached.expiration.getTime() - this.clock.now() > REFRESH_BEFORE_MS) return cached;
    let out;
    try {
      out = await this.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: SESSION_NAME }));
    } catch (cause) {
      throw new AssumeRoleError(roleArn, { cause });
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new AssumeRoleError(roleArn, { cause: new Error('AssumeRole returned no credentials') });
    }
    const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    this.cache.set(roleArn, credentials);
    return credentials;
  }
}
