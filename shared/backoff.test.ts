import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it.each([
    [0, 10_000],
    [1, 20_000],
    [4, 160_000],
    [5, 300_000],
    [9, 300_000],
  ])('attempt %i without jitter → %i ms (kubelet CrashLoopBackOff shape)', (attempt, expected) => {
    expect(backoffDelay(attempt, { initialMs: 10_000, maxMs: 300_000 })).toBe(expected);
  });

  it('takes up to the jitter fraction off the delay', () => {
    expect(backoffDelay(0, { initialMs: 1000, maxMs: 5000, jitter: 0.5 }, () => 1)).toBe(500);
    expect(backoffDelay(0, { initialMs: 1000, maxMs: 5000, jitter: 0.5 }, () => 0)).toBe(1000);
  });
});
