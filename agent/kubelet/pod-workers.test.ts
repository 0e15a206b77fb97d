// Pod workers: no overlapping syncs per pod, triggers fold, requeues and error back-off on the FakeClock.

import { FakeClock } from '../../shared/clock';
import { PodWorkers, type SyncResult } from './pod-workers';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PodWorkers', () => {
  it('never overlaps syncs of one pod and folds triggers during a sync into one more', async () => {
    const gate = deferred();
    const calls: string[] = [];
    let active = 0;
    const workers = new PodWorkers({
      clock: new FakeClock(),
      onError: () => undefined,
      sync: async (uid) => {
        active++;
        expect(active).toBe(1);
        calls.push(uid);
        if (calls.length === 1) await gate.promise;
        active--;
        return {};
      },
    });
    workers.trigger('a');
    workers.trigger('a');
    workers.trigger('a');
    gate.resolve();
    await workers.idle();
    expect(calls).toEqual(['a', 'a']);
  });

  it('runs different pods side by side', async () => {
    const gate = deferred();
    const started: string[] = [];
    const workers = new PodWorkers({ clock: new FakeClock(), onError: () => undefined, sync: async (uid) => (started.push(uid), await gate.promise, {}) });
    workers.trigger('a');
    workers.trigger('b');
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    gate.resolve();
    await workers.idle();
  });

  it('requeues after the delay a sync asks for, retries failures with doubling delays, and drops done pods', async () => {
    const clock = new FakeClock();
    const results: Array<SyncResult | Error> = [{ requeueAfterMs: 1000 }, new Error('podman away'), new Error('still away'), { done: true }];
    const at: number[] = [];
    const errors: string[] = [];
    const workers = new PodWorkers({
      clock,
      onError: (_uid, err) => errors.push((err as Error).message),
      sync: async () => {
        at.push(clock.now());
        const r = results.shift() ?? {};
        if (r instanceof Error) throw r;
        return r;
      },
    });
    workers.trigger('a');
    await workers.idle();
    for (const step of [1000, 500, 1000]) {
      clock.advance(step);
      await workers.idle();
    }
    expect(at).toEqual([0, 1000, 1500, 2500]);
    expect(errors).toEqual(['podman away', 'still away']);
    expect(workers.has('a')).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('stop cancels scheduled syncs and waits for running ones', async () => {
    const clock = new FakeClock();
    let n = 0;
    const workers = new PodWorkers({ clock, onError: () => undefined, sync: async () => (n++, { requeueAfterMs: 10 }) });
    workers.trigger('a');
    await workers.idle();
    await workers.stop();
    clock.advance(100);
    workers.trigger('a');
    await workers.idle();
    expect(n).toBe(1);
  });
});
