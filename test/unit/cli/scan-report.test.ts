import { buildScanReport, renderScan } from '../../../src/cli/scan-report';
import { DiscoveryError } from '../../../src/core/errors';
import type { ScanOutcome } from '../../../src/run';

const target = { accountId: '111111111111', region: 'us-east-1' };
const outcome = (types: Array<'COMPLIANT' | 'NON_COMPLIANT'>, failure?: ScanOutcome['failure']): ScanOutcome => ({
  summary: { messageType: 'ScheduledNotification', configRuleName: '(scan)', accountId: target.accountId, sent: types.length, byCompliance: { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 }, clusters: 1, clustersRead: 1 },
  evaluations: types.map((complianceType, i) => ({ complianceType, annotation: 'a, b', resourceType: 'AWS::ECS::TaskDefinition', resourceId: `r${i}`, orderingTimestamp: new Date(0) })),
  ...(failure ? { failure } : {}),
});

describe('the scan exit code', () => {
  it('is 0 with nothing non-compliant, 1 with findings', () => {
    expect(buildScanReport([{ target, outcome: outcome(['COMPLIANT']) }]).exitCode).toBe(0);
    expect(buildScanReport([{ target, outcome: outcome(['COMPLIANT', 'NON_COMPLIANT']) }]).exitCode).toBe(1);
  });

  it('is 2 when any Region could not be fully read, findings or not: a partial read is not a clean bill', () => {
    const failed = new DiscoveryError([{ cluster: 'prod', cause: new Error('denied') }]);
    expect(buildScanReport([{ target, outcome: outcome(['NON_COMPLIANT'], failed) }]).exitCode).toBe(2);
    expect(buildScanReport([{ target, outcome: outcome([]) }, { target: { ...target, region: 'eu-west-1' }, error: 'no credentials' }]).exitCode).toBe(2);
  });
});

describe('renderScan', () => {
  const report = buildScanReport([{ target, outcome: outcome(['COMPLIANT', 'NON_COMPLIANT']) }]);

  it('lists non-compliant revisions first', () => {
    expect(report.rows.map((r) => r.resourceId)).toEqual(['r1', 'r0']);
  });

  it('--only non-compliant filters the rows, not the exit code', () => {
    const json = JSON.parse(renderScan(report, 'json', { only: 'non-compliant' }));
    expect(json.evaluations.map((e: { resourceId: string }) => e.resourceId)).toEqual(['r1']);
    expect(json.exitCode).toBe(1);
  });

  it('quotes CSV fields that hold a comma', () => {
    expect(renderScan(report, 'csv').split('\r\n')[1]).toBe('111111111111,us-east-1,NON_COMPLIANT,r1,,,,,,"a, b"');
  });
});
