// Whether a periodic verdict goes to Config. Every evaluation sent is billed, so one identical to the
// last reported is not sent again, until that report is old enough that the console's evaluation
// time and downstream tools would show it as aging.
import type { Verdict } from './types';

export interface EarlierResult {
  readonly complianceType: string;
  readonly annotation?: string;
  /** When Config stored it; unknown age counts as old. */
  readonly recordedAt?: Date;
}

export const RESEND = { send: 'send', unchanged: 'unchanged', refresh: 'refresh' } as const;
export type Resend = (typeof RESEND)[keyof typeof RESEND];

/**
 * @param refreshHours re-send an unchanged verdict once the last report is this old; 0 = every run
 */
export function resendDecision(before: EarlierResult | undefined, verdict: Verdict, at: Date, refreshHours: number): Resend {
  if (!before || before.complianceType !== verdict.complianceType || before.annotation !== verdict.annotation) return RESEND.send;
  if (refreshHours === 0 || !before.recordedAt) return RESEND.refresh;
  return at.getTime() - before.recordedAt.getTime() >= refreshHours * 3_600_000 ? RESEND.refresh : RESEND.unchanged;
}
