// Which account a front end without an event (the CLI) evaluates: the role it assumes, or the
// account of its own credentials. The Lambda never needs this: Config's event names the account.
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { AwsCallError } from '../core/errors';

/** The account and partition of an IAM ARN (role, user, assumed-role session). */
export function accountOfArn(arn: string): { accountId: string; partition: string } | undefined {
  const match = /^arn:(aws[\w-]*):(?:iam|sts)::(\d{12}):/.exec(arn);
  return match ? { partition: match[1] as string, accountId: match[2] as string } : undefined;
}

/** Whose credentials these are: the account a front end without an event (the CLI) evaluates. */
export async function callerAccount(sts: STSClient): Promise<{ accountId: string; partition: string }> {
  let arn: string | undefined;
  try {
    arn = (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } catch (cause) {
    throw new AwsCallError('GetCallerIdentity', 'the credentials in use', { cause });
  }
  const account = arn ? accountOfArn(arn) : undefined;
  if (!account) throw new AwsCallError('GetCallerIdentity', 'the credentials in use', { cause: new Error('no account in the caller ARN') });
  return account;
}
