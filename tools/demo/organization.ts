/**
 * The demo's example organization: a central account (where the rule's Lambda lives) and one
 * member account reached through the ExecutionRoleName role. Every row of the decision table
 * appears, with the verdict the Config console must show once the demo's story has played out.
 */
import { createHash } from 'node:crypto';

import { canonicalExceptionsJson, validateExceptionsDocument } from '../../src/core/exceptions';
import {
  SIM_SECRET_PREFIX,
  taskDefinitionArnOf,
  type ScenarioAccount,
  type ScenarioContainerDefinition,
  type ScenarioTask,
  type ScenarioTaskDefinition,
} from '../simulator';

export const REGION = 'us-east-1';
export const ROLE_NAME = 'ecs-pid-mode-rule-execution';
export const FUNCTION_NAME = 'ecs-pid-mode-rule';

export type Expected = 'NON_COMPLIANT' | 'COMPLIANT' | 'NOT_APPLICABLE' | 'not evaluated';

/** What the security team's exceptions document says about a revision (EXCEPTIONS below). */
export type ExceptionState = 'valid' | 'expiring' | 'expired';

export interface DemoRevision {
  readonly family: string;
  readonly revision: number;
  readonly pidMode?: 'host' | 'task';
  /** Status when the demo starts; the story may deregister or delete it. */
  readonly status?: 'ACTIVE' | 'INACTIVE';
  readonly launchType?: 'EC2' | 'FARGATE';
  readonly image: string;
  /** Running tasks per cluster; `service` names the ECS service (absent: a standalone task). */
  readonly tasks?: readonly { cluster: string; count: number; service?: string }[];
  /** Matched by an entry of the exceptions document, in this state. */
  readonly exception?: ExceptionState;
  /** What the Config console shows at the end of the demo. */
  readonly expected: Expected;
}

export interface DemoAccount {
  readonly label: 'central' | 'member';
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly configRuleName: string;
  readonly clusters: readonly string[];
  readonly revisions: readonly DemoRevision[];
  readonly trusts?: string;
}

const CENTRAL_ID = '111111111111';
const MEMBER_ID = '222222222222';

export const CENTRAL: DemoAccount = {
  label: 'central',
  accountId: CENTRAL_ID,
  accessKeyId: 'AKIADEMOCENTRAL00001',
  secretAccessKey: 'demo-central-secret-access-key-for-the-simulator',
  configRuleName: 'ecs-pid-mode-host-in-use',
  clusters: ['prod-a', 'prod-b', 'batch'],
  revisions: [
    { family: 'web-frontend', revision: 11, status: 'INACTIVE', image: 'web-frontend:2024.12.02', expected: 'not evaluated' },
    {
      family: 'web-frontend',
      revision: 12,
      image: 'web-frontend:2025.01.08',
      tasks: [
        { cluster: 'prod-a', count: 3, service: 'web-frontend' },
        { cluster: 'prod-b', count: 3, service: 'web-frontend' },
      ],
      expected: 'COMPLIANT',
    },
    {
      family: 'payments-api',
      revision: 7,
      pidMode: 'task',
      image: 'payments-api:4.2.0',
      tasks: [
        { cluster: 'prod-a', count: 2, service: 'payments-api' },
        { cluster: 'prod-b', count: 2, service: 'payments-api' },
      ],
      expected: 'COMPLIANT',
    },
    {
      family: 'nightly-report',
      revision: 3,
      pidMode: 'task',
      launchType: 'FARGATE',
      image: 'nightly-report:1.9.1',
      tasks: [{ cluster: 'batch', count: 1 }],
      expected: 'COMPLIANT',
    },
    // The monitoring daemon: host PID namespace so it can see every process on the instance.
    {
      family: 'node-exporter',
      revision: 3,
      pidMode: 'host',
      image: 'quay.io/prometheus/node-exporter:v1.7.0',
      tasks: [{ cluster: 'prod-b', count: 1, service: 'node-exporter' }],
      expected: 'NON_COMPLIANT',
    },
    {
      family: 'node-exporter',
      revision: 4,
      pidMode: 'host',
      image: 'quay.io/prometheus/node-exporter:v1.8.2',
      tasks: [
        { cluster: 'prod-a', count: 2, service: 'node-exporter' },
        { cluster: 'prod-b', count: 1, service: 'node-exporter' },
      ],
      expected: 'NON_COMPLIANT',
    },
    // Someone's one-off profiling task: the story stops it.
    {
      family: 'perf-profiler',
      revision: 2,
      pidMode: 'host',
      image: 'perf-profiler:0.4.0',
      tasks: [{ cluster: 'prod-a', count: 1 }],
      expected: 'NOT_APPLICABLE',
    },
    // Security agents the security team granted exceptions to (EXCEPTIONS below).
    {
      family: 'datadog-agent',
      revision: 9,
      pidMode: 'host',
      image: 'public.ecr.aws/datadog/agent:7.52.0',
      tasks: [
        { cluster: 'prod-a', count: 2, service: 'datadog-agent' },
        { cluster: 'prod-b', count: 2, service: 'datadog-agent' },
      ],
      exception: 'valid',
      expected: 'NOT_APPLICABLE',
    },
    {
      family: 'falco-sensor',
      revision: 4,
      pidMode: 'host',
      image: 'public.ecr.aws/falcosecurity/falco:0.37.1',
      tasks: [{ cluster: 'prod-a', count: 2, service: 'falco-sensor' }],
      exception: 'expiring',
      expected: 'NOT_APPLICABLE',
    },
    {
      family: 'sysdig-agent',
      revision: 1,
      pidMode: 'host',
      image: 'quay.io/sysdig/agent:12.18.0',
      tasks: [{ cluster: 'prod-b', count: 1, service: 'sysdig-agent' }],
      exception: 'expired',
      expected: 'NON_COMPLIANT',
    },
    { family: 'debug-toolbox', revision: 1, pidMode: 'host', image: 'debug-toolbox:1.0.0', expected: 'not evaluated' },
    { family: 'legacy-agent', revision: 1, pidMode: 'host', status: 'INACTIVE', image: 'legacy-agent:0.9.7', expected: 'NOT_APPLICABLE' },
  ],
};

export const MEMBER: DemoAccount = {
  label: 'member',
  accountId: MEMBER_ID,
  accessKeyId: 'AKIADEMOMEMBER000002',
  secretAccessKey: 'demo-member-secret-access-key-for-the-simulator',
  // Conformance-pack rules get a suffix: the rule must use event.configRuleName.
  configRuleName: 'ecs-pid-mode-host-in-use-conformance-pack-k2j9x1qa',
  clusters: ['analytics'],
  trusts: CENTRAL_ID,
  revisions: [
    { family: 'etl-worker', revision: 2, pidMode: 'task', status: 'INACTIVE', image: 'etl-worker:2.0.3', expected: 'not evaluated' },
    {
      family: 'etl-worker',
      revision: 3,
      pidMode: 'task',
      image: 'etl-worker:2.1.0',
      tasks: [{ cluster: 'analytics', count: 4, service: 'etl-worker' }],
      expected: 'COMPLIANT',
    },
    {
      family: 'node-exporter',
      revision: 2,
      pidMode: 'host',
      image: 'quay.io/prometheus/node-exporter:v1.6.1',
      tasks: [{ cluster: 'analytics', count: 2, service: 'node-exporter' }],
      expected: 'NON_COMPLIANT',
    },
  ],
};

export const ACCOUNTS: readonly DemoAccount[] = [CENTRAL, MEMBER];

/** The security team's bucket, in the central account (the function reads it with its own credentials). */
export const EXCEPTIONS_BUCKET = 'security-exceptions-demo';
export const EXCEPTIONS_KEY = 'ecs-pidmode/exceptions.json';
export const EXCEPTIONS_S3_URI = `s3://${EXCEPTIONS_BUCKET}/${EXCEPTIONS_KEY}`;

/** The entries, with expiry dates relative to the day the demo runs so the three states never drift. */
const EXCEPTION_ENTRIES = [
  { id: 'EX-12', owner: 'secops@example.com', reason: 'Datadog agent daemon service reads host process metrics', ticket: 'SEC-1012', inDays: 120, family: 'datadog-agent' },
  { id: 'EX-13', owner: 'runtime-security@example.com', reason: 'Falco sensor inspects host processes', ticket: 'SEC-1013', inDays: 9, family: 'falco-sensor' },
  { id: 'EX-21', owner: 'platform@example.com', reason: 'Sysdig agent until the move to Falco', ticket: 'SEC-0931', inDays: -6, family: 'sysdig-agent' },
] as const;

/** The document as `npm run exceptions -- publish` writes it (canonical JSON), for a demo run at `now` (epoch seconds). */
export function exceptionsDocument(now: number): string {
  const day = (offset: number): string => new Date(Math.floor(now / 86_400 + offset) * 86_400_000).toISOString().slice(0, 10);
  const exceptions = EXCEPTION_ENTRIES.map(({ inDays, ...entry }) => ({ ...entry, expires: day(inDays), accounts: [CENTRAL_ID] }));
  return canonicalExceptionsJson(validateExceptionsDocument({ version: 1, exceptions }, { now: new Date(now * 1000) }));
}

export const arnOf = (account: DemoAccount, ref: string): string => {
  const [family, revision] = ref.split(':');
  return taskDefinitionArnOf(REGION, account.accountId, family as string, Number(revision));
};

const taskId = (label: string): string => createHash('md5').update(label).digest('hex');

function containers(account: DemoAccount, r: DemoRevision): ScenarioContainerDefinition[] {
  const image = r.image.includes('/') ? r.image : `123456789012.dkr.ecr.us-east-1.amazonaws.com/${r.image}`;
  return [
    {
      name: r.family,
      image,
      // A fake secret, as real definitions have: the demo checks that it never reaches logs or annotations.
      environment: [{ name: 'DB_PASSWORD', value: `${SIM_SECRET_PREFIX}${taskId(`${account.accountId}/${r.family}`).slice(0, 12)}` }],
    },
  ];
}

/** The simulator scenario for one demo account. History starts 30 days before `now` (epoch seconds). */
export function scenarioAccount(account: DemoAccount, now: number): ScenarioAccount {
  const start = now - 30 * 86_400;
  const taskDefinitions: ScenarioTaskDefinition[] = account.revisions.map((r, i) => {
    const registeredAt = start + i * 3_600;
    const td: ScenarioTaskDefinition = {
      family: r.family,
      revision: r.revision,
      status: r.status ?? 'ACTIVE',
      requiresCompatibilities: [r.launchType ?? 'EC2'],
      containerDefinitions: containers(account, r),
      registeredAt,
      captureTime: registeredAt + 5,
    };
    if (r.pidMode) td.pidMode = r.pidMode;
    if (r.status === 'INACTIVE') td.deregisteredAt = registeredAt + 86_400;
    return td;
  });
  const clusters = account.clusters.map((name) => {
    const tasks: ScenarioTask[] = [];
    for (const r of account.revisions) {
      for (const placement of r.tasks ?? []) {
        if (placement.cluster !== name) continue;
        for (let n = 0; n < placement.count; n++) {
          const task: ScenarioTask = {
            id: taskId(`${account.accountId}/${name}/${r.family}:${r.revision}/${n}`),
            taskDefinitionArn: arnOf(account, `${r.family}:${r.revision}`),
            launchType: r.launchType ?? 'EC2',
            group: placement.service ? `service:${placement.service}` : `family:${r.family}`,
            createdAt: now - 86_400 + n * 60,
          };
          if (placement.service) task.startedBy = `ecs-svc/${taskId(placement.service).slice(0, 19)}`;
          tasks.push(task);
        }
      }
    }
    return { name, tasks };
  });
  return {
    accountId: account.accountId,
    region: REGION,
    accessKeyId: account.accessKeyId,
    secretAccessKey: account.secretAccessKey,
    configRules: [account.configRuleName],
    roles: account.trusts ? [{ name: ROLE_NAME, trustedAccounts: [account.trusts] }] : [],
    clusters,
    taskDefinitions,
    ...(account.label === 'central'
      ? { buckets: [{ name: EXCEPTIONS_BUCKET, objects: [{ key: EXCEPTIONS_KEY, body: exceptionsDocument(now), contentType: 'application/json' }] }] }
      : {}),
  };
}
