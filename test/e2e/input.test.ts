// Bad input through the built bundle: it fails with a typed error before any AWS call, so nothing
// is reported from it. And the rule development kit's TestMode: validated, nothing stored.
import {
  changeEvent,
  latestItem,
  scheduledEvent,
  startSimulator,
  type ConfigRuleEventShape,
  type Simulator,
} from '../../tools/simulator';
import { accountWith, calls, envFor, invokeFresh, nowSeconds, rejectionOf, ruleRef, taskDefinitionArn, useBundle } from './helpers';

useBundle();

const A = '777777777777';
const RULE = 'pid-input';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      accounts: [
        accountWith(A, {
          configRules: [RULE],
          taskDefinitions: [
            {
              family: 'svc',
              revision: 1,
              pidMode: 'host',
              resourceId: 'svc-1',
              containerDefinitions: [{ name: 'app', image: 'svc:1', environment: [{ name: 'TOKEN', value: 'SIMSECRET-input' }] }],
            },
            { family: 'svc', revision: 2, pidMode: 'task', resourceId: 'svc-2' },
          ],
          clusters: [{ name: 'c1', tasks: [{ taskDefinitionArn: taskDefinitionArn(A, 'svc', 1) }, { taskDefinitionArn: taskDefinitionArn(A, 'svc', 2) }] }],
        }),
      ],
    },
  });
});

afterAll(async () => {
  await sim?.stop();
});

beforeEach(() => sim.resetCounters());

const validChange = (): ConfigRuleEventShape =>
  changeEvent(ruleRef(sim, A, RULE), latestItem(sim.state, A, { arn: taskDefinitionArn(A, 'svc', 1) }));

/** The change event with its invokingEvent parsed, edited and serialised again. */
const withInvoking = (edit: (invoking: Record<string, unknown>) => void): ConfigRuleEventShape => {
  const event = validChange();
  const invoking = JSON.parse(event.invokingEvent) as Record<string, unknown>;
  edit(invoking);
  return { ...event, invokingEvent: JSON.stringify(invoking) };
};

interface BadInput {
  readonly label: string;
  readonly event: () => unknown;
  readonly name: string;
  readonly message: RegExp;
}

const BAD_INPUT: readonly BadInput[] = [
  {
    label: 'invokingEvent is not JSON',
    event: () => ({ ...validChange(), invokingEvent: '{"messageType": "ConfigurationItemChangeNotification",' }),
    name: 'InvalidEventError',
    message: /^invokingEvent is not valid JSON$/,
  },
  {
    label: 'invokingEvent is an object, not a JSON string',
    event: () => ({ ...validChange(), invokingEvent: JSON.parse(validChange().invokingEvent) as unknown }),
    name: 'InvalidEventError',
    message: /^invokingEvent must be a JSON string$/,
  },
  {
    label: 'unknown messageType',
    event: () => withInvoking((i) => (i.messageType = 'ConfigurationSnapshotDeliveryCompleted')),
    name: 'InvalidEventError',
    message: /^unknown invokingEvent\.messageType "ConfigurationSnapshotDeliveryCompleted"/,
  },
  {
    label: 'missing configurationItem',
    event: () => withInvoking((i) => delete i.configurationItem),
    name: 'InvalidEventError',
    message: /^invokingEvent\.configurationItem is missing or not an object$/,
  },
  {
    label: 'accountId that is not an account id',
    event: () => ({ ...validChange(), accountId: '7777' }),
    name: 'InvalidEventError',
    message: /accountId must be a 12-digit AWS account ID/,
  },
  {
    label: 'malformed ruleParameters',
    event: () => ({ ...validChange(), ruleParameters: '{"ExecutionRoleName": ' }),
    name: 'InvalidRuleParametersError',
    message: /^ruleParameters is not valid JSON/,
  },
  {
    label: 'unknown rule parameter',
    event: () => ({ ...validChange(), ruleParameters: '{"ExecutionRoleName":"","Verbose":"true"}' }),
    name: 'InvalidRuleParametersError',
    message: /^unknown rule parameter\(s\) Verbose; known parameters: ExecutionRoleName, ExceptionsS3Uri$/,
  },
  {
    label: 'ExecutionRoleName that is a role ARN, not a role name',
    event: () => ({ ...validChange(), ruleParameters: JSON.stringify({ ExecutionRoleName: `arn:aws:iam::${A}:role/x` }) }),
    name: 'InvalidRuleParametersError',
    message: /^ExecutionRoleName must be an IAM role name/,
  },
  {
    label: 'a configuration item with a pidMode value ECS does not accept',
    event: () =>
      withInvoking((i) => {
        const item = i.configurationItem as { configuration: Record<string, unknown> };
        item.configuration.PidMode = 'shared-SIMSECRET-pid';
      }),
    name: 'InvalidConfigurationItemError',
    message: /^Task definition "svc-1" has an unrecognised pidMode value$/,
  },
  ...(['resourcedeleted', ' ResourceDeleted', 'Deleted'] as const).map((status) => ({
    label: `configurationItemStatus ${JSON.stringify(status)} (not one of Config's values, compared exactly)`,
    event: () => withInvoking((i) => ((i.configurationItem as Record<string, unknown>).configurationItemStatus = status)),
    name: 'InvalidEventError',
    message: /^invokingEvent\.configurationItem\.configurationItemStatus ".*" is not one of OK, ResourceDiscovered, ResourceNotRecorded, ResourceDeleted, ResourceDeletedNotRecorded$/,
  })),
  ...([' ', '\t', 'svc\u0007-1', ' svc-1'] as const).map((resourceId) => ({
    label: `resourceId ${JSON.stringify(resourceId)}`,
    event: () => withInvoking((i) => ((i.configurationItem as Record<string, unknown>).resourceId = resourceId)),
    name: 'InvalidEventError',
    message: /^invokingEvent\.configurationItem\.resourceId must be 1-768 characters without surrounding whitespace or control characters/,
  })),
  {
    label: 'a 1 MB resourceId (quoted capped, not echoed whole)',
    event: () => withInvoking((i) => ((i.configurationItem as Record<string, unknown>).resourceId = `x${' '.repeat(1_000_000)}`)),
    name: 'InvalidEventError',
    message: /^invokingEvent\.configurationItem\.resourceId must be .{0,300}\(1000001 characters\)"\)$/,
  },
  {
    label: 'a capture time that is not ISO 8601',
    event: () => withInvoking((i) => ((i.configurationItem as Record<string, unknown>).configurationItemCaptureTime = 'Tue, 01 Dec 2026 10:00:00 GMT')),
    name: 'InvalidEventError',
    message: /^invokingEvent\.configurationItem\.configurationItemCaptureTime is not an ISO 8601 time/,
  },
  {
    label: 'a capture time a year ahead (it would lock in its verdict)',
    event: () => withInvoking((i) => ((i.configurationItem as Record<string, unknown>).configurationItemCaptureTime = new Date(Date.now() + 365 * 86_400_000).toISOString())),
    name: 'InvalidEventError',
    message: /configurationItemCaptureTime ".*" is more than 15 minutes in the future$/,
  },
  {
    label: 'an empty configuration object',
    event: () => withInvoking((i) => ((i.configurationItem as Record<string, unknown>).configuration = {})),
    name: 'InvalidConfigurationItemError',
    message: /^Configuration item "svc-1" has no configuration$/,
  },
  {
    label: 'an item whose ARN names another revision than its configuration',
    event: () => withInvoking((i) => ((i.configurationItem as Record<string, unknown>).ARN = taskDefinitionArn(A, 'svc', 2))),
    name: 'InvalidConfigurationItemError',
    message: /names two revisions/,
  },
];

describe('bad input', () => {
  it.each(BAD_INPUT.map((c) => [c.label, c] as const))('rejects %s before any AWS call, and reports nothing', async (_label, c) => {
    const error = await rejectionOf(invokeFresh(envFor(sim, A), c.event()));

    expect(error.message).toMatch(c.message);
    // Identifiers only: the offending value is not echoed.
    expect(error.message).not.toContain('SIMSECRET-');
    const counters = sim.counters();
    expect(counters.totalCalls).toBe(0);
    expect(counters.unauthenticated).toBe(0);
    expect(sim.evaluations(A, RULE)).toEqual([]);
  });

  // Finding (see the report): the bundle is minified without keepNames, and the errors take their
  // name from `new.target.name`, so the Lambda fails with errorType "na", "ia"... instead of the
  // typed names the README and logs promise. This test stays red until the build keeps names.
  it('rejects with the typed error name (it survives bundling)', async () => {
    const names: Record<string, string> = {};
    for (const c of BAD_INPUT) names[c.label] = (await rejectionOf(invokeFresh(envFor(sim, A), c.event()))).name;
    const noRole = ruleRef(sim, A, RULE, { executionRoleName: 'MissingRole' });
    names['a role that cannot be assumed'] = (await rejectionOf(invokeFresh(envFor(sim, A), scheduledEvent(noRole, nowSeconds())))).name;

    expect(names).toEqual({
      ...Object.fromEntries(BAD_INPUT.map((c) => [c.label, c.name])),
      'a role that cannot be assumed': 'AssumeRoleError',
    });
  });
});

describe('TestMode (resultToken "TESTMODE")', () => {
  const testMode = { accountId: A, configRuleName: RULE, resultToken: 'TESTMODE' } as const;

  it('validates a change evaluation with Config and stores nothing', async () => {
    const summary = await invokeFresh(envFor(sim, A), changeEvent(testMode, latestItem(sim.state, A, { arn: taskDefinitionArn(A, 'svc', 1) })));

    expect(summary).toMatchObject({ sent: 1, byCompliance: { NON_COMPLIANT: 1 } });
    const counters = sim.counters();
    // Sent (the simulator accepts "TESTMODE" only with TestMode: true), validated, not stored.
    expect(calls(counters, A, 'config', 'PutEvaluations')).toBe(1);
    expect(counters.errorsByCode).toEqual({});
    expect(counters.evaluationsStored).toBe(0);
    expect(sim.evaluations(A, RULE)).toEqual([]);
  });

  it('validates every verdict of a periodic sweep and stores nothing', async () => {
    const summary = await invokeFresh(envFor(sim, A), scheduledEvent(testMode, nowSeconds()));

    expect(summary).toMatchObject({ sent: 2, byCompliance: { NON_COMPLIANT: 1, COMPLIANT: 1, NOT_APPLICABLE: 0 } });
    const counters = sim.counters();
    expect(calls(counters, A, 'config', 'PutEvaluations')).toBe(1);
    expect(counters.errorsByCode).toEqual({});
    expect(counters.evaluationsStored).toBe(0);
    expect(sim.evaluations(A, RULE)).toEqual([]);
  });
});
