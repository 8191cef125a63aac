import { chunk, EXPRESSION_MAX, lookupQueries } from '../../../src/core/batch';
import { tdArn } from '../../helpers/fixtures';

describe('batching', () => {
  it('chunks into batches of at most 100', () => {
    const sizes = chunk(Array.from({ length: 250 }, (_, i) => i)).map((b) => b.length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(chunk([])).toEqual([]);
  });

  it('packs ARN look-ups into as few queries as the 4096-character limit allows', () => {
    const arns = Array.from({ length: 500 }, (_, i) => tdArn(`family-${i}`, i + 1));
    const queries = lookupQueries('arn', arns);
    for (const q of queries) expect(q.length).toBeLessThanOrEqual(EXPRESSION_MAX);
    const found = queries.flatMap((q) => [...q.matchAll(/'(arn:[^']+)'/g)].map((m) => m[1]));
    expect(found).toEqual(arns);
    // Greedy packing: every query but the last is full to within one ARN.
    for (const q of queries.slice(0, -1)) expect(q.length).toBeGreaterThan(EXPRESSION_MAX - 70);
    expect(queries[0]).toMatch(/^SELECT resourceId, resourceType, arn, configuration.PidMode, configuration.TaskDefinitionArn WHERE resourceType = 'AWS::ECS::TaskDefinition' AND arn IN \('/);
  });

  it('makes no query for no ARNs', () => {
    expect(lookupQueries('arn', [])).toEqual([]);
  });

  it('escapes quotes', () => {
    expect(lookupQueries('arn', ["a'b"])[0]).toContain("'a''b'");
  });
});
