import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { executionRoleArn, RoleCredentialCache } from '../../../src/aws/credentials';
import { AssumeRoleError } from '../../../src/core/errors';

const sts = mockClient(STSClient);
const role = executionRoleArn('aws', '222222222222', 'EcsPidModeRuleExecution');
const creds = (expiresInMs: number, id = 'ASIA1') => ({
  Credentials: { AccessKeyId: id, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(1_000_000 + expiresInMs) },
});

beforeEach(() => sts.reset());

describe('execution role credentials', () => {
  const clock = { now: () => 1_000_000, sleep: async () => undefined };

  it('builds the role ARN in the event partition', () => {
    expect(executionRoleArn('aws-cn', '222222222222', 'R')).toBe('arn:aws-cn:iam::222222222222:role/R');
  });

  it('assumes once and reuses credentials until shortly before expiry', async () => {
    sts.on(AssumeRoleCommand).resolvesOnce(creds(3_600_000, 'A')).resolves(creds(3_600_000, 'B'));
    const cache = new RoleCredentialCache(new STSClient({ region: 'us-east-1' }), clock);
    expect((await cache.get(role)).accessKeyId).toBe('A');
    expect((await cache.get(role)).accessKeyId).toBe('A');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('refreshes credentials that expire within five minutes', async () => {
    sts.on(AssumeRoleCommand).resolvesOnce(creds(60_000, 'A')).resolves(creds(3_600_000, 'B'));
    const cache = new RoleCredentialCache(new STSClient({ region: 'us-east-1' }), clock);
    await cache.get(role);
    expect((await cache.get(role)).accessKeyId).toBe('B');
  });

  it('names the role when AssumeRole fails or returns nothing', async () => {
    sts.on(AssumeRoleCommand).rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDenied' })).resolves({});
    const cache = new RoleCredentialCache(new STSClient({ region: 'us-east-1' }), clock);
    await expect(cache.get(role)).rejects.toThrow(new AssumeRoleError(role, { cause: new Error('x') }).message.split(':')[0]!);
    await expect(cache.get(role)).rejects.toThrow(/AssumeRole returned no credentials/);
  });
});
