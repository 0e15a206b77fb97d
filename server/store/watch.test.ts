import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../shared/api/types';
import { isFlotillaError } from '../../shared/errors';
import { type NedbStore, type NedbStoreOptions, type StoreEvent, openStore } from './index';

const dirs: string[] = [];
const stores: NedbStore[] = [];

async function newStore(options: Partial<NedbStoreOptions> = {}): Promise<NedbStore> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'flotilla-watch-'));
  dirs.push(dir);
  const s = await openStore({ ...options, dir });
  stores.push(s);
  return s;
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const cm = (name: string, namespace = 'default', n = 0): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { n: String(n) } });
const ref = (name: string, namespace = 'default') => ({ resource: 'configmaps', namespace, name });
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function collect(s: NedbStore, options: Parameters<NedbStore['watch']>[0] = {}): { events: StoreEvent[]; stop: () => void } {
  const events: StoreEvent[] = [];
  const stop = s.watch(options, (e) => events.push(e));
  return { events, stop };
}

describe('NedbStore watch', () => {
  it('carries the object as it was before each update and delete (prevJson), for selector-filtered watches', async () => {
    const s = await newStore();
    const w = collect(s);
    await s.create('configmaps', cm('a'));
    await s.update('configmaps', cm('a', 'default', 1));
    await s.guaranteedUpdate(ref('a'), (o) => ({ ...o, metadata: { ...o.metadata, finalizers: ['f'] } }));
    await s.delete(ref('a'));
    await s.guaranteedUpdate(ref('a'), (o) => ({ ...o, metadata: { ...o.metadata, finalizers: [] } }));
    const prev = w.events.map((e) => (e.prevJson === undefined ? undefined : (JSON.parse(e.prevJson) as KubeObject)));
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'DELETED']);
    expect(prev[0]).toBeUndefined();
    for (let i = 1; i < w.events.length; i++) expect(prev[i]).toEqual(w.events[i - 1]?.object);
  });

  it('replays from a version, then follows live, in order', async () => {
    const s = await newStore();
    await s.create('configmaps', cm('a'));
    await s.create('configmaps', cm('b'));
    await s.update('configmaps', cm('a', 'default', 1));
    await s.delete(ref('b'));
    const w = collect(s, { resourceVersion: '1' });
    expect(w.events).toEqual([]); // replay is asynchronous: the caller holds stop() first
    await s.create('configmaps', cm('c'));
    expect(w.events.map((e) => `${e.type} ${e.object.metadata.name} ${e.rv}`)).toEqual(['ADDED b 2', 'MODIFIED a 3', 'DELETED b 4', 'ADDED c 5']);
    const last = w.events[3];
    expect(last?.object.metadata.resourceVersion).toBe('5');
    expect(last?.json).toBe(JSON.stringify(last?.object));
    expect(Object.isFrozen(last?.object.metadata)).toBe(true);
  });

  it('"0" or no version starts now; the current version works on an empty buffer after restart', async () => {
    const s = await newStore();
    await s.create('configmaps', cm('a'));
    const now = collect(s);
    await s.create('configmaps', cm('b'));
    expect(now.events.map((e) => e.rv)).toEqual([2]);
    const dir = dirs[0] ?? '';
    await s.close();
    const reopened = await newStore({ dir });
    expect(reopened.currentResourceVersion()).toBe('2');
    const w = collect(reopened, { resourceVersion: '2' });
    await reopened.delete(ref('a'));
    expect(w.events.map((e) => `${e.type} ${e.rv}`)).toEqual(['DELETED 3']);
    expect(() => reopened.watch({ resourceVersion: '1' }, () => {})).toThrow(/too old resource version: 1 \(3\)/);
  });

  it('410 Gone once the version left the buffer', async () => {
    const s = await newStore({ eventBufferSize: 5 });
    for (let i = 0; i < 12; i++) await s.create('configmaps', cm(`c${i}`));
    let err: unknown;
    try {
      s.watch({ resourceVersion: '6' }, () => {});
    } catch (e) {
      err = e;
    }
    expect(isFlotillaError(err, 'Gone') && err.message).toBe('too old resource version: 6 (8)');
    const ok = collect(s, { resourceVersion: '7' });
    await flush();
    expect(ok.events.map((e) => e.rv)).toEqual([8, 9, 10, 11, 12]);
    expect(() => s.watch({ resourceVersion: '13' }, () => {})).toThrow(/Too large resource version/);
    expect(() => s.watch({ resourceVersion: 'abc' }, () => {})).toThrow(/decimal/);
  });

  it('filters by resource and namespace; stop() and an aborted signal unsubscribe', async () => {
    const s = await newStore();
    const pods = collect(s, { resource: 'pods' });
    const ns1 = collect(s, { resource: 'configmaps', namespace: 'ns1' });
    const ac = new AbortController();
    const aborted = collect(s, { signal: ac.signal });
    await s.create('configmaps', cm('a', 'ns1'));
    await s.create('configmaps', cm('b', 'ns2'));
    await s.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns1' } });
    ac.abort();
    ns1.stop();
    await s.create('configmaps', cm('c', 'ns1'));
    expect(pods.events.map((e) => e.object.metadata.name)).toEqual(['p']);
    expect(ns1.events.map((e) => e.object.metadata.name)).toEqual(['a']);
    expect(aborted.events.map((e) => e.rv)).toEqual([1, 2, 3]);
    expect(s.stats().watchers).toBe(1);
  });

  it('a watcher that throws is dropped and the others keep receiving', async () => {
    const errors: unknown[] = [];
    const s = await newStore({ onWatcherError: (e) => errors.push(e) });
    s.watch({}, () => {
      throw new Error('bad watcher');
    });
    const good = collect(s);
    await s.create('configmaps', cm('a'));
    await s.create('configmaps', cm('b'));
    expect(good.events).toHaveLength(2);
    expect(errors).toHaveLength(1);
  });

  it('20 concurrent writers × 200 writes: every watcher sees a gap-free, increasing sequence', async () => {
    const s = await newStore({ eventBufferSize: 10_000 });
    const watchers: { from: number; events: StoreEvent[] }[] = [{ from: 0, events: collect(s, { resourceVersion: '0' }).events }];
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; i < 200; i++) {
        const name = `w${w}-${i % 20}`;
        if (i < 20) await s.create('configmaps', cm(name, `ns${w % 3}`, i));
        else if (i % 7 === 0) await s.guaranteedUpdate(ref(name, `ns${w % 3}`), (o) => ({ ...o, data: { n: String(i) } }));
        else if (i % 11 === 0) await s.delete(ref(name, `ns${w % 3}`)).then(() => s.create('configmaps', cm(name, `ns${w % 3}`, i)));
        else await s.update('configmaps', cm(name, `ns${w % 3}`, i));
        if (w === 0 && i % 40 === 10) {
          const from = Math.max(0, Number(s.currentResourceVersion()) - 50);
          watchers.push({ from, events: collect(s, { resourceVersion: String(from) }).events });
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, w) => writer(w)));
    await flush();
    const end = Number(s.currentResourceVersion());
    expect(end).toBeGreaterThanOrEqual(4000);
    expect(watchers.length).toBeGreaterThanOrEqual(5);
    for (const w of watchers) {
      expect(w.events.map((e) => e.rv)).toEqual(Array.from({ length: end - w.from }, (_, i) => w.from + 1 + i));
    }
    const ns0 = collect(s, { resource: 'configmaps', namespace: 'ns0', resourceVersion: '0' });
    expect(ns0.events).toEqual([]);
    // Final state agrees with the last event of every key.
    const last = new Map<string, StoreEvent>();
    for (const e of watchers[0]?.events ?? []) last.set(`${e.object.metadata.namespace}/${e.object.metadata.name}`, e);
    const listed = await s.list('configmaps');
    expect(listed.items.length).toBe([...last.values()].filter((e) => e.type !== 'DELETED').length);
    for (const o of listed.items) expect(last.get(`${o.metadata.namespace}/${o.metadata.name}`)?.object).toEqual(o);
  });
});
