/** Call accounting for tests and the benchmark. Shapes are plain JSON so GET /_sim/counters can return them. */

/** accountId -> service -> operation -> count */
export type CallTable = Record<string, Record<string, Record<string, number>>>;

export interface CountersSnapshot {
  totalCalls: number;
  calls: CallTable;
  throttled: CallTable;
  throttledTotal: number;
  faults: CallTable;
  faultsTotal: number;
  /** S3 GetObject/HeadObject answered 304 Not Modified (If-None-Match named the current ETag): a reader's cache at work. */
  notModified: CallTable;
  /** Error code -> count, for every error answered (client, server, throttling, injected). */
  errorsByCode: Record<string, number>;
  /** Requests refused before an account was known (bad or missing credentials). */
  unauthenticated: number;
  evaluationsStored: number;
  /** Accepted by PutEvaluations but older than what was stored, so ignored as Config does. */
  evaluationsIgnored: number;
  evaluationsFailed: number;
  /**
   * Stored evaluations naming a resource Config does not know (type + id). Config accepts them,
   * so this is only a diagnostic: a rule that builds resource ids itself shows up here.
   */
  evaluationsForUnknownResources: number;
}

const bump = (table: CallTable, account: string, service: string, operation: string): void => {
  const byService = (table[account] ??= {});
  const byOperation = (byService[service] ??= {});
  byOperation[operation] = (byOperation[operation] ?? 0) + 1;
};

export class Counters {
  private data: CountersSnapshot = Counters.empty();

  private static empty(): CountersSnapshot {
    return {
      totalCalls: 0,
      calls: {},
      throttled: {},
      throttledTotal: 0,
      faults: {},
      faultsTotal: 0,
      notModified: {},
      errorsByCode: {},
      unauthenticated: 0,
      evaluationsStored: 0,
      evaluationsIgnored: 0,
      evaluationsFailed: 0,
      evaluationsForUnknownResources: 0,
    };
  }

  call(account: string, service: string, operation: string): void {
    this.data.totalCalls += 1;
    bump(this.data.calls, account, service, operation);
  }

  throttled(account: string, service: string, operation: string): void {
    this.data.throttledTotal += 1;
    bump(this.data.throttled, account, service, operation);
  }

  fault(account: string, service: string, operation: string): void {
    this.data.faultsTotal += 1;
    bump(this.data.faults, account, service, operation);
  }

  notModified(account: string, service: string, operation: string): void {
    bump(this.data.notModified, account, service, operation);
  }

  error(code: string): void {
    this.data.errorsByCode[code] = (this.data.errorsByCode[code] ?? 0) + 1;
  }

  unauthenticated(): void {
    this.data.unauthenticated += 1;
  }

  evaluations(stored: number, ignored: number, failed: number, unknownResources: number): void {
    this.data.evaluationsStored += stored;
    this.data.evaluationsIgnored += ignored;
    this.data.evaluationsFailed += failed;
    this.data.evaluationsForUnknownResources += unknownResources;
  }

  snapshot(): CountersSnapshot {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = Counters.empty();
  }
}
