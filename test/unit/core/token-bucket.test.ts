import type { Clock } from '../../../src/core/clock';
import { ecsBuckets, TokenBucket } from '../../../src/core/token-bucket';

/** A frozen clock that records how long each caller was told to wait. */
function fakeClock(): Clock & { waits: number[]; advance(ms: number): void } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
}

describe('token bucket', () => {
  it('lets a burst through, then paces at the refill rate', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(100, 20, clock);
    for (let i = 0; i < 100; i++) await bucket.take();
    expect(clock.waits).toEqual([]);
    await bucket.take();
    await bucket.take();
    expect(clock.waits.map(Math.round)).toEqual([50, 100]);
  });

  it('refills over time up to its capacity', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 20, clock);
    for (let i = 0; i < 10; i++) await bucket.take();
    clock.advance(60_000);
    for (let i = 0; i < 10; i++) await bucket.take();
    expect(clock.waits).toEqual([]);
    await bucket.take();
    expect(clock.waits).toHaveLength(1);
  });

  it('serves concurrent callers in arrival order with growing waits', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(1, 10, clock);
    await Promise.all([bucket.take(), bucket.take(), bucket.take()]);
    expect(clock.waits.map(Math.round)).toEqual([100, 200]);
  });

  it('stays under the documented ECS buckets', () => {
    const b = ecsBuckets(1, fakeClock());
    expect(b.clusterResourceRead.capacity).toBeLessThanOrEqual(100);
    expect(b.clusterResourceRead.refillPerSecond).toBeLessThanOrEqual(20);
    expect(b.clusterRead.capacity).toBeLessThanOrEqual(50);
    const half = ecsBuckets(0.5, fakeClock());
    expect(half.taskDefinitionRead.refillPerSecond).toBeLessThanOrEqual(10);
  });

  it('rejects a bucket that could never serve', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
  });
});
