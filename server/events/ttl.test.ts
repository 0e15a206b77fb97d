// Event TTL: Events go one TTL after they were last written (repeats folded into an Event keep it
// alive), Events already stored at start expire by their own timestamps, and nothing else is touched.

import pino from 'pino';
import type { Event } from '../../shared/api/core';
import { FakeClock } from '../../shared/clock';
import { MemoryStore } from '../store/fake/memory-store';
import { EventRecorder } from './recorder';
import { EventTtl } from './ttl';

const HOUR = 3_600_000;
const start = Date.parse('2030-01-01T00:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function setup(): Promise<{ clock: FakeClock; store: MemoryStore; ttl: EventTtl; names: () => Promise<string[]> }> {
  const clock = new FakeClock(start);
  const store = new MemoryStore({ now: () => new Date(clock.now()) });
  const ttl = new EventTtl({ store, clock, logger: pino({ level: 'silent' }) });
  const names = async (): Promise<string[]> => (await store.list('events')).items.map((e) => e.metadata.name ?? '').sort();
  return { clock, store, ttl, names };
}

const event = (name: string, last: number): Event => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: 'default' },
  involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
  reason: 'Test',
  message: name,
  type: 'Normal',
  firstTimestamp: iso(last),
  lastTimestamp: iso(last),
  count: 1,
});

const settle = () => new Promise((r) => setImmediate(r));

describe('EventTtl', () => {
  it('deletes an Event one hour after its last write; a repeat folded into it keeps it', async () => {
    const { clock, store, ttl, names } = await setup();
    await ttl.start();
    const recorder = new EventRecorder(store, { component: 'test', clock });
    await recorder.write({ kind: 'Pod', name: 'a', namespace: 'default' }, 'Normal', 'Once', 'happened once');
    await recorder.write({ kind: 'Pod', name: 'b', namespace: 'default' }, 'Warning', 'Again', 'keeps happening');
    clock.advance(9 * 60_000);
    await recorder.write({ kind: 'Pod', name: 'b', namespace: 'default' }, 'Warning', 'Again', 'keeps happening');
    expect((await store.list('events')).items.map((e) => (e as Event).count)).toEqual([1, 2]);
    await store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-an-event', namespace: 'default' } });
    clock.advance(52 * 60_000);
    await ttl.sweep();
    expect((await store.list('events')).items.map((e) => (e as Event).reason)).toEqual(['Again']);
    clock.advance(9 * 60_000);
    await ttl.sweep();
    expect(await names()).toEqual([]);
    expect(await store.get({ resource: 'configmaps', namespace: 'default', name: 'not-an-event' })).toBeDefined();
    ttl.stop();
  });

  it('expires Events stored before it started by their timestamps, never later than one TTL from its start', async () => {
    const { clock, store, ttl, names } = await setup();
    await store.create('events', event('old', start));
    clock.advance(30 * 60_000);
    await store.create('events', event('recent', clock.now()));
    await store.create('events', event('future', start + 24 * HOUR));
    clock.advance(50 * 60_000); // the server was down; it starts at 80 min
    await ttl.start();
    await ttl.sweep();
    expect(await names()).toEqual(['future', 'recent']);
    clock.advance(11 * 60_000);
    await ttl.sweep();
    expect(await names()).toEqual(['future']);
    clock.advance(50 * 60_000);
    await ttl.sweep();
    expect(await names()).toEqual([]);
    ttl.stop();
  });

  it('sweeps by itself on its timer', async () => {
    const { clock, store, ttl, names } = await setup();
    await ttl.start();
    await store.create('events', event('e', start));
    clock.advance(HOUR + 60_000);
    for (let i = 0; i < 20; i++) await settle();
    expect(await names()).toEqual([]);
    ttl.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});
