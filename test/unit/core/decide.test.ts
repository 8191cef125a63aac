import { decide } from '../../../src/core/decide';
import type { PidMode, RevisionUsage } from '../../../src/core/types';

const running = (tasks = 2): RevisionUsage => ({ taskCount: tasks, clusters: new Set(['prod-a']), services: new Set(['api']) });

describe('decision table (DESIGN section 2)', () => {
  // pidMode of the revision | in use | verdict
  it.each<[PidMode, RevisionUsage | undefined, string]>([
    ['host', running(), 'NON_COMPLIANT'],
    ['task', running(), 'COMPLIANT'],
    ['unset', running(), 'COMPLIANT'],
    ['host', undefined, 'NOT_APPLICABLE'],
    ['task', undefined, 'NOT_APPLICABLE'],
    ['unset', undefined, 'NOT_APPLICABLE'],
    ['host', running(0), 'NOT_APPLICABLE'],
  ])('pidMode %s, usage %j -> %s', (pidMode, usage, expected) => {
    expect(decide(pidMode, usage).complianceType).toBe(expected);
  });

  it('reports NON_COMPLIANT with one running task: a single host-mode task is exposure enough', () => {
    const verdict = decide('host', running(1));
    expect(verdict.complianceType).toBe('NON_COMPLIANT');
    expect(verdict.annotation).toContain('pidMode=host');
    expect(verdict.annotation).toContain('1 running task in 1 cluster');
  });

  it('says why a revision is NOT_APPLICABLE', () => {
    expect(decide('host', undefined).annotation).toMatch(/No task with desiredStatus RUNNING/);
  });

  it('marks counts as lower bounds when clusters were unreadable', () => {
    expect(decide('host', running(3), { unreadableClusters: 2 }).annotation).toMatch(/at least 3 running tasks.*2 clusters unreadable/);
  });
});
