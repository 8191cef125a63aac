import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetComplianceDetailsByResourceCommand,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
  SelectResourceConfigCommand,
  paginateGetComplianceDetailsByConfigRule,
  paginateSelectResourceConfig,
  type Evaluation,
} from '@aws-sdk/client-config-service';

import { startSimulator, type Simulator } from '../../tools/simulator';
import { ACCOUNT_A, ACCOUNT_B, CREDS_A, RULE, configClient, rejectionOf, smallScenario, tdArn } from './helpers';

const TD = 'AWS::ECS::TaskDefinition';

const evaluation = (resourceId: string, overrides: Partial<Evaluation> = {}): Evaluation => ({
  ComplianceResourceType: TD,
  ComplianceResourceId: resourceId,
  ComplianceType: 'NON_COMPLIANT',
  OrderingTimestamp: new Date(1_700_000_000_000),
  Annotation: 'pidMode is host and the revision has running tasks',
  ...overrides,
});

describe('simulated Config', () => {
  let sim: Simulator;
  let config: ConfigServiceClient;

  beforeEach(async () => {
    sim = await startSimulator({ scenario: smallScenario() });
    config = configClient(sim.url, CREDS_A);
  });
  afterEach(async () => {
    config.destroy();
    await sim.stop();
  });

  describe('GetResourceConfigHistory', () => {
    it('returns configuration as a JSON string with PascalCase keys and epoch-second times as Dates', async () => {
      const out = await config.send(
        new GetResourceConfigHistoryCommand({ resourceType: TD, resourceId: 'web:1', limit: 1 }),
      );
      const [item] = out.configurationItems ?? [];
      expect(item).toMatchObject({
        version: '1.3',
        accountId: ACCOUNT_A,
        configurationItemStatus: 'ResourceDiscovered',
        resourceType: TD,
        resourceId: 'web:1',
        resourceName: 'web:1',
        arn: tdArn('web', 1),
        awsRegion: 'us-east-1',
        tags: {},
        relationships: [],
      });
      expect(item?.configurationItemCaptureTime).toEqual(new Date(1_690_000_100_000));
      expect(typeof item?.configuration).toBe('string');
      expect(JSON.parse(item?.configuration ?? '')).toMatchObject({
        TaskDefinitionArn: tdArn('web', 1),
        Family: 'web',
        Revision: 1,
        Status: 'INACTIVE',
        PidMode: 'host',
        NetworkMode: 'bridge',
        ContainerDefinitions: [{ Name: 'app', Image: 'nginx:1', Environment: [{ Name: 'DB_PASSWORD', Value: 'SIMSECRET-abc' }] }],
      });
    });

    it('leaves PidMode out when unset and knows resources only by Config resource id', async () => {
      const out = await config.send(new GetResourceConfigHistoryCommand({ resourceType: TD, resourceId: 'web:3' }));
      expect(JSON.parse(out.configurationItems?.[0]?.configuration ?? '{}')).not.toHaveProperty('PidMode');
      const opaque = await config.send(new GetResourceConfigHistoryCommand({ resourceType: TD, resourceId: 'tdrev-0f3a9c' }));
      expect(opaque.configurationItems?.[0]?.arn).toBe(tdArn('web', 2));
      const derived = await rejectionOf(config.send(new GetResourceConfigHistoryCommand({ resourceType: TD, resourceId: 'web:2' })));
      expect(derived.name).toBe('ResourceNotDiscoveredException');
    });

    it('answers ResourceNotDiscoveredException for a revision the recorder does not record', async () => {
      const error = await rejectionOf(
        config.send(new GetResourceConfigHistoryCommand({ resourceType: TD, resourceId: 'batch:1' })),
      );
      expect(error.name).toBe('ResourceNotDiscoveredException');
    });

    it('walks history newest first and honours laterTime and limit', async () => {
      sim.recordItem(ACCOUNT_A, { resourceId: 'web:1', arn: tdArn('web', 1), status: 'OK', captureTime: 1_695_000_000 });
      const all = await config.send(new GetResourceConfigHistoryCommand({ resourceType: TD, resourceId: 'web:1' }));
      expect(all.configurationItems?.map((i) => i.configurationItemCaptureTime?.getTime())).toEqual([
        1_695_000_000_000, 1_690_000_100_000,
      ]);
      const atCapture = await config.send(
        new GetResourceConfigHistoryCommand({
          resourceType: TD,
          resourceId: 'web:1',
          laterTime: new Date(1_690_000_100_000),
          limit: 1,
        }),
      );
      expect(atCapture.configurationItems).toHaveLength(1);
      expect(atCapture.configurationItems?.[0]?.configurationItemStatus).toBe('ResourceDiscovered');
      const limit = await rejectionOf(
        config.send(new GetResourceConfigHistoryCommand({ resourceType: TD, resourceId: 'web:1', limit: 101 })),
      );
      expect(limit.name).toBe('InvalidLimitException');
    });
  });

  describe('SelectResourceConfig', () => {
    const select = async (Expression: string, Limit?: number): Promise<unknown[]> => {
      const rows: unknown[] = [];
      for await (const page of paginateSelectResourceConfig({ client: config }, { Expression, ...(Limit ? { Limit } : {}) })) {
        rows.push(...(page.Results ?? []).map((r) => JSON.parse(r) as unknown));
      }
      return rows;
    };

    it('returns recorded resources only, with selected fields nested as Config does', async () => {
      const rows = await select(
        "SELECT resourceId, arn, configuration.PidMode, configuration.Status WHERE resourceType = 'AWS::ECS::TaskDefinition'",
      );
      expect(rows).toEqual([
        { resourceId: 'web:1', arn: tdArn('web', 1), configuration: { PidMode: 'host', Status: 'INACTIVE' } },
        { resourceId: 'tdrev-0f3a9c', arn: tdArn('web', 2), configuration: { PidMode: 'task', Status: 'ACTIVE' } },
        { resourceId: 'web:3', arn: tdArn('web', 3), configuration: { Status: 'ACTIVE' } },
      ]);
      const out = await config.send(
        new SelectResourceConfigCommand({ Expression: "select resourceId where resourceType = 'AWS::ECS::TaskDefinition'" }),
      );
      expect(out.QueryInfo?.SelectFields).toEqual([{ Name: 'resourceId' }]);
    });

    it('filters on arn IN (...) and on configuration.PidMode', async () => {
      const byArn = await select(
        `SELECT resourceId WHERE resourceType = 'AWS::ECS::TaskDefinition' AND arn IN ('${tdArn('web', 2)}', '${tdArn('batch', 1)}', '${tdArn('web', 9)}')`,
      );
      expect(byArn).toEqual([{ resourceId: 'tdrev-0f3a9c' }]);
      const host = await select(
        "SELECT resourceId, configuration.Family WHERE configuration.PidMode = 'host' AND resourceType = 'AWS::ECS::TaskDefinition'",
      );
      expect(host).toEqual([{ resourceId: 'web:1', configuration: { Family: 'web' } }]);
      const escaped = await select("SELECT resourceId WHERE resourceType = 'AWS::ECS::TaskDefinition' AND arn IN ('it''s')");
      expect(escaped).toEqual([]);
    });

    it('filters on resourceId IN (...), knowing resources only by the ID Config gave them', async () => {
      const rows = await select(
        `SELECT resourceId, arn WHERE resourceType = 'AWS::ECS::TaskDefinition' AND resourceId IN ('tdrev-0f3a9c', 'web:2', 'web:1')`,
      );
      expect(rows).toEqual([
        { resourceId: 'tdrev-0f3a9c', arn: tdArn('web', 2) },
        { resourceId: 'web:1', arn: tdArn('web', 1) },
      ]);
    });

    it('leaves out deleted resources', async () => {
      sim.recordItem(ACCOUNT_A, { resourceId: 'web:3', arn: tdArn('web', 3), status: 'ResourceDeleted', configuration: null });
      const rows = await select("SELECT resourceId WHERE resourceType = 'AWS::ECS::TaskDefinition'");
      expect(rows).toEqual([{ resourceId: 'web:1' }, { resourceId: 'tdrev-0f3a9c' }]);
    });

    it('pages with Limit and rejects Limit 101', async () => {
      const first = await config.send(
        new SelectResourceConfigCommand({ Expression: "SELECT resourceId WHERE resourceType = 'AWS::ECS::TaskDefinition'", Limit: 2 }),
      );
      expect(first.Results).toHaveLength(2);
      expect(first.NextToken).toEqual(expect.any(String));
      expect(await select("SELECT resourceId WHERE resourceType = 'AWS::ECS::TaskDefinition'", 1)).toHaveLength(3);
      const error = await rejectionOf(
        config.send(new SelectResourceConfigCommand({ Expression: "SELECT arn WHERE resourceType = 'x'", Limit: 101 })),
      );
      expect(error.name).toBe('InvalidLimitException');
    });

    it('rejects expressions over 4096 characters', async () => {
      const arns = Array.from({ length: 60 }, (_, i) => `'${tdArn('family-with-a-long-name', i + 1)}'`).join(', ');
      const Expression = `SELECT resourceId WHERE resourceType = 'AWS::ECS::TaskDefinition' AND arn IN (${arns})`;
      expect(Expression.length).toBeGreaterThan(4096);
      const error = await rejectionOf(config.send(new SelectResourceConfigCommand({ Expression })));
      expect(error.name).toBe('ValidationException');
    });

    it.each([
      "SELECT * WHERE resourceType = 'AWS::ECS::TaskDefinition'",
      "SELECT resourceId WHERE resourceType = 'AWS::ECS::TaskDefinition' OR arn IN ('x')",
      "SELECT resourceId WHERE resourceId = 'web:1'",
      "SELECT resourceId WHERE arn IN ('x')",
      "SELECT resourceId WHERE resourceType = 'AWS::ECS::TaskDefinition' AND configuration.pidMode = 'host'",
      "SELECT resourceId WHERE resourceType = 'AWS::ECS::TaskDefinition' AND arn IN ()",
      "SELECT resourceId WHERE resourceType = 'AWS::ECS::TaskDefinition",
      "SELECT resourceId, configuration.Cpu WHERE resourceType = 'AWS::ECS::TaskDefinition'",
      "SELECT resourceId WHERE resourceType = 'AWS::ECS::TaskDefinition' ORDER BY resourceId",
    ])('rejects unsupported SQL: %s', async (Expression) => {
      const error = await rejectionOf(config.send(new SelectResourceConfigCommand({ Expression })));
      expect(error.name).toBe('InvalidExpressionException');
    });
  });

  describe('PutEvaluations', () => {
    it('stores evaluations under the account and rule of the result token', async () => {
      const ResultToken = sim.issueResultToken(ACCOUNT_A, RULE);
      const out = await config.send(new PutEvaluationsCommand({ ResultToken, Evaluations: [evaluation('web:1')] }));
      expect(out.FailedEvaluations).toEqual([]);
      expect(sim.evaluations(ACCOUNT_A, RULE)).toEqual([
        expect.objectContaining({
          configRuleName: RULE,
          resourceType: TD,
          resourceId: 'web:1',
          complianceType: 'NON_COMPLIANT',
          orderingTimestamp: 1_700_000_000,
          annotation: 'pidMode is host and the revision has running tasks',
        }),
      ]);
      expect(sim.evaluations(ACCOUNT_B)).toEqual([]);
      expect(sim.counters()).toMatchObject({ evaluationsStored: 1, evaluationsForUnknownResources: 0 });
      // An id built from the ARN is accepted, as Config does, but flagged: Config knows web:2 as tdrev-0f3a9c.
      await config.send(new PutEvaluationsCommand({ ResultToken, Evaluations: [evaluation('web:2')] }));
      expect(sim.counters()).toMatchObject({ evaluationsStored: 2, evaluationsForUnknownResources: 1 });
    });

    it('keeps the evaluation with the latest OrderingTimestamp', async () => {
      const ResultToken = sim.issueResultToken(ACCOUNT_A, RULE);
      const at = (seconds: number) => new Date(seconds * 1000);
      await config.send(new PutEvaluationsCommand({ ResultToken, Evaluations: [evaluation('web:1', { OrderingTimestamp: at(2000) })] }));
      await config.send(
        new PutEvaluationsCommand({
          ResultToken,
          Evaluations: [evaluation('web:1', { OrderingTimestamp: at(1000), ComplianceType: 'COMPLIANT', Annotation: undefined })],
        }),
      );
      expect(sim.evaluations(ACCOUNT_A, RULE)).toMatchObject([{ complianceType: 'NON_COMPLIANT', orderingTimestamp: 2000 }]);
      await config.send(
        new PutEvaluationsCommand({
          ResultToken,
          Evaluations: [evaluation('web:1', { OrderingTimestamp: at(3000), ComplianceType: 'NOT_APPLICABLE', Annotation: undefined })],
        }),
      );
      const [stored] = sim.evaluations(ACCOUNT_A, RULE);
      expect(stored).toMatchObject({ complianceType: 'NOT_APPLICABLE', orderingTimestamp: 3000 });
      expect(stored).not.toHaveProperty('annotation');
      expect(sim.counters()).toMatchObject({ evaluationsStored: 2, evaluationsIgnored: 1 });
    });

    it('validates but stores nothing in TestMode, and accepts "TESTMODE" only there', async () => {
      const out = await config.send(
        new PutEvaluationsCommand({ ResultToken: 'TESTMODE', TestMode: true, Evaluations: [evaluation('web:1')] }),
      );
      expect(out.FailedEvaluations).toEqual([]);
      const real = sim.issueResultToken(ACCOUNT_A, RULE);
      await config.send(new PutEvaluationsCommand({ ResultToken: real, TestMode: true, Evaluations: [evaluation('web:1')] }));
      expect(sim.evaluations(ACCOUNT_A)).toEqual([]);
      const invalidInTestMode = await rejectionOf(
        config.send(new PutEvaluationsCommand({ ResultToken: 'TESTMODE', TestMode: true, Evaluations: [evaluation('web:1', { ComplianceType: 'INSUFFICIENT_DATA' })] })),
      );
      expect(invalidInTestMode.name).toBe('InvalidParameterValueException');
      const outsideTestMode = await rejectionOf(
        config.send(new PutEvaluationsCommand({ ResultToken: 'TESTMODE', Evaluations: [evaluation('web:1')] })),
      );
      expect(outsideTestMode.name).toBe('InvalidResultTokenException');
    });

    it('rejects unknown result tokens and tokens of another account', async () => {
      const unknown = await rejectionOf(
        config.send(new PutEvaluationsCommand({ ResultToken: 'made-up', Evaluations: [evaluation('web:1')] })),
      );
      expect(unknown.name).toBe('InvalidResultTokenException');
      const tokenOfB = sim.issueResultToken(ACCOUNT_B, RULE);
      const crossAccount = await rejectionOf(
        config.send(new PutEvaluationsCommand({ ResultToken: tokenOfB, Evaluations: [evaluation('web:1')] })),
      );
      expect(crossAccount.name).toBe('InvalidResultTokenException');
      expect(() => sim.issueResultToken(ACCOUNT_A, 'no-such-rule')).toThrow();
    });

    it('rejects 101 evaluations, INSUFFICIENT_DATA, and annotations that are empty or over 256 characters', async () => {
      const ResultToken = sim.issueResultToken(ACCOUNT_A, RULE);
      const put = (Evaluations: Evaluation[]) => rejectionOf(config.send(new PutEvaluationsCommand({ ResultToken, Evaluations })));
      const many = Array.from({ length: 101 }, (_, i) => evaluation(`web:${i + 1}`));
      expect((await put(many)).name).toBe('ValidationException');
      expect((await put([evaluation('web:1', { ComplianceType: 'INSUFFICIENT_DATA' })])).name).toBe('InvalidParameterValueException');
      expect((await put([evaluation('web:1', { ComplianceType: 'BROKEN' as never })])).name).toBe('InvalidParameterValueException');
      expect((await put([evaluation('web:1', { Annotation: '' })])).name).toBe('ValidationException');
      expect((await put([evaluation('web:1', { Annotation: 'x'.repeat(257) })])).name).toBe('ValidationException');
      expect((await put([evaluation('x'.repeat(769))])).name).toBe('ValidationException');
      expect((await put([evaluation('web:1', { OrderingTimestamp: undefined })])).name).toBe('ValidationException');
      expect(sim.evaluations(ACCOUNT_A)).toEqual([]);

      await config.send(
        new PutEvaluationsCommand({
          ResultToken,
          Evaluations: [...many.slice(0, 99), evaluation('web:1', { Annotation: 'x'.repeat(256) })],
        }),
      );
      expect(sim.evaluations(ACCOUNT_A)).toHaveLength(99);
    });

    it('reports FailedEvaluations for an injected fault and does not store those', async () => {
      sim.addFault({ service: 'config', operation: 'PutEvaluations', error: 'FailedEvaluations', failedEvaluations: 2, count: 1 });
      const ResultToken = sim.issueResultToken(ACCOUNT_A, RULE);
      const batch = ['a', 'b', 'c'].map((id) => evaluation(id));
      const out = await config.send(new PutEvaluationsCommand({ ResultToken, Evaluations: batch }));
      expect(out.FailedEvaluations?.map((e) => e.ComplianceResourceId)).toEqual(['a', 'b']);
      expect(out.FailedEvaluations?.[0]?.OrderingTimestamp).toEqual(new Date(1_700_000_000_000));
      expect(sim.evaluations(ACCOUNT_A).map((e) => e.resourceId)).toEqual(['c']);
      const retry = await config.send(new PutEvaluationsCommand({ ResultToken, Evaluations: batch }));
      expect(retry.FailedEvaluations).toEqual([]);
      expect(sim.counters()).toMatchObject({ evaluationsFailed: 2, faultsTotal: 1 });
    });
  });

  describe('GetComplianceDetailsByConfigRule', () => {
    const seed = async (): Promise<void> => {
      const ResultToken = sim.issueResultToken(ACCOUNT_A, RULE);
      const types = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'] as const;
      const Evaluations = Array.from({ length: 25 }, (_, i) => evaluation(`r${i}`, { ComplianceType: types[i % 3] }));
      await config.send(new PutEvaluationsCommand({ ResultToken, Evaluations }));
    };

    it('pages stored results (10 by default) and filters by compliance type', async () => {
      await seed();
      const first = await config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE }));
      expect(first.EvaluationResults).toHaveLength(10);
      expect(first.EvaluationResults?.[0]).toMatchObject({
        EvaluationResultIdentifier: {
          EvaluationResultQualifier: { ConfigRuleName: RULE, ResourceType: TD, ResourceId: 'r0' },
          OrderingTimestamp: new Date(1_700_000_000_000),
        },
        ComplianceType: 'COMPLIANT',
        Annotation: 'pidMode is host and the revision has running tasks',
      });
      expect(first.EvaluationResults?.[0]?.ResultRecordedTime).toBeInstanceOf(Date);
      const nonCompliant: string[] = [];
      for await (const page of paginateGetComplianceDetailsByConfigRule(
        { client: config },
        { ConfigRuleName: RULE, ComplianceTypes: ['NON_COMPLIANT'], Limit: 3 },
      )) {
        expect(page.EvaluationResults?.length).toBeLessThanOrEqual(3);
        nonCompliant.push(...(page.EvaluationResults ?? []).map((r) => r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId ?? ''));
      }
      expect(nonCompliant).toEqual(['r1', 'r4', 'r7', 'r10', 'r13', 'r16', 'r19', 'r22']);
    });

    it('rejects unknown rules, INSUFFICIENT_DATA as a filter, and Limit 101', async () => {
      const unknown = await rejectionOf(config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'other' })));
      expect(unknown.name).toBe('NoSuchConfigRuleException');
      const filter = await rejectionOf(
        config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE, ComplianceTypes: ['INSUFFICIENT_DATA'] })),
      );
      expect(filter.name).toBe('InvalidParameterValueException');
      const limit = await rejectionOf(config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE, Limit: 101 })));
      expect(limit.name).toBe('ValidationException');
    });
  });

  describe('GetComplianceDetailsByResource', () => {
    it("returns every rule's result for one resource, filtered by compliance type", async () => {
      const ResultToken = sim.issueResultToken(ACCOUNT_A, RULE);
      await config.send(new PutEvaluationsCommand({ ResultToken, Evaluations: [evaluation('r-one', { ComplianceType: 'NOT_APPLICABLE' }), evaluation('r-two')] }));
      const out = await config.send(new GetComplianceDetailsByResourceCommand({ ResourceType: TD, ResourceId: 'r-one', ComplianceTypes: ['NOT_APPLICABLE'] }));
      expect(out.EvaluationResults).toEqual([
        expect.objectContaining({
          EvaluationResultIdentifier: expect.objectContaining({ EvaluationResultQualifier: expect.objectContaining({ ConfigRuleName: RULE, ResourceType: TD, ResourceId: 'r-one' }) }),
          ComplianceType: 'NOT_APPLICABLE',
        }),
      ]);
      const none = await config.send(new GetComplianceDetailsByResourceCommand({ ResourceType: TD, ResourceId: 'r-one', ComplianceTypes: ['COMPLIANT'] }));
      expect(none.EvaluationResults).toEqual([]);
      const filter = await rejectionOf(config.send(new GetComplianceDetailsByResourceCommand({ ResourceType: TD, ResourceId: 'r-one', ComplianceTypes: ['INSUFFICIENT_DATA'] })));
      expect(filter.name).toBe('InvalidParameterValueException');
    });
  });

  it('throttles Config only when a Config bucket is configured', async () => {
    const throttled = await startSimulator({ scenario: smallScenario(), configThrottle: { burst: 2, ratePerSecond: 0.001 } });
    const client = configClient(throttled.url, CREDS_A);
    try {
      const call = () => client.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE }));
      await call();
      await call();
      expect((await rejectionOf(call())).name).toBe('ThrottlingException');
      for (let i = 0; i < 5; i++) await config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: RULE }));
    } finally {
      client.destroy();
      await throttled.stop();
    }
  });
});
