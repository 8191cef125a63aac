// The decision table (DESIGN section 2), as a pure function of plain data.
import { NOT_APPLICABLE_REASON, usageAnnotation, type UsageNotes } from './annotation';
import { COMPLIANCE, type PidMode, type RevisionUsage, type Verdict } from './types';

/**
 * host + in use -> NON_COMPLIANT; in use otherwise -> COMPLIANT; not in use -> NOT_APPLICABLE.
 * "In use" means ECS listed at least one task of this exact revision with desiredStatus RUNNING.
 * Revision status (ACTIVE, INACTIVE, DELETE_IN_PROGRESS) and launch type deliberately play no
 * part: a deregistered revision keeps running.
 */
export function decide(pidMode: PidMode, usage: RevisionUsage | undefined, notes: UsageNotes = {}): Verdict {
  if (!usage || usage.taskCount === 0) {
    return { complianceType: COMPLIANCE.NOT_APPLICABLE, annotation: NOT_APPLICABLE_REASON.notRunning };
  }
  return {
    complianceType: pidMode === 'host' ? COMPLIANCE.NON_COMPLIANT : COMPLIANCE.COMPLIANT,
    annotation: usageAnnotation(pidMode, usage, notes),
  };
}
