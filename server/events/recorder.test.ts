// The recorder writes core/v1 Events and folds repeats into one with a count.

import type { Event } from '../../shared/api/core';
import { FakeClock } from '../../shared/clock';
import { MemoryStore } from '../store/fake/memory-store';
import { EventRecorder } from './recorder';

const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi-1', uid: 'u1' } };

it('writes an Event in default for a cluster-scoped object, then folds a repeat into it', async () => {
  const store = new MemoryStore();
  const clock = new FakeClock(Date.parse('2026-11-25T10:00:00Z'));
  const rec = new EventRecorder(store, { component: 'node-controller', clock });
  await rec.write({ kind: 'Node', name: 'pi-1', uid: 'u1' }, 'Normal', 'NodeNotReady', 'Node pi-1 status is now: NodeNotReady');
  clock.advance(5000);
  await rec.write({ kind: 'Node', name: 'pi-1', uid: 'u1' }, 'Normal', 'NodeNotReady', 'Node pi-1 status is now: NodeNotReady');
  const { items } = await store.list('events', { namespace: 'default' });
  expect(items).toHaveLength(1);
  const ev = items[0] as Event;
  expect(ev).toMatchObject({ reason: 'NodeNotReady', type: 'Normal', count: 2, source: { component: 'node-controller' }, involvedObject: { kind: 'Node', name: 'pi-1' } });
  expect(ev.firstTimestamp).toBe('2026-11-25T10:00:00Z');
  expect(ev.lastTimestamp).toBe('2026-11-25T10:00:05Z');
});

it('starts a new Event after the aggregation window and for another reason', async () => {
  const store = new MemoryStore();
  const clock = new FakeClock(0);
  const rec = new EventRecorder(store, { component: 'c', clock, aggregateWindowMs: 1000 });
  const pod = { kind: 'Pod', name: 'p', namespace: 'ns1' };
  await rec.write(pod, 'Warning', 'FailedScheduling', 'x');
  clock.advance(2000);
  await rec.write(pod, 'Warning', 'FailedScheduling', 'x');
  await rec.write(pod, 'Normal', 'Scheduled', 'y');
  expect((await store.list('events', { namespace: 'ns1' })).items).toHaveLength(3);
});

it('record() never throws, and reports a failed write', async () => {
  const errors: unknown[] = [];
  const store = new MemoryStore();
  store.create = () => Promise.reject(new Error('disk full'));
  const rec = new EventRecorder(store, { component: 'c', onError: (e) => errors.push(e) });
  expect(() => rec.record(node, 'Normal', 'R', 'm')).not.toThrow();
  await new Promise((r) => setImmediate(r));
  expect(errors).toEqual([new Error('disk full')]);
});
