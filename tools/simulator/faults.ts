/** Fault injection: errors and partial failures a test or benchmark asks for. */

export type ServiceName = 'ecs' | 'config' | 'sts' | 's3';

export const FAULT_ERRORS = [
  'ThrottlingException',
  'ServiceUnavailable',
  'InternalFailure',
  'AccessDeniedException',
  'FailedEvaluations',
] as const;
export type FaultError = (typeof FAULT_ERRORS)[number];

export interface FaultRule {
  service: ServiceName;
  /** Operation name as in x-amz-target / Action, e.g. 'ListTasks'; any when absent. */
  operation?: string;
  accountId?: string;
  /** Cluster name (ARNs in requests are matched by name); only ECS calls that name a cluster match. */
  cluster?: string;
  error: FaultError;
  /** How many calls it hits; unlimited when absent. */
  count?: number;
  /** FailedEvaluations only: how many evaluations of each call fail (default: all of them). */
  failedEvaluations?: number;
}

export interface FaultTarget {
  service: ServiceName;
  operation: string;
  accountId: string;
  cluster?: string;
}

interface ActiveFault {
  rule: FaultRule;
  remaining: number;
}

export const isFaultRule = (value: unknown): value is FaultRule => {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.service === 'ecs' || v.service === 'config' || v.service === 'sts' || v.service === 's3') &&
    typeof v.error === 'string' &&
    (FAULT_ERRORS as readonly string[]).includes(v.error) &&
    (v.operation === undefined || typeof v.operation === 'string') &&
    (v.accountId === undefined || typeof v.accountId === 'string') &&
    (v.cluster === undefined || typeof v.cluster === 'string') &&
    (v.count === undefined || (typeof v.count === 'number' && v.count >= 0)) &&
    (v.failedEvaluations === undefined || (typeof v.failedEvaluations === 'number' && v.failedEvaluations >= 0))
  );
};

export class FaultRegistry {
  private faults: ActiveFault[] = [];

  add(rule: FaultRule): void {
    this.faults.push({ rule: { ...rule }, remaining: rule.count ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.faults = [];
  }

  list(): FaultRule[] {
    return this.faults.map((f) => ({ ...f.rule }));
  }

  /** The first matching rule of the wanted kind with calls left; consumes one call of it. */
  take(target: FaultTarget, kind: 'error' | 'FailedEvaluations'): FaultRule | undefined {
    for (const fault of this.faults) {
      const { rule } = fault;
      if (fault.remaining <= 0) continue;
      if ((rule.error === 'FailedEvaluations') !== (kind === 'FailedEvaluations')) continue;
      if (rule.service !== target.service) continue;
      if (rule.operation !== undefined && rule.operation !== target.operation) continue;
      if (rule.accountId !== undefined && rule.accountId !== target.accountId) continue;
      if (rule.cluster !== undefined && rule.cluster !== target.cluster) continue;
      fault.remaining -= 1;
      return rule;
    }
    return undefined;
  }
}
