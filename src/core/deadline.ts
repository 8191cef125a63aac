import { setMaxListeners } from 'node:events';

// The function's time limit, as signals the adapters obey. A Lambda that runs into its timeout is
// killed and reports nothing; a sweep that stops reading in time reports what it established and
// says how far it got.

/** When discovery must stop, and when every call must stop. */
export interface Deadline {
  /** Fires when only the reserve is left: stop reading ECS, report what is established. */
  readonly discovery: AbortSignal;
  /** Fires just before the function's own timeout: abandon whatever is still in flight. */
  readonly final: AbortSignal;
  /** Milliseconds until `discovery` fires. */
  discoveryRemainingMs(): number;
  /** Clears the timers (the invocation is over). */
  dispose(): void;
}

/** Time kept for reporting after discovery stops: a fifth of the budget, within these bounds. */
export const RESERVE = { share: 0.2, minMs: 1_500, maxMs: 60_000 } as const;
/** Margin before the hard timeout, for the error to be logged and the metrics flushed. */
export const FINAL_MARGIN_MS = 500;

export function reserveFor(remainingMs: number): number {
  return Math.min(RESERVE.maxMs, Math.max(RESERVE.minMs, remainingMs * RESERVE.share));
}

/** A deadline `remainingMs` from now (Lambda: context.getRemainingTimeInMillis()). */
export function startDeadline(remainingMs: number, now: () => number = Date.now): Deadline {
  const discoveryAt = now() + Math.max(0, remainingMs - reserveFor(remainingMs));
  const finalAt = now() + Math.max(0, remainingMs - FINAL_MARGIN_MS);
  const discovery = new AbortController();
  const final = new AbortController();
  // Every call in flight listens (clusters are read ten at a time, each with its retries).
  setMaxListeners(1000, discovery.signal, final.signal);
  const timers = [
    setTimeout(() => discovery.abort(abortError('time reserved for discovery is over')), Math.max(0, discoveryAt - now())),
    setTimeout(() => {
      discovery.abort(abortError('time limit reached'));
      final.abort(abortError('time limit reached'));
    }, Math.max(0, finalAt - now())),
  ];
  // The timers must not keep a short-lived process (CLI, tests) alive.
  for (const timer of timers) timer.unref?.();
  return {
    discovery: discovery.signal,
    final: final.signal,
    discoveryRemainingMs: () => Math.max(0, discoveryAt - now()),
    dispose: () => timers.forEach(clearTimeout),
  };
}

/** The error an abandoned call rejects with (same name as the SDK's own). */
export function abortError(message: string): Error {
  return Object.assign(new Error(message), { name: 'AbortError' });
}

/**
 * Settles with `promise`, or rejects as soon as `signal` fires. The SDK observes its abortSignal
 * only when it next sends a request; a retry waiting out its backoff would otherwise hold the
 * caller for up to 20 seconds. The abandoned promise's own outcome is swallowed.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(reasonOf(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reasonOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function reasonOf(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === 'AbortError' ? reason : abortError('aborted');
}
