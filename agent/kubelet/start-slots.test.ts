import { StartSlots } from './start-slots';

describe('StartSlots', () => {
  it('runs at most `limit` at once, the rest in the order asked, and frees a slot on failure too', async () => {
    const slots = new StartSlots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates: Array<() => void> = [];
    const task = (i: number, fail = false) => slots.run(async () => {
      running++;
      most = Math.max(most, running);
      order.push(i);
      await new Promise<void>((r) => gates.push(r));
      running--;
      if (fail) throw new Error(`task ${i} failed`);
      return i;
    });
    const outcome = Promise.allSettled([task(0, true), task(1), task(2), task(3), task(4)]);
    const settle = () => new Promise((r) => setImmediate(r));
    await settle();
    expect(order).toEqual([0, 1]);
    gates.shift()?.(); // 0 fails: its slot passes to 2
    await settle();
    expect(order).toEqual([0, 1, 2]);
    while (gates.length > 0) {
      gates.shift()?.();
      await settle();
    }
    expect(await outcome).toEqual([
      { status: 'rejected', reason: new Error('task 0 failed') },
      ...[1, 2, 3, 4].map((value) => ({ status: 'fulfilled', value })),
    ]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('drops a waiter whose pod went, and runs the next one in its place', async () => {
    const slots = new StartSlots(1);
    let release: () => void = () => undefined;
    const first = slots.run(() => new Promise<string>((r) => (release = () => r('first'))));
    const gone = new AbortController();
    let ranGone = false;
    const second = slots.run(async () => {
      ranGone = true;
      return 'second';
    }, gone.signal);
    const third = slots.run(async () => 'third');
    gone.abort();
    expect(await second).toBeUndefined();
    release();
    expect([await first, await third, ranGone]).toEqual(['first', 'third', false]);
  });

  it('gives the slot back when a start hangs past the hold time, and lets the start go on', async () => {
    const slots = new StartSlots(1, 20);
    let finishHung: () => void = () => undefined;
    const hung = slots.run(() => new Promise<string>((r) => (finishHung = () => r('late'))));
    expect(await slots.run(async () => 'next')).toBe('next'); // ran after ~20 ms, not after the hung one
    finishHung();
    expect(await hung).toBe('late');
    expect(await slots.run(async () => 'after')).toBe('after');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %p', (limit) => {
    expect(() => new StartSlots(limit)).toThrow(/pod start slots must be a positive integer/);
  });
});
