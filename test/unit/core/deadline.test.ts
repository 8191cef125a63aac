import { abortable, abortError, reserveFor, startDeadline } from '../../../src/core/deadline';
import { isAbort } from '../../../src/core/errors';
import { minimumSweepSeconds as minimumSweepSecondsFor } from '../../../src/core/token-bucket';

describe('the time reserve', () => {
  it('keeps a fifth of the budget for reporting, at least 1.5 s and at most 60 s', () => {
    expect(reserveFor(8_000)).toBe(1_600);
    expect(reserveFor(2_000)).toBe(1_500);
    expect(reserveFor(600_000)).toBe(60_000);
  });
});

describe('startDeadline', () => {
  it('fires the discovery signal once only the reserve is left, and the final one just before the timeout', async () => {
    const deadline = startDeadline(2_000);
    expect(deadline.discovery.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 600));
    expect(deadline.discovery.aborted).toBe(true);
    expect(deadline.final.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(deadline.final.aborted).toBe(true);
    expect(isAbort(deadline.final.reason)).toBe(true);
    deadline.dispose();
  });
});

describe('abortable', () => {
  it('abandons a call as soon as the signal fires, without waiting for it to settle', async () => {
    const controller = new AbortController();
    const never = new Promise<never>(() => undefined);
    const pending = abortable(never, controller.signal);
    controller.abort(abortError('time reserved for discovery is over'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', message: 'time reserved for discovery is over' });
  });

  it('rejects at once when the signal has already fired, and swallows the late failure of the abandoned call', async () => {
    const controller = new AbortController();
    controller.abort();
    const late = Promise.reject(new Error('late'));
    await expect(abortable(late, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('passes results and errors through while the signal is quiet', async () => {
    const controller = new AbortController();
    await expect(abortable(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    await expect(abortable(Promise.reject(new Error('boom')), controller.signal)).rejects.toThrow('boom');
  });
});

describe('the start-up estimate', () => {
  it('is a lower bound from the cluster-resource bucket: two calls a cluster after the burst', () => {
    expect(minimumSweepSecondsFor(10, 1)).toBe(0);
    expect(minimumSweepSecondsFor(60, 1)).toBeCloseTo((120 - 90) / 19, 5);
    expect(minimumSweepSecondsFor(60, 0.1)).toBeCloseTo((120 - 9) / 1.9, 5);
  });
});
