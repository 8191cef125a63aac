import { ANNOTATION_MAX, fitAnnotation, listWithin, usageAnnotation } from '../../../src/core/annotation';
import type { RevisionUsage } from '../../../src/core/types';

const usage = (clusters: string[], services: string[], taskCount = 3): RevisionUsage => ({
  taskCount,
  clusters: new Set(clusters),
  services: new Set(services),
});

describe('annotations', () => {
  it('names clusters and services a person can act on', () => {
    expect(usageAnnotation('host', usage(['prod-b', 'prod-a'], ['worker', 'api']))).toBe(
      "pidMode=host: containers share the host's process namespace; 3 running tasks in 2 clusters (prod-a, prod-b); services: api, worker",
    );
  });

  it('describes pidMode task and unset', () => {
    expect(usageAnnotation('task', usage(['c'], []))).toBe('pidMode=task; 3 running tasks in 1 cluster (c)');
    expect(usageAnnotation('unset', usage(['c'], [], 1))).toBe('pidMode not set (private namespace); 1 running task in 1 cluster (c)');
  });

  it.each([1, 2, 10, 300, 5000])('stays within 256 characters with %i clusters and services of long names', (n) => {
    const names = Array.from({ length: n }, (_, i) => `cluster-${'x'.repeat(200)}-${i}`);
    const text = usageAnnotation('host', usage(names, names.map((c) => `svc-${c}`), n), { unreadableClusters: 7, unrecorded: true });
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThanOrEqual(ANNOTATION_MAX);
    expect(text).toContain(`${n} running task`);
    expect(text).toContain('7 clusters unreadable');
    expect(text).toContain('not recorded by AWS Config');
  });

  it('summarises what does not fit as "+N more"', () => {
    const names = Array.from({ length: 50 }, (_, i) => `prod-${i}`);
    const text = usageAnnotation('task', usage(names, []));
    expect(text).toMatch(/\+\d+ more\)$/);
    expect(text.length).toBeLessThanOrEqual(ANNOTATION_MAX);
  });

  it('lists within a budget', () => {
    expect(listWithin(['a', 'b', 'c'], 100)).toBe('a, b, c');
    expect(listWithin(['aaaa', 'bbbb', 'cccc'], 15)).toBe('aaaa, +2 more');
    expect(listWithin(['aaaa', 'bbbb'], 3)).toBe('');
  });

  it('never returns an empty or oversized annotation, and marks a cut', () => {
    expect(fitAnnotation('  ')).toBe('No details');
    const cut = fitAnnotation('y'.repeat(300));
    expect(cut).toHaveLength(ANNOTATION_MAX);
    expect(cut.endsWith('…')).toBe(true);
  });
});
