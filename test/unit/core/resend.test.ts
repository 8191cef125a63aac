import { resendDecision } from '../../../src/core/resend';

const verdict = { complianceType: 'NON_COMPLIANT', annotation: 'pidMode=host; 1 running task' } as const;
const at = new Date('2026-12-02T12:00:00Z');
const hoursBefore = (h: number): Date => new Date(at.getTime() - h * 3_600_000);

describe('re-sending a periodic verdict', () => {
  it('sends a verdict Config does not hold yet', () => {
    expect(resendDecision(undefined, verdict, at, 24)).toBe('send');
  });

  it.each([
    ['another compliance type', { complianceType: 'COMPLIANT', annotation: verdict.annotation, recordedAt: hoursBefore(1) }],
    ['another annotation', { complianceType: 'NON_COMPLIANT', annotation: 'pidMode=host; 2 running tasks', recordedAt: hoursBefore(1) }],
  ])('sends a verdict that differs from the last one in %s', (_label, before) => {
    expect(resendDecision(before, verdict, at, 24)).toBe('send');
  });

  it('does not send an identical verdict reported an hour ago', () => {
    expect(resendDecision({ ...verdict, recordedAt: hoursBefore(1) }, verdict, at, 24)).toBe('unchanged');
  });

  it('re-sends an identical verdict last reported 72 hours ago', () => {
    expect(resendDecision({ ...verdict, recordedAt: hoursBefore(72) }, verdict, at, 24)).toBe('refresh');
  });

  it('re-sends at exactly the refresh age, and every run with 0', () => {
    expect(resendDecision({ ...verdict, recordedAt: hoursBefore(24) }, verdict, at, 24)).toBe('refresh');
    expect(resendDecision({ ...verdict, recordedAt: hoursBefore(0) }, verdict, at, 0)).toBe('refresh');
  });

  it('re-sends when the age of the last report is unknown', () => {
    expect(resendDecision({ ...verdict }, verdict, at, 24)).toBe('refresh');
  });
});
