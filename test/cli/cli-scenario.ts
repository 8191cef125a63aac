// The account the CLI's scan and remediate tests run against (simulator scenario).
import type { Scenario } from '../../tools/simulator';
import { keysFor } from '../e2e/helpers';

export const MEMBER = '111111111111';
export const QUIET = '222222222222';
export const CENTRAL = '999999999999';
export const SECRET = 'SIMSECRET-';
export const arn = (family: string, revision: number, account = MEMBER): string => `arn:aws:ecs:us-east-1:${account}:task-definition/${family}:${revision}`;
const hex = (n: number): string => n.toString(16).padStart(32, '0');
const secretEnv = (name: string) => [{ name: 'app', image: `example/${name}`, environment: [{ name: 'DB_PASSWORD', value: `${SECRET}${name}` }] }];

/**
 * MEMBER: agent:1 (host, INACTIVE) runs as service prod/agent and as a standalone task; agent:2
 * (host) as staging/agent-canary; web:1 (host, opaque Config ID) as prod/web, tagged production and
 * internet-facing; batch:1 (host, not recorded by Config) as a standalone task; shop:1 (task) as
 * prod/shop; idle:1 (host) runs nowhere. QUIET runs shop:1 only. CENTRAL may assume a role in MEMBER.
 */
export function cliScenario(): Scenario {
  return {
    accounts: [
      {
        accountId: MEMBER,
        ...keysFor(MEMBER),
        roles: [{ name: 'pidmode-scan', trustedAccounts: [CENTRAL] }],
        taskDefinitions: [
          { family: 'agent', revision: 1, pidMode: 'host', status: 'INACTIVE', resourceId: 'cfg-agent-1', containerDefinitions: secretEnv('agent1') },
          { family: 'agent', revision: 2, pidMode: 'host', resourceId: 'cfg-agent-2', containerDefinitions: secretEnv('agent2') },
          { family: 'web', revision: 1, pidMode: 'host', resourceId: 'tdrev-web1', containerDefinitions: secretEnv('web1') },
          { family: 'batch', revision: 1, pidMode: 'host', recorded: false, containerDefinitions: secretEnv('batch1') },
          { family: 'shop', revision: 1, pidMode: 'task', resourceId: 'cfg-shop-1', containerDefinitions: secretEnv('shop1') },
          { family: 'idle', revision: 1, pidMode: 'host', resourceId: 'cfg-idle-1', containerDefinitions: secretEnv('idle1') },
        ],
        clusters: [
          {
            name: 'prod',
            tasks: [
              { id: hex(1), taskDefinitionArn: arn('agent', 1), group: 'service:agent', startedBy: 'ecs-svc/1' },
              { id: hex(2), taskDefinitionArn: arn('agent', 1), group: 'service:agent', startedBy: 'ecs-svc/1' },
              { id: hex(3), taskDefinitionArn: arn('agent', 1), startedBy: 'events-rule/cleanup' },
              { id: hex(4), taskDefinitionArn: arn('web', 1), group: 'service:web' },
              { id: hex(5), taskDefinitionArn: arn('web', 1), group: 'service:web' },
              { id: hex(6), taskDefinitionArn: arn('shop', 1), group: 'service:shop' },
              { id: hex(7), taskDefinitionArn: arn('batch', 1), startedBy: 'nightly-batch' },
            ],
            services: [
              { name: 'agent', desiredCount: 2, tags: [{ key: 'team', value: 'infra' }] },
              { name: 'web', desiredCount: 3, tags: [{ key: 'env', value: 'production' }, { key: 'exposure', value: 'internet-facing' }] },
            ],
          },
          {
            name: 'staging',
            tasks: [{ id: hex(8), taskDefinitionArn: arn('agent', 2), group: 'service:agent-canary' }],
            services: [{ name: 'agent-canary', tags: [{ key: 'env', value: 'staging' }] }],
          },
        ],
      },
      {
        accountId: QUIET,
        ...keysFor(QUIET),
        taskDefinitions: [{ family: 'shop', revision: 1, pidMode: 'task' }],
        clusters: [{ name: 'main', tasks: [{ id: hex(9), taskDefinitionArn: arn('shop', 1, QUIET), group: 'service:shop' }] }],
      },
      {
        accountId: CENTRAL,
        ...keysFor(CENTRAL),
        buckets: [{ name: 'security-exceptions', readers: ['*'] }],
      },
    ],
  };
}
