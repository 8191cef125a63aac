// PutEvaluations in batches of 100. A non-empty FailedEvaluations is not success: the failed
// entries are sent again with backoff a bounded number of times, then the invocation fails.
import { PutEvaluationsCommand, type ConfigServiceClient, type Evaluation as SdkEvaluation } from '@aws-sdk/client-config-service';
import { chunk } from '../core/batch';
import { PutEvaluationsError } from '../core/errors';
import { systemClock, type Clock } from '../core/token-bucket';
import type { Evaluation } from '../core/types';

export interface PutOptions {
  readonly resultToken: string;
  readonly testMode: boolean;
  /** Attempts per batch for entries Config reports as failed. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly clock?: Clock;
}

export async function putEvaluations(config: ConfigServiceClient, evaluations: readonly Evaluation[], options: PutOptions): Promise<number> {
  const { maxAttempts = 4, baseDelayMs = 200, clock = systemClock } = options;
  let sent = 0;
  for (const batch of chunk(evaluations.map(toSdk))) {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await config.send(
        new PutEvaluationsCommand({ Evaluations: pending, ResultToken: options.resultToken, ...(options.testMode ? { TestMode: true } : {}) }),
      );
      const failed = new Set((out.FailedEvaluations ?? []).map(key));
      pending = pending.filter((e) => failed.has(key(e)));
      if (pending.length === 0) break;
      if (attempt >= maxAttempts) throw new PutEvaluationsError(pending.length, attempt);
      // Full jitter backoff (AWS Architecture Blog, "Exponential Backoff And Jitter").
      await clock.sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
    }
    sent += batch.length;
  }
  return sent;
}

function toSdk(e: Evaluation): SdkEvaluation {
  return {
    ComplianceResourceType: e.resourceType,
    ComplianceResourceId: e.resourceId,
    ComplianceType: e.complianceType,
    Annotation: e.annotation,
    OrderingTimestamp: e.orderingTimestamp,
  };
}

function key(e: Pick<SdkEvaluation, 'ComplianceResourceType' | 'ComplianceResourceId'>): string {
  return `${e.ComplianceResourceType}\u0000${e.ComplianceResourceId}`;
}
