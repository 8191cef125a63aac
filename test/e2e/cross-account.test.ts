// Organization rollout: one Lambda in a central account, invoked by Config in member accounts,
// reaching each member through the rule parameter ExecutionRoleName. Results must land in the
// member's Config, and a role the central account may not assume must stop the invocation cold.
import { changeEvent, latestItem, scheduledEvent, startSimulator, type Simulator } from '../../tools/simulator';
import {
  Lambda,
  accountWith,
  calls,
  callsOf,
  envFor,
  invokeFresh,
  nowSeconds,
  rejectionOf,
  ruleRef,
  storedVerdicts,
  taskDefinitionArn,
  useBundle,
} from './helpers';

useBundle();

const CENTRAL = '999999999999';
const MEMBER = '444444444444';
const UNTRUSTED = '555555555555';
const NO_ROLE = '666666666666';
const RULE = 'ecs-pid-mode-host-in-use-conformance-pack-x1y2';
const ROLE = 'EcsPidModeRuleExecution';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      accounts: [
        // The central account runs workloads of its own: a rule reading ECS with the function's own
        // credentials would see them instead of the member's.
        accountWith(CENTRAL, {
          configRules: [RULE],
          taskDefinitions: [{ family: 'central', revision: 1, pidMode: 'host' }],
          clusters: [{ name: 'central-prod', tasks: [{ taskDefinitionArn: taskDefinitionArn(CENTRAL, 'central', 1) }] }],
        }),
        accountWith(MEMBER, {
          configRules: [RULE],
          roles: [{ name: ROLE, trustedAccounts: [CENTRAL] }],
          taskDefinitions: [
            { family: 'agent', revision: 4, pidMode: 'host', resourceId: 'member-agent-4' },
            { family: 'shop', revision: 9, pidMode: 'task', resourceId: 'member-shop-9' },
            { family: 'shop', revision: 8, pidMode: 'task', resourceId: 'member-shop-8' },
          ],
          clusters: [
            {
              name: 'member-prod',
              tasks: [
                { taskDefinitionArn: taskDefinitionArn(MEMBER, 'agent', 4), group: 'service:node-agent' },
                { taskDefinitionArn: taskDefinitionArn(MEMBER, 'shop', 9), group: 'service:shop' },
              ],
            },
          ],
        }),
        accountWith(UNTRUSTED, {
          configRules: [RULE],
          // The role exists but trusts another account only.
          roles: [{ name: ROLE, trustedAccounts: ['111111111111'] }],
          taskDefinitions: [{ family: 'agent', revision: 1, pidMode: 'host' }],
          clusters: [{ name: 'u-prod', tasks: [{ taskDefinitionArn: taskDefinitionArn(UNTRUSTED, 'agent', 1) }] }],
        }),
        accountWith(NO_ROLE, { configRules: [RULE], taskDefinitions: [{ family: 'agent', revision: 1, pidMode: 'host' }] }),
      ],
    },
  });
});

afterAll(async () => {
  await sim?.stop();
});

beforeEach(() => sim.resetCounters());

/** The function's environment: always the central account's own credentials. */
const centralEnv = () => envFor(sim, CENTRAL);
const viaRole = (accountId: string) => ruleRef(sim, accountId, RULE, { executionRoleName: ROLE });

it('sweeps the member account through the assumed role and stores the results in the member account', async () => {
  const lambda = Lambda.load(centralEnv());
  await lambda.invoke(scheduledEvent(viaRole(MEMBER), nowSeconds()));

  expect(storedVerdicts(sim, MEMBER, RULE)).toEqual({ 'member-agent-4': 'NON_COMPLIANT', 'member-shop-9': 'COMPLIANT' });
  expect(storedVerdicts(sim, CENTRAL, RULE)).toEqual({});

  let counters = sim.counters();
  // Central only assumed the role; every ECS and Config call ran as the member.
  expect(Object.keys(counters.calls[CENTRAL] ?? {})).toEqual(['sts']);
  expect(calls(counters, CENTRAL, 'sts', 'AssumeRole')).toBe(1);
  expect(calls(counters, MEMBER, 'ecs', 'ListClusters')).toBe(1);
  expect(calls(counters, MEMBER, 'config', 'PutEvaluations')).toBe(1);
  expect(counters.evaluationsForUnknownResources).toBe(0);

  // A warm invocation for the same member reuses the role's credentials.
  sim.resetCounters();
  const item = latestItem(sim.state, MEMBER, { arn: taskDefinitionArn(MEMBER, 'agent', 4) });
  await lambda.invoke(changeEvent(viaRole(MEMBER), item));
  expect(storedVerdicts(sim, MEMBER, RULE)['member-agent-4']).toBe('NON_COMPLIANT');
  expect(calls(sim.counters(), MEMBER, 'ecs', 'ListTasks')).toBeGreaterThan(0);
  counters = sim.counters();
  expect(counters.calls[CENTRAL]).toBeUndefined();
  expect(calls(counters, MEMBER, 'config', 'PutEvaluations')).toBe(1);
});

it('handles a change notification from the member account through the role', async () => {
  const item = latestItem(sim.state, MEMBER, { arn: taskDefinitionArn(MEMBER, 'agent', 4) });
  await invokeFresh(centralEnv(), changeEvent(viaRole(MEMBER), item));
  expect(storedVerdicts(sim, MEMBER, RULE)['member-agent-4']).toBe('NON_COMPLIANT');
  expect(calls(sim.counters(), CENTRAL, 'sts', 'AssumeRole')).toBe(1);
});

it.each([
  ['a role that does not trust the central account', UNTRUSTED],
  ['a role that does not exist', NO_ROLE],
])('fails with an error naming the role ARN, and stores nothing, for %s', async (_label, accountId) => {
  const error = await rejectionOf(invokeFresh(centralEnv(), scheduledEvent(viaRole(accountId), nowSeconds())));

  // AssumeRoleError's message (its name does not survive bundling: see input.test.ts).
  expect(error.message).toMatch(new RegExp(`^Could not assume execution role arn:aws:iam::${accountId}:role/${ROLE}: AccessDenied: `));
  expect(sim.evaluations(accountId)).toEqual([]);
  const counters = sim.counters();
  // Refused before any ECS or Config call, in either account.
  expect(counters.calls).toEqual({ [CENTRAL]: { sts: { AssumeRole: 1 } } });
  expect(counters.evaluationsStored).toBe(0);
});

it("cannot report into a member account without ExecutionRoleName (the member's result token is not the central account's)", async () => {
  const withoutRole = ruleRef(sim, MEMBER, RULE);
  const before = sim.evaluations(MEMBER, RULE);
  const error = await rejectionOf(invokeFresh(centralEnv(), scheduledEvent(withoutRole, nowSeconds() + 60)));

  expect(error).toEqual({ name: 'AwsCallError', message: 'PutEvaluations failed for batch 1 of 1 (1 evaluation(s); 0 reported before it): InvalidResultTokenException: The result token is invalid.' });
  expect(sim.evaluations(MEMBER, RULE)).toEqual(before);
  expect(sim.evaluations(CENTRAL, RULE)).toEqual([]);
  // It read the central account (its own credentials), which is exactly why the role is needed.
  expect(callsOf(sim.counters(), CENTRAL, 'ecs')).toHaveProperty('ListClusters', 1);
});
