/**
 * Ground truth for end-to-end tests: the verdict DESIGN.md's decision table gives each revision,
 * computed from the scenario itself rather than through any API the rule uses.
 */
import { DEFAULT_REGION, taskDefinitionArnOf, type ScenarioAccount, type TaskDefinitionStatus } from './model';

export type ExpectedVerdict = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

export interface ExpectedRevision {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  status: TaskDefinitionStatus;
  pidMode?: string;
  /** Config's resourceId (with resourceIdStyle 'family', several revisions share one). */
  resourceId: string;
  recorded: boolean;
  /** At least one task with desiredStatus RUNNING, in any cluster. */
  inUse: boolean;
  expected: ExpectedVerdict;
}

export const expectedVerdicts = (account: ScenarioAccount): ExpectedRevision[] => {
  const region = account.region ?? DEFAULT_REGION;
  const running = new Set<string>();
  for (const cluster of account.clusters ?? []) {
    for (const task of cluster.tasks ?? []) {
      if ((task.desiredStatus ?? 'RUNNING') === 'RUNNING') running.add(task.taskDefinitionArn);
    }
  }
  return (account.taskDefinitions ?? []).map((td) => {
    const arn = taskDefinitionArnOf(region, account.accountId, td.family, td.revision);
    const inUse = running.has(arn);
    const recorded = td.recorded ?? true;
    const expected: ExpectedVerdict = !inUse || !recorded ? 'NOT_APPLICABLE' : td.pidMode === 'host' ? 'NON_COMPLIANT' : 'COMPLIANT';
    return {
      taskDefinitionArn: arn,
      family: td.family,
      revision: td.revision,
      status: td.status ?? 'ACTIVE',
      ...(td.pidMode !== undefined ? { pidMode: td.pidMode } : {}),
      resourceId: td.resourceId ?? `${td.family}:${td.revision}`,
      recorded,
      inUse,
      expected,
    };
  });
};
