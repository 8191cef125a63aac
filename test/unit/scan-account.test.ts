// scanAccount: the periodic sweep of one account and Region with the evaluations collected, not sent.
// Against the simulator (source, not the bundle), with the SDK clients the handler builds.
import { CallCounter, createAwsClients, type AwsClients } from '../../src/aws/clients';
import { scanAccount, SCAN_RULE_NAME, type ScannedEvaluation } from '../../src/run';
import { startSimulator, type Simulator } from '../../tools/simulator';
import { ACCOUNT_A, CREDS_A, RULE, smallScenario, tdArn } from '../simulator/helpers';

const silent = { info: () => undefined, warn: () => undefined };
const TARGET = { accountId: ACCOUNT_A, partition: 'aws', region: 'us-east-1' };

describe('scanAccount', () => {
  let sim: Simulator;
  let clients: AwsClients;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: smallScenario(), throttling: false });
    // The clients keep the SDK's default configuration, which reads the endpoint from the environment.
    process.env.AWS_ENDPOINT_URL = sim.url;
    clients = createAwsClients({ region: 'us-east-1', credentials: CREDS_A, maxAttempts: 1 }, new CallCounter());
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL;
    clients.ecs.destroy();
    clients.config.destroy();
    await sim.stop();
  });

  const scan = () => scanAccount(TARGET, { clientsFor: async () => clients, ecsConcurrency: 4, log: silent });
  const byArn = (evaluations: readonly ScannedEvaluation[]) => Object.fromEntries(evaluations.map((e) => [e.detail?.taskDefinitionArn, e]));

  it('returns the decision table for every in-use revision, with the revision and its usage', async () => {
    const outcome = await scan();
    const found = byArn(outcome.evaluations);
    expect(Object.keys(found).sort()).toEqual([tdArn('batch', 1), tdArn('web', 1), tdArn('web', 2)]);
    expect(found[tdArn('web', 1)]).toMatchObject({ complianceType: 'NON_COMPLIANT', resourceId: 'web:1', detail: { pidMode: 'host' } });
    expect(found[tdArn('web', 2)]).toMatchObject({ complianceType: 'COMPLIANT', resourceId: 'tdrev-0f3a9c' });
    // Not recorded by Config: reported under its ARN, as the sweep does.
    expect(found[tdArn('batch', 1)]).toMatchObject({ complianceType: 'NON_COMPLIANT', resourceId: tdArn('batch', 1) });
    const web2 = found[tdArn('web', 2)]?.detail?.usage;
    expect(web2?.taskCount).toBe(52);
    expect([...(web2?.clusters ?? [])].sort()).toEqual(['prod', 'secret']);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.summary).toMatchObject({ configRuleName: SCAN_RULE_NAME, nonCompliantInUse: 2, sent: 3 });
  });

  it('neither reads earlier results nor writes evaluations: a scan has no Config rule', async () => {
    sim.resetCounters();
    await scan();
    const config = sim.counters().calls[ACCOUNT_A]?.config ?? {};
    expect(config.GetComplianceDetailsByConfigRule).toBeUndefined();
    expect(config.PutEvaluations).toBeUndefined();
    expect(sim.evaluations(ACCOUNT_A, RULE)).toEqual([]);
  });

  it('applies the exceptions given, for the target account and Region', async () => {
    const document = {
      version: 1 as const,
      exceptions: [{ id: 'EXC-1', owner: 'sec@example.com', reason: 'node agent', expires: '2099-01-01', accounts: [ACCOUNT_A], family: 'web', revisions: [1] }],
    };
    const outcome = await scanAccount(TARGET, { clientsFor: async () => clients, ecsConcurrency: 4, log: silent, now: () => Date.parse('2098-12-01T00:00:00Z') }, { exceptions: { document, warnDays: 14 } });
    expect(byArn(outcome.evaluations)[tdArn('web', 1)]).toMatchObject({ complianceType: 'NOT_APPLICABLE' });
    expect(outcome.summary).toMatchObject({ exceptedInUse: 1, nonCompliantInUse: 1 });
  });
});
