// PutEvaluations in batches of 100. A non-empty FailedEvaluations is not success: the failed
// entries are sent again with backoff a bounded number of times, then the invocation fails.
import { PutEvaluationsCommand, type ConfigServiceClient, type Evaluation as SdkEvaluation } from '@aws-sdk/client-config-service';
import { AWS_BATCH_MAX, chunk } from '../core/batch';
import { AwsCallError, PutEvaluationsError } from '../core/errors';
import { systemClock, type Clock } from '../core/clock';
import type { Evaluation } from '../core/types';

export interface PutOptions {
  readonly resultToken: string;
  readonly testMode: boolean;
  /** Attempts per batch for entries Config reports as failed. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly clock?: Clock;
  /** The function's final deadline: a call still running then is abandoned (and named in the error). */
  readonly signal?: AbortSignal;
}

export async function putEvaluations(config: ConfigServiceClient, evaluations: readonly Evaluation[], options: PutOptions): Promise<void> {
  const { maxAttempts = 4, baseDelayMs = 200, clock = systemClock } = options;
  const batches = chunk(evaluations.map(toSdk));
  for (const [index, batch] of batches.entries()) {
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      let out;
      try {
        out = await config.send(
          new PutEvaluationsCommand({ Evaluations: pending, ResultToken: options.resultToken, ...(options.testMode ? { TestMode: true } : {}) }),
          { abortSignal: options.signal },
        );
      } catch (cause) {
        // Batches before this one are stored: say how far it got.
        throw new AwsCallError('PutEvaluations', `batch ${index + 1} of ${batches.length} (${pending.length} evaluation(s); ${index * AWS_BATCH_MAX} reported before it)`, { cause });
      }
      const reported = out.FailedEvaluations ?? [];
      if (reported.length === 0) break;
      const failed = new Set(reported.map(key));
      const matched = pending.filter((e) => failed.has(key(e)));
      // Failures we cannot match to what we sent: send the whole batch again (a resent evaluation
      // with the same OrderingTimestamp changes nothing), never count it as delivered.
      pending = matched.length === reported.length ? matched : pending;
      if (attempt >= maxAttempts) throw new PutEvaluationsError(pending.length, attempt);
      // Full jitter backoff (AWS Architecture Blog, "Exponential Backoff And Jitter").
      await clock.sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
    }
  }
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
