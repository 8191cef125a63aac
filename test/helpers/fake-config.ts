// Wires aws-sdk-client-mock's Config mock: advanced-query look-ups by ARN, earlier results of the
// rule (paginated), configuration history, and PutEvaluations that records what it was sent.
import {
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
  SelectResourceConfigCommand,
  type Evaluation,
} from '@aws-sdk/client-config-service';
import type { AwsStub } from 'aws-sdk-client-mock';

export interface FakeConfigAccount {
  /** Recorded task definitions by ARN: Config's resourceId and recorded PidMode. */
  readonly recorded?: Record<string, { resourceId: string; pidMode?: string; missingConfiguration?: boolean }>;
  /** ARNs the look-up by ARN does not return although Config records them (index lag, ARN spelling). */
  readonly missedByArnLookup?: readonly string[];
  /** What the rule reported before (COMPLIANT / NON_COMPLIANT). */
  readonly reported?: ReadonlyArray<{ resourceId: string; complianceType: 'COMPLIANT' | 'NON_COMPLIANT'; annotation?: string; recordedAt?: Date }>;
  /** GetResourceConfigHistory items by resourceId; configuration is serialised to a JSON string as the API does. */
  readonly history?: Record<string, { status: string; arn: string; configuration: object }>;
}

export interface PutLog {
  readonly calls: Array<{ evaluations: Evaluation[]; resultToken?: string; testMode?: boolean }>;
  all(): Evaluation[];
}

export function fakeConfig(mock: AwsStub<any, any, any>, world: FakeConfigAccount): PutLog {
  const calls: PutLog['calls'] = [];
  mock.on(SelectResourceConfigCommand).callsFake((input) => {
    if (input.Expression.length > 4096) throw Object.assign(new Error('expression too long'), { name: 'ValidationException' });
    const expression = String(input.Expression);
    const values = [...expression.matchAll(/'([^']+)'/g)].map((m) => m[1] as string).slice(1); // [0] is the resource type
    const recorded = Object.entries(world.recorded ?? {});
    const arns = / AND arn IN \(/.test(expression)
      ? values.filter((arn) => world.recorded?.[arn] && !world.missedByArnLookup?.includes(arn))
      : recorded.filter(([, r]) => values.includes(r.resourceId)).map(([arn]) => arn);
    const rows = arns
      .map((arn) => {
        const r = world.recorded![arn]!;
        // Config leaves PidMode out when unset; TaskDefinitionArn is always in a recorded configuration.
        const configuration = r.missingConfiguration ? undefined : { TaskDefinitionArn: arn, ...(r.pidMode ? { PidMode: r.pidMode } : {}) };
        return JSON.stringify({ resourceId: r.resourceId, resourceType: 'AWS::ECS::TaskDefinition', arn, ...(configuration ? { configuration } : {}) });
      });
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const end = start + 100;
    return { Results: rows.slice(start, end), ...(end < rows.length ? { NextToken: String(end) } : {}) };
  });
  mock.on(GetComplianceDetailsByConfigRuleCommand).callsFake((input) => {
    const all = (world.reported ?? []).filter((r) => (input.ComplianceTypes ?? []).includes(r.complianceType));
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const end = start + Math.min(input.Limit ?? 10, 100);
    return {
      EvaluationResults: all.slice(start, end).map((r) => ({
        EvaluationResultIdentifier: {
          EvaluationResultQualifier: { ConfigRuleName: input.ConfigRuleName, ResourceType: 'AWS::ECS::TaskDefinition', ResourceId: r.resourceId },
        },
        ComplianceType: r.complianceType,
        ...(r.annotation ? { Annotation: r.annotation } : {}),
        // Recorded just now unless the scenario says otherwise (refresh tests).
        ResultRecordedTime: r.recordedAt ?? new Date(),
      })),
      ...(end < all.length ? { NextToken: String(end) } : {}),
    };
  });
  mock.on(GetResourceConfigHistoryCommand).callsFake((input) => {
    const item = world.history?.[input.resourceId];
    if (!item) throw Object.assign(new Error('not discovered'), { name: 'ResourceNotDiscoveredException' });
    return {
      configurationItems: [
        { resourceId: input.resourceId, resourceType: input.resourceType, arn: item.arn, configurationItemStatus: item.status, configuration: JSON.stringify(item.configuration) },
      ],
    };
  });
  mock.on(PutEvaluationsCommand).callsFake((input) => {
    if ((input.Evaluations ?? []).length > 100) throw Object.assign(new Error('too many'), { name: 'ValidationException' });
    calls.push({ evaluations: input.Evaluations ?? [], resultToken: input.ResultToken, testMode: input.TestMode });
    return { FailedEvaluations: [] };
  });
  return { calls, all: () => calls.flatMap((c) => c.evaluations) };
}
