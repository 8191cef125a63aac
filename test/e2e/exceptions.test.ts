// Exceptions granted by the security team, end to end: the exceptions document published to an S3
// bucket in the security team's account, read by the BUILT bundle through the simulator (S3, ECS
// and Config on one port), and what Config then shows. Both trigger paths; the fail-closed cases;
// the ETag cache of a warm execution environment. Expiry dates are relative to today (UTC), so
// the outcomes hold whatever the calendar says.
import { changeEvent, latestItem, scheduledEvent, startSimulator, type RuleRef, type ScenarioAccount, type Simulator } from '../../tools/simulator';
import { relativeExceptions } from '../helpers/fixtures';
import {
  Lambda,
  accountWith,
  calls,
  callsOf,
  captureOutput,
  emfMetrics,
  envFor,
  invokeFresh,
  nowSeconds,
  rejectionOf,
  ruleRef,
  storedEvaluations,
  storedVerdicts,
  taskDefinitionArn,
  useBundle,
  type LambdaEnv,
} from './helpers';

useBundle();

/** The account the rule evaluates; the function runs there with its keys (a reader of the bucket). */
const A = '131313131313';
/** The security team's account: owns the bucket. */
const SECURITY = '141414141414';
/** Same workloads and exceptions, but the bucket policy does not let it read. */
const OUTSIDER = '151515151515';
const BUCKET = 'sec-exceptions';
const KEY = 'ecs/pidmode/exceptions.json';
const URI = `s3://${BUCKET}/${KEY}`;
const RULES = ['pid-exc-change', 'pid-exc-sweep', 'pid-exc-plain', 'pid-exc-warn', 'pid-exc-closed', 'pid-exc-etag'];

const { json: DOCUMENT, expires } = relativeExceptions('e2e-relative');

/**
 * Every case the issue names, per account: EX-12 (valid, 200 days left) covers datadog-agent,
 * EX-13 (5 days left) falco-sensor:5-7, EX-40 (expired 3 days ago) old-agent, EX-15 (valid) the
 * task-mode web-app. datadog-agent:4 is host-mode and matched by EX-12, but runs nothing.
 */
function account(accountId: string): ScenarioAccount {
  const arn = (family: string, revision: number): string => taskDefinitionArn(accountId, family, revision);
  return accountWith(accountId, {
    configRules: RULES,
    taskDefinitions: [
      { family: 'datadog-agent', revision: 4, pidMode: 'host', resourceId: 'td-dd-4' },
      { family: 'datadog-agent', revision: 5, pidMode: 'host', resourceId: 'td-dd-5' },
      { family: 'falco-sensor', revision: 6, pidMode: 'host', resourceId: 'td-falco-6' },
      { family: 'old-agent', revision: 1, pidMode: 'host', resourceId: 'td-old-1' },
      { family: 'plain-agent', revision: 1, pidMode: 'host', resourceId: 'td-plain-1' },
      { family: 'web-app', revision: 1, pidMode: 'task', resourceId: 'td-web-1' },
    ],
    clusters: [
      {
        name: 'prod',
        tasks: [
          { taskDefinitionArn: arn('datadog-agent', 5) },
          { taskDefinitionArn: arn('datadog-agent', 5) },
          { taskDefinitionArn: arn('falco-sensor', 6) },
          { taskDefinitionArn: arn('old-agent', 1) },
          { taskDefinitionArn: arn('plain-agent', 1) },
          { taskDefinitionArn: arn('web-app', 1) },
        ],
      },
    ],
  });
}

const ANNOTATION = {
  valid: `exception EX-12 (secops@example.com) until ${expires['EX-12']}: Datadog agent daemon service reads host process metrics`,
  expiring: `exception EX-13 (runtime-security@example.com) until ${expires['EX-13']}, expires in 5 days: Falco sensor inspects host processes`,
  /** The expired exception leads, then the rule's own reason. */
  expired: new RegExp(`^exception EX-40 expired on ${expires['EX-40']} \\(secops@example\\.com\\); pidMode=host: containers share the host's process namespace; 1 running task`),
};

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({
    scenario: {
      accounts: [
        account(A),
        account(OUTSIDER),
        accountWith(SECURITY, { buckets: [{ name: BUCKET, readers: [A], objects: [{ key: KEY, body: DOCUMENT, contentType: 'application/json' }] }] }),
      ],
    },
  });
});
afterAll(() => sim?.stop());

const withExceptions = (accountId: string, rule: string, uri = URI): RuleRef => ruleRef(sim, accountId, rule, { exceptionsS3Uri: uri });
const itemOf = (accountId: string, family: string, revision: number) => latestItem(sim.state, accountId, { arn: taskDefinitionArn(accountId, family, revision) });

describe('a change event for an in-use host-mode revision', () => {
  const RULE = 'pid-exc-change';
  const change = async (family: string, revision: number) => invokeFresh(envFor(sim, A), changeEvent(withExceptions(A, RULE), itemOf(A, family, revision)));

  it('reports NOT_APPLICABLE with the exception id, owner, end date and reason when the exception is valid', async () => {
    const summary = await change('datadog-agent', 5);
    expect(storedEvaluations(sim, A, RULE).get('td-dd-5')).toMatchObject({ complianceType: 'NOT_APPLICABLE', annotation: ANNOTATION.valid });
    expect(summary).toMatchObject({ sent: 1, exceptedInUse: 1, exceptionsExpiringSoon: 0, exceptionsExpired: 0 });
  });

  it('reports NOT_APPLICABLE saying in how many days it expires when 14 days or fewer are left', async () => {
    const summary = await change('falco-sensor', 6);
    expect(storedEvaluations(sim, A, RULE).get('td-falco-6')).toMatchObject({ complianceType: 'NOT_APPLICABLE', annotation: ANNOTATION.expiring });
    expect(summary).toMatchObject({ exceptedInUse: 1, exceptionsExpiringSoon: 1, exceptionsExpired: 0 });
  });

  it('reports NON_COMPLIANT naming the expired exception and its owner once it has expired', async () => {
    const summary = await change('old-agent', 1);
    const stored = storedEvaluations(sim, A, RULE).get('td-old-1');
    expect(stored?.complianceType).toBe('NON_COMPLIANT');
    expect(stored?.annotation).toMatch(ANNOTATION.expired);
    expect(summary).toMatchObject({ exceptedInUse: 0, exceptionsExpiringSoon: 0, exceptionsExpired: 1 });
  });

  it('leaves a matched host-mode revision that runs nothing to the rule: NOT_APPLICABLE for its own reason', async () => {
    const summary = await change('datadog-agent', 4);
    const stored = storedEvaluations(sim, A, RULE).get('td-dd-4');
    expect(stored?.complianceType).toBe('NOT_APPLICABLE');
    expect(stored?.annotation).not.toMatch(/exception/i);
    expect(summary).toMatchObject({ exceptedInUse: 0 });
  });

  it('makes no ECS call and reports nothing for a matched task-mode revision (left to the sweep, as without exceptions)', async () => {
    sim.resetCounters();
    const summary = await change('web-app', 1);
    expect(summary).toMatchObject({ sent: 0, deferred: 1 });
    expect(storedEvaluations(sim, A, RULE).has('td-web-1')).toBe(false);
    expect(callsOf(sim.counters(), A, 'ecs')).toEqual({});
  });
});

describe('the periodic sweep', () => {
  it('reports the three outcomes, leaves everything else as the rule decides, and counts them in the summary and the metrics', async () => {
    const RULE = 'pid-exc-sweep';
    const { result: summary, output, error } = await captureOutput(() => invokeFresh(envFor(sim, A, { metrics: true }), scheduledEvent(withExceptions(A, RULE), nowSeconds())));
    expect(error).toBeUndefined();

    const stored = storedEvaluations(sim, A, RULE);
    expect(stored.get('td-dd-5')).toMatchObject({ complianceType: 'NOT_APPLICABLE', annotation: ANNOTATION.valid });
    expect(stored.get('td-falco-6')).toMatchObject({ complianceType: 'NOT_APPLICABLE', annotation: ANNOTATION.expiring });
    expect(stored.get('td-old-1')?.annotation).toMatch(ANNOTATION.expired);
    expect(storedVerdicts(sim, A, RULE)).toEqual({
      'td-dd-5': 'NOT_APPLICABLE',
      'td-falco-6': 'NOT_APPLICABLE',
      'td-old-1': 'NON_COMPLIANT',
      'td-plain-1': 'NON_COMPLIANT',
      // EX-15 matches web-app, but a task-mode revision keeps its verdict.
      'td-web-1': 'COMPLIANT',
      // td-dd-4 (matched by EX-12, host-mode, runs nothing) is not evaluated, as without exceptions.
    });
    expect(stored.get('td-plain-1')?.annotation).not.toMatch(/exception/i);
    expect(stored.get('td-web-1')?.annotation).not.toMatch(/exception/i);

    expect(summary).toMatchObject({ sent: 5, nonCompliantInUse: 2, exceptedInUse: 2, exceptionsExpiringSoon: 1, exceptionsExpired: 1 });
    expect(emfMetrics(output)).toMatchObject({ ExceptedRevisionsInUse: 2, ExceptionsExpiringSoon: 1, ExceptionsExpired: 1, NonCompliantRevisionsInUse: 2 });
  });

  // Documented cost (docs/exceptions.md): earlier results are listed for COMPLIANT and NON_COMPLIANT
  // only, so a NOT_APPLICABLE from an exception is never found "unchanged".
  it('does not send the excepted revisions again while unchanged: their last NOT_APPLICABLE is read per resource', async () => {
    const RULE = 'pid-exc-sweep';
    sim.resetCounters();
    const summary = await invokeFresh(envFor(sim, A), scheduledEvent(withExceptions(A, RULE), nowSeconds() + 60));
    expect(summary).toMatchObject({ sent: 0, unchanged: 5, exceptedInUse: 2 });
    expect(calls(sim.counters(), A, 'config', 'GetComplianceDetailsByResource')).toBe(2);
  });

  it('reports every host-mode revision in use NON_COMPLIANT without the ExceptionsS3Uri parameter', async () => {
    const RULE = 'pid-exc-plain';
    const summary = await invokeFresh(envFor(sim, A), scheduledEvent(ruleRef(sim, A, RULE), nowSeconds()));
    expect(storedVerdicts(sim, A, RULE)).toEqual({
      'td-dd-5': 'NON_COMPLIANT',
      'td-falco-6': 'NON_COMPLIANT',
      'td-old-1': 'NON_COMPLIANT',
      'td-plain-1': 'NON_COMPLIANT',
      'td-web-1': 'COMPLIANT',
    });
    expect(summary).not.toHaveProperty('exceptedInUse');
  });

  it('takes the warning window from RULE_EXCEPTIONS_WARN_DAYS', async () => {
    const RULE = 'pid-exc-warn';
    const summary = await invokeFresh(envFor(sim, A, { exceptionsWarnDays: 3 }), scheduledEvent(withExceptions(A, RULE), nowSeconds()));
    expect(storedEvaluations(sim, A, RULE).get('td-falco-6')).toMatchObject({
      complianceType: 'NOT_APPLICABLE',
      annotation: `exception EX-13 (runtime-security@example.com) until ${expires['EX-13']}: Falco sensor inspects host processes`,
    });
    expect(summary).toMatchObject({ exceptedInUse: 2, exceptionsExpiringSoon: 0 });
  });
});

describe('an exceptions document that cannot be used', () => {
  const RULE = 'pid-exc-closed';
  const INVALID_KEY = 'ecs/pidmode/invalid.json';
  const YAML_KEY = 'ecs/pidmode/exceptions.yaml';

  beforeAll(async () => {
    // An entry without its owner and with a misspelt field, as someone editing the JSON by hand might leave it.
    const invalid = JSON.parse(DOCUMENT) as { exceptions: Array<Record<string, unknown>> };
    const first = invalid.exceptions[0] as Record<string, unknown>;
    delete first.owner;
    first.expiry = first.expires;
    sim.putObject(BUCKET, INVALID_KEY, JSON.stringify(invalid), 'application/json');
    // The YAML uploaded instead of what publish writes.
    sim.putObject(BUCKET, YAML_KEY, 'exceptions:\n  - id: EX-12\n', 'application/yaml');
    // Earlier verdicts, established with the valid document: they must stand.
    await invokeFresh(envFor(sim, A), scheduledEvent(withExceptions(A, RULE), nowSeconds() - 3600));
    await invokeFresh(envFor(sim, OUTSIDER), scheduledEvent(ruleRef(sim, OUTSIDER, RULE), nowSeconds() - 3600));
  });
  afterEach(() => sim.clearFaults());

  const cases: ReadonlyArray<{ problem: string; accountId: string; uri: string; message: RegExp; fault?: boolean }> = [
    { problem: 'missing (NoSuchKey)', accountId: A, uri: `s3://${BUCKET}/ecs/pidmode/missing.json`, message: /NoSuchKey/ },
    { problem: 'not readable by the bucket policy (AccessDenied)', accountId: OUTSIDER, uri: URI, message: /AccessDenied/ },
    { problem: 'refused by S3 (injected AccessDenied)', accountId: A, uri: URI, message: /AccessDenied/, fault: true },
    { problem: 'invalid (an entry without owner, an unknown field)', accountId: A, uri: `s3://${BUCKET}/${INVALID_KEY}`, message: /^(?=.*entry #1 \(EX-12\): field "owner" is required)(?=.*entry #1 \(EX-12\): field "expiry" is not a known field)/ },
    { problem: 'not JSON (the YAML uploaded by hand)', accountId: A, uri: `s3://${BUCKET}/${YAML_KEY}`, message: /the object is not JSON/ },
  ];
  const triggers = [
    { trigger: 'periodic sweep', event: (rule: RuleRef) => scheduledEvent(rule, nowSeconds()) },
    { trigger: 'change event', event: (rule: RuleRef) => changeEvent(rule, itemOf(rule.accountId, 'datadog-agent', 5)) },
  ];

  describe.each(triggers)('on a $trigger', ({ event }) => {
    it.each(cases)('fails naming the document and the problem when it is $problem, reports nothing and makes no ECS call', async ({ accountId, uri, message, fault }) => {
      const before = sim.evaluations(accountId, RULE);
      expect(before.length).toBeGreaterThan(0);
      sim.resetCounters();
      if (fault) sim.addFault({ service: 's3', operation: 'GetObject', accountId, error: 'AccessDeniedException' });

      const error = await rejectionOf(invokeFresh(envFor(sim, accountId), event(withExceptions(accountId, RULE, uri))));

      expect(error.name).toBe('ExceptionsReadError');
      expect(error.message.startsWith(`Could not use the exceptions document ${uri}: `)).toBe(true);
      expect(error.message).toMatch(message);
      const counters = sim.counters();
      expect(callsOf(counters, accountId, 's3').GetObject).toBeGreaterThan(0);
      expect(callsOf(counters, accountId, 'ecs')).toEqual({});
      expect(callsOf(counters, accountId, 'config')).toEqual({});
      expect(sim.evaluations(accountId, RULE)).toEqual(before);
    });
  });
});

describe('the document in a warm execution environment', () => {
  const RULE = 'pid-exc-etag';
  const env = (): LambdaEnv => envFor(sim, A);

  it('asks S3 only whether it changed (If-None-Match, 304), and uses a new version as soon as it is published', async () => {
    const lambda = Lambda.load(env());
    sim.resetCounters();
    await lambda.invoke(scheduledEvent(withExceptions(A, RULE), nowSeconds() - 120));
    expect(sim.counters().notModified).toEqual({});

    await lambda.invoke(scheduledEvent(withExceptions(A, RULE), nowSeconds() - 60));
    expect(callsOf(sim.counters(), A, 's3')).toEqual({ GetObject: 2 });
    expect(sim.counters().notModified).toEqual({ [A]: { s3: { GetObject: 1 } } });
    expect(storedVerdicts(sim, A, RULE)['td-dd-5']).toBe('NOT_APPLICABLE');

    // EX-12 withdrawn: the next invocation reads the new object (200, not 304) and reports the agent.
    const withdrawn = JSON.parse(DOCUMENT) as { exceptions: Array<{ id: string }> };
    withdrawn.exceptions = withdrawn.exceptions.filter((entry) => entry.id !== 'EX-12');
    sim.putObject(BUCKET, KEY, `${JSON.stringify(withdrawn, null, 2)}\n`, 'application/json');
    try {
      const summary = await lambda.invoke(scheduledEvent(withExceptions(A, RULE), nowSeconds()));
      expect(sim.counters().notModified).toEqual({ [A]: { s3: { GetObject: 1 } } });
      expect(callsOf(sim.counters(), A, 's3')).toEqual({ GetObject: 3 });
      expect(storedVerdicts(sim, A, RULE)['td-dd-5']).toBe('NON_COMPLIANT');
      expect(summary).toMatchObject({ exceptedInUse: 1 });
    } finally {
      sim.putObject(BUCKET, KEY, DOCUMENT, 'application/json');
    }
  });

  it('reads the whole object again in a new (cold) environment', async () => {
    sim.resetCounters();
    await invokeFresh(env(), scheduledEvent(withExceptions(A, RULE), nowSeconds() + 60));
    expect(callsOf(sim.counters(), A, 's3')).toEqual({ GetObject: 1 });
    expect(sim.counters().notModified).toEqual({});
  });
});
