import { FakeClock } from './clock';
import { WorkQueue } from './workqueue';

describe('WorkQueue', () => {
  it('deduplicates keys waiting in the queue', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('never hands out a key being processed; re-queues it after done when added meanwhile', async () => {
    const q = new WorkQueue();
    q.add('a');
    const key = await q.get();
    q.add('a');
    expect(q.length).toBe(0);
    q.done(key ?? '');
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
  });

  it('wakes a waiting getter when a key arrives', async () => {
    const q = new WorkQueue();
    const pending = q.get();
    q.add('x');
    expect(await pending).toBe('x');
  });

  it('backs off exponentially per key and forgets on success', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, backoff: { initialMs: 10, maxMs: 100 }, random: () => 0 });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = clock.now();
      q.addRateLimited('k');
      while (q.length === 0) clock.advance(1);
      delays.push(clock.now() - start);
      q.done((await q.get()) ?? '');
    }
    expect(delays).toEqual([10, 20, 40, 80, 100]);
    q.forget('k');
    expect(q.failuresOf('k')).toBe(0);
  });

  it('releases waiters with undefined on shutdown', async () => {
    const q = new WorkQueue();
    const pending = q.get();
    q.shutDown();
    expect(await pending).toBeUndefined();
    q.add('late');
    expect(q.length).toBe(0);
  });
});
