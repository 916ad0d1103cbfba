import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const policy = { baseMs: 1000, maxMs: 300_000 };

  it('doubles the cap with each failure up to the maximum', () => {
    const caps = [1, 2, 3, 4, 5, 8, 9, 10, 50].map((failures) => backoffDelay(policy, failures, 0.999999));
    expect(caps).toEqual([999, 1999, 3999, 7999, 15999, 127999, 255999, 299999, 299999]);
  });

  it('spreads waits uniformly between the floor and the cap (full jitter)', () => {
    expect(backoffDelay(policy, 4, 0.5)).toBe(4000);
    expect(backoffDelay(policy, 4, 0.25)).toBe(2000);
    expect(backoffDelay(policy, 4, 0)).toBe(100); // never a tight loop
  });

  it('keeps the floor below a cap smaller than it', () => {
    expect(backoffDelay({ baseMs: 10, maxMs: 40 }, 1, 0)).toBe(10);
    expect(backoffDelay({ baseMs: 10, maxMs: 40 }, 3, 0.5)).toBe(20);
  });
});
