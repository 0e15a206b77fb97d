import { FakeClock } from '../../shared/clock';
import { Supervisor } from './supervisor';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('Supervisor', () => {
  it('restarts a failing module with capped exponential backoff and jitter, and resets after a long run', async () => {
    const clock = new FakeClock(0);
    const delays: number[] = [];
    let runs = 0;
    let longRun: (() => void) | undefined;
    const sup = new Supervisor(
      {
        name: 'link',
        run: async () => {
          runs++;
          if (runs === 6) await new Promise<void>((r) => (longRun = r));
          throw new Error('connection refused');
        },
      },
      { clock, backoff: { initialMs: 1000, maxMs: 8000, jitter: 0.5 }, random: () => 0.5, resetAfterMs: 60_000, onRestart: (i) => delays.push(i.delayMs) },
    );
    sup.start();
    for (let i = 0; i < 5; i++) {
      await tick();
      clock.advance(delays.at(-1) ?? 0);
    }
    await tick();
    // 1 s, 2 s, 4 s, 8 s, 8 s (capped), each with 25 % jitter taken off at random = 0.5.
    expect(delays).toEqual([750, 1500, 3000, 6000, 6000]);
    expect(runs).toBe(6);
    clock.advance(61_000);
    longRun?.();
    await tick();
    expect(delays.at(-1)).toBe(750);
    await sup.stop();
  });

  it('stop() aborts the running module and does not restart it', async () => {
    const clock = new FakeClock(0);
    let runs = 0;
    const sup = new Supervisor({ name: 'x', run: (signal) => new Promise((r) => { runs++; signal.addEventListener('abort', () => r()); }) }, { clock });
    sup.start();
    await tick();
    await sup.stop();
    clock.advance(1_000_000);
    await tick();
    expect(runs).toBe(1);
  });
});
