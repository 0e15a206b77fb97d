// The CrashLoopBackOff schedule with Kubernetes' real values, on a FakeClock: at once, 10 s, 20 s … 5 min, reset after 10 min.

import { FakeClock } from '../../shared/clock';
import { Backoff, CRASH_LOOP_BACKOFF } from './crash-backoff';

describe('Backoff (CrashLoopBackOff)', () => {
  it('restarts the first crash at once, then waits 10 s, doubling to 5 min', () => {
    const clock = new FakeClock(1_000_000);
    const backoff = new Backoff(clock, CRASH_LOOP_BACKOFF);
    const waits: number[] = [];
    for (let crash = 0; crash < 9; crash++) {
      const finishedAt = clock.now(); // the container crashes at once after each start
      const wait = backoff.remaining('pod/c', finishedAt);
      waits.push(wait);
      clock.advance(wait);
      expect(backoff.remaining('pod/c', finishedAt)).toBe(0);
      backoff.next('pod/c', finishedAt);
      clock.advance(1);
    }
    expect(waits.map((w) => w / 1000)).toEqual([0, 10, 20, 40, 80, 160, 300, 300, 300]);
    expect(backoff.delay('pod/c')).toBe(300_000);
  });

  it('holds a container back only for the rest of its delay since it finished', () => {
    const clock = new FakeClock(0);
    const backoff = new Backoff(clock);
    backoff.next('k', 0);
    clock.advance(4_000);
    expect(backoff.remaining('k', 1_000)).toBe(7_000);
    clock.advance(7_000);
    expect(backoff.remaining('k', 1_000)).toBe(0);
  });

  it('starts over once the container ran for more than 10 minutes', () => {
    const clock = new FakeClock(0);
    const backoff = new Backoff(clock);
    for (let t = 0; t < 5; t++) backoff.next('k', t);
    expect(backoff.delay('k')).toBe(160_000);
    clock.advance(10 * 60_000 + 10);
    expect(backoff.remaining('k', clock.now())).toBe(0);
    expect(backoff.next('k', clock.now())).toBe(10_000);
    clock.advance(9 * 60_000);
    expect(backoff.next('k', clock.now())).toBe(20_000);
  });

  it('keeps keys apart and forgets a pod by prefix', () => {
    const clock = new FakeClock(0);
    const backoff = new Backoff(clock, { initialMs: 100, maxMs: 1000 });
    backoff.next('u1/a', 0);
    backoff.next('u1/a', 0);
    backoff.next('u2/a', 0);
    expect([backoff.delay('u1/a'), backoff.delay('u2/a')]).toEqual([200, 100]);
    backoff.forgetPrefix('u1/');
    expect([backoff.delay('u1/a'), backoff.delay('u2/a')]).toEqual([0, 100]);
  });
});
