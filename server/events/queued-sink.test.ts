import type { ObjectReference } from '../../shared/api/core';
import { QueuedEventSink, type EventWriter } from './queued-sink';

/** A writer whose writes finish only when the test says so. */
function manualWriter(): EventWriter & { pending: Array<{ message: string; finish: (ok: boolean) => void }> } {
  const pending: Array<{ message: string; finish: (ok: boolean) => void }> = [];
  return {
    pending,
    write: (_ref: ObjectReference, _type, _reason, message) => new Promise<void>((resolve, reject) => pending.push({ message, finish: (ok) => (ok ? resolve() : reject(new Error('store down'))) })),
  };
}

const pod = { kind: 'Pod', namespace: 'default', name: 'web-1' };
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('QueuedEventSink', () => {
  test('writes at most `concurrency` at once, in order, and drains', async () => {
    const writer = manualWriter();
    const sink = new QueuedEventSink(writer, { concurrency: 2 });
    for (let i = 0; i < 5; i++) sink.record(pod, 'Normal', 'Scheduled', `m${i}`);
    expect(writer.pending.map((p) => p.message)).toEqual(['m0', 'm1']);
    let drained = false;
    void sink.whenDrained().then(() => (drained = true));
    for (let done = 0; done < 5; done++) {
      writer.pending[done]?.finish(true);
      await tick();
    }
    expect(writer.pending.map((p) => p.message)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(drained).toBe(true);
  });

  test('drops beyond the backlog limit and counts it; failed writes are reported', async () => {
    const writer = manualWriter();
    const errors: unknown[] = [];
    const sink = new QueuedEventSink(writer, { concurrency: 1, maxQueued: 2, onError: (e) => errors.push(e) });
    for (let i = 0; i < 5; i++) sink.record(pod, 'Warning', 'FailedScheduling', `m${i}`);
    // m0 is being written, m1 and m2 wait, m3 and m4 are dropped.
    expect(sink.dropped).toBe(2);
    writer.pending[0]?.finish(false);
    await tick();
    expect(errors).toHaveLength(1);
    expect(writer.pending.map((p) => p.message)).toEqual(['m0', 'm1']);
  });
});
