import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { ECSClient } from '@aws-sdk/client-ecs';
import { STSClient } from '@aws-sdk/client-sts';

import type { Scenario, ScenarioBucket, ScenarioTask } from '../../tools/simulator/model';

export const ACCOUNT_A = '111111111111';
export const ACCOUNT_B = '222222222222';
export const CENTRAL = '999999999999';
export const RULE = 'pid-rule';
export const ROLE = 'rule-exec';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const CREDS_A: Credentials = { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'secret-a' };
export const CREDS_B: Credentials = { accessKeyId: 'AKIABBBBBBBBBBBBBBBB', secretAccessKey: 'secret-b' };
export const CREDS_CENTRAL: Credentials = { accessKeyId: 'AKIACCCCCCCCCCCCCCCC', secretAccessKey: 'secret-c' };

export const tdArn = (family: string, revision: number, account = ACCOUNT_A): string =>
  `arn:aws:ecs:us-east-1:${account}:task-definition/${family}:${revision}`;

const hexId = (n: number): string => n.toString(16).padStart(32, '0');

/**
 * Account A: web:1 host INACTIVE (runs), web:2 task (opaque resource id, runs), web:3 unset
 * Fargate (latest ACTIVE, unused), batch:1 host unrecorded (runs). Cluster "prod" holds 150
 * running tasks and 3 stopped ones, "secret" two tasks, "default" none.
 */
export const smallScenario = (): Scenario => {
  const prodTasks: ScenarioTask[] = [];
  for (let i = 0; i < 150; i++) {
    prodTasks.push({
      id: hexId(i + 1),
      taskDefinitionArn: i % 3 === 0 ? tdArn('web', 1) : i % 3 === 1 ? tdArn('web', 2) : tdArn('batch', 1),
      launchType: 'EC2',
      group: i % 2 === 0 ? 'service:web-svc' : 'family:web',
      ...(i % 2 === 0 ? { startedBy: 'ecs-svc/123' } : {}),
      createdAt: 1_700_000_000 + i,
    });
  }
  for (let i = 0; i < 3; i++) {
    prodTasks.push({
      id: hexId(1000 + i),
      taskDefinitionArn: tdArn('web', 3),
      desiredStatus: 'STOPPED',
      lastStatus: 'STOPPED',
      launchType: 'FARGATE',
      createdAt: 1_700_000_000,
    });
  }
  return {
    accounts: [
      {
        accountId: ACCOUNT_A,
        ...CREDS_A,
        configRules: [RULE],
        roles: [{ name: ROLE, trustedAccounts: [CENTRAL] }],
        taskDefinitions: [
          {
            family: 'web',
            revision: 1,
            pidMode: 'host',
            status: 'INACTIVE',
            registeredAt: 1_690_000_000,
            captureTime: 1_690_000_100,
            containerDefinitions: [
              { name: 'app', image: 'nginx:1', environment: [{ name: 'DB_PASSWORD', value: 'SIMSECRET-abc' }] },
            ],
          },
          { family: 'web', revision: 2, pidMode: 'task', resourceId: 'tdrev-0f3a9c', registeredAt: 1_690_000_200 },
          {
            family: 'web',
            revision: 3,
            requiresCompatibilities: ['FARGATE'],
            registeredAt: 1_690_000_300,
          },
          { family: 'batch', revision: 1, pidMode: 'host', recorded: false, registeredAt: 1_690_000_400 },
        ],
        clusters: [
          { name: 'prod', tasks: prodTasks },
          {
            name: 'secret',
            tasks: [
              { id: hexId(5000), taskDefinitionArn: tdArn('web', 2) },
              { id: hexId(5001), taskDefinitionArn: tdArn('web', 2), lastStatus: 'PENDING' },
            ],
          },
          { name: 'default' },
        ],
      },
      {
        accountId: ACCOUNT_B,
        ...CREDS_B,
        configRules: [RULE],
        roles: [{ name: ROLE, trustedAccounts: [] }],
        clusters: [{ name: 'b-cluster' }],
      },
      { accountId: CENTRAL, ...CREDS_CENTRAL, configRules: [RULE] },
    ],
  };
};

/** smallScenario() with one S3 bucket owned by the central account (where the security team keeps the exceptions document). */
export const scenarioWithBucket = (bucket: ScenarioBucket): Scenario => {
  const scenario = smallScenario();
  const central = scenario.accounts.find((a) => a.accountId === CENTRAL);
  if (!central) throw new Error('smallScenario() has no central account');
  central.buckets = [bucket];
  return scenario;
};

/** maxAttempts 1 so every error surfaces at once instead of spending seconds in SDK retries. */
export const clientConfig = (url: string, credentials: Credentials, region = 'us-east-1') => ({
  endpoint: url,
  region,
  credentials,
  maxAttempts: 1,
});

export const ecsClient = (url: string, credentials: Credentials, region?: string): ECSClient =>
  new ECSClient(clientConfig(url, credentials, region));
export const configClient = (url: string, credentials: Credentials, region?: string): ConfigServiceClient =>
  new ConfigServiceClient(clientConfig(url, credentials, region));
export const stsClient = (url: string, credentials: Credentials): STSClient => new STSClient(clientConfig(url, credentials));

/** The rejection of a promise, for asserting on SDK error fields. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<Error & Record<string, unknown>> => {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
};

/** A clock tests move by hand, so token-bucket refill needs no sleeping. */
export const manualClock = (startMs = 1_735_689_600_000) => {
  let now = startMs;
  return {
    now: (): number => now,
    advance: (ms: number): void => {
      now += ms;
    },
  };
};
