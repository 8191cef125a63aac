import { PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';

import { startSimulator, type Simulator } from '../../tools/simulator';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  CENTRAL,
  CREDS_A,
  CREDS_CENTRAL,
  ROLE,
  RULE,
  configClient,
  ecsClient,
  manualClock,
  rejectionOf,
  smallScenario,
  stsClient,
  type Credentials,
} from './helpers';

describe('simulated STS', () => {
  let sim: Simulator;
  const clock = manualClock(Date.now());

  beforeAll(async () => {
    sim = await startSimulator({ scenario: smallScenario(), clock: clock.now });
  });
  afterAll(() => sim.stop());

  const assume = async (roleArn: string, caller: Credentials = CREDS_CENTRAL): Promise<Credentials> => {
    const sts = stsClient(sim.url, caller);
    try {
      const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'pid-rule' }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('no credentials');
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    } finally {
      sts.destroy();
    }
  };

  it('answers GetCallerIdentity for long-term keys', async () => {
    const sts = stsClient(sim.url, CREDS_A);
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Account: ACCOUNT_A, Arn: `arn:aws:iam::${ACCOUNT_A}:user/simulator` });
    sts.destroy();
  });

  it('assumes a trusting role and returns credentials that act in the target account', async () => {
    const sts = stsClient(sim.url, CREDS_CENTRAL);
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT_A}:role/${ROLE}`, RoleSessionName: 'pid-rule' }),
    );
    sts.destroy();
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(out.Credentials?.Expiration?.getTime()).toBeGreaterThan(clock.now() + 3_500_000);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT_A}:assumed-role/${ROLE}/pid-rule`);

    const creds = await assume(`arn:aws:iam::${ACCOUNT_A}:role/${ROLE}`);
    const who = stsClient(sim.url, creds);
    expect((await who.send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT_A);
    who.destroy();
    const ecs = ecsClient(sim.url, creds);
    expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toContain(
      `arn:aws:ecs:us-east-1:${ACCOUNT_A}:cluster/prod`,
    );
    ecs.destroy();

    // Evaluations for a member account go in with that account's credentials, not the central ones.
    const ResultToken = sim.issueResultToken(ACCOUNT_A, RULE);
    const Evaluations = [
      {
        ComplianceResourceType: 'AWS::ECS::TaskDefinition',
        ComplianceResourceId: 'web:1',
        ComplianceType: 'NON_COMPLIANT' as const,
        OrderingTimestamp: new Date(),
      },
    ];
    const central = configClient(sim.url, CREDS_CENTRAL);
    expect((await rejectionOf(central.send(new PutEvaluationsCommand({ ResultToken, Evaluations })))).name).toBe(
      'InvalidResultTokenException',
    );
    central.destroy();
    const member = configClient(sim.url, creds);
    await member.send(new PutEvaluationsCommand({ ResultToken, Evaluations }));
    member.destroy();
    expect(sim.evaluations(ACCOUNT_A, RULE).map((e) => e.resourceId)).toEqual(['web:1']);
    expect(sim.evaluations(CENTRAL)).toEqual([]);
  });

  it('denies roles that do not trust the caller and roles that do not exist, naming the role', async () => {
    const sts = stsClient(sim.url, CREDS_CENTRAL);
    for (const roleArn of [
      `arn:aws:iam::${ACCOUNT_B}:role/${ROLE}`,
      `arn:aws:iam::${ACCOUNT_A}:role/missing`,
      `arn:aws:iam::333333333333:role/${ROLE}`,
    ]) {
      const error = await rejectionOf(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'pid-rule' })));
      expect(error.name).toBe('AccessDenied');
      expect(error.message).toContain(roleArn);
      expect(error.$metadata).toMatchObject({ httpStatusCode: 403 });
    }
    // Account A itself is not in the role's trust list either.
    const self = stsClient(sim.url, CREDS_A);
    const error = await rejectionOf(
      self.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT_A}:role/${ROLE}`, RoleSessionName: 'pid-rule' })),
    );
    expect(error.name).toBe('AccessDenied');
    self.destroy();
    const long = await rejectionOf(
      sts.send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT_A}:role/${ROLE}`, RoleSessionName: 'pid-rule', DurationSeconds: 7200 }),
      ),
    );
    expect(long.name).toBe('ValidationError');
    sts.destroy();
  });

  it('refuses session keys without their session token and after they expire', async () => {
    const creds = await assume(`arn:aws:iam::${ACCOUNT_A}:role/${ROLE}`);
    const noToken = ecsClient(sim.url, { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey });
    expect((await rejectionOf(noToken.send(new ListClustersCommand({})))).name).toBe('UnrecognizedClientException');
    noToken.destroy();

    const ecs = ecsClient(sim.url, creds);
    await ecs.send(new ListClustersCommand({}));
    clock.advance(3_601_000);
    expect((await rejectionOf(ecs.send(new ListClustersCommand({})))).name).toBe('ExpiredTokenException');
    ecs.destroy();
  });

  it('answers unknown keys with InvalidClientTokenId', async () => {
    const sts = stsClient(sim.url, { accessKeyId: 'AKIANOBODYNOBODY0000', secretAccessKey: 'x' });
    const error = await rejectionOf(sts.send(new GetCallerIdentityCommand({})));
    expect(error.name).toBe('InvalidClientTokenId');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 403 });
    sts.destroy();
  });
});
