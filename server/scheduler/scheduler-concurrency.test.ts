// The scheduler under concurrency: out-of-order binds never over-commit a node; two schedulers never bind a pod twice.

import type { Pod } from '../../shared/api/core';
import { FakeEventSink } from '../events/fake/fake-sink';
import { InformerFactory } from '../informer/informer';
import { bindPod } from '../api/binding';
import type { StoreEvent } from '../store/types';
import { makeNode, makePod } from './fake/builders';
import { seededRandom, startHarness, type Harness } from './fake/harness';
import { podRequests, resourceFromList } from './framework/resources';
import { Scheduler } from './scheduler';

let h: Harness | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await h?.stop();
  h = undefined;
});

/** Yields to the event loop n times: binds complete out of order, many at once in flight. */
async function jitter(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Follows the store's watch and records the worst moment: any node above its allocatable, any pod bound twice. */
function watchBindings(harness: Harness): { overcommits: string[]; rebinds: string[]; bindings: Map<string, string> } {
  const allocatable = new Map<string, { cpu: number; memory: number; pods: number }>();
  const used = new Map<string, { cpu: number; memory: number; pods: number }>();
  const bindings = new Map<string, string>();
  const overcommits: string[] = [];
  const rebinds: string[] = [];
  const stop = harness.store.watch({ resourceVersion: harness.store.currentResourceVersion() }, (e: StoreEvent) => {
    if (e.resource === 'nodes') {
      const a = resourceFromList((e.object.status as { allocatable: Record<string, string> }).allocatable);
      allocatable.set(e.object.metadata.name ?? '', { cpu: a.milliCpu, memory: a.memory, pods: a.pods });
      return;
    }
    if (e.resource !== 'pods') return;
    const pod = e.object as Pod;
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    const node = pod.spec.nodeName;
    const was = bindings.get(key);
    const req = podRequests(pod.spec);
    const add = (name: string, sign: number) => {
      const u = used.get(name) ?? { cpu: 0, memory: 0, pods: 0 };
      used.set(name, { cpu: u.cpu + sign * req.milliCpu, memory: u.memory + sign * req.memory, pods: u.pods + sign });
    };
    if (e.type === 'DELETED') {
      if (was) add(was, -1);
      bindings.delete(key);
      return;
    }
    if (!node || node === was) return;
    if (was) rebinds.push(`${key}: ${was} → ${node}`);
    bindings.set(key, node);
    add(node, 1);
    const u = used.get(node);
    const a = allocatable.get(node);
    if (u && a && (u.cpu > a.cpu || u.memory > a.memory || u.pods > a.pods)) overcommits.push(`${node} after ${key}: ${JSON.stringify(u)} > ${JSON.stringify(a)}`);
  });
  cleanups.push(stop);
  return { overcommits, rebinds, bindings };
}

describe('Scheduler under concurrency', () => {
  test('500 pods racing for room for 400, binds completing out of order: no node is ever over-committed', async () => {
    const random = seededRandom(7);
    h = await startHarness({
      maxInFlightBinds: 200,
      batchSize: 25,
      binder: async (pod, node) => {
        await jitter(1 + Math.floor(random() * 20));
        if (!h) throw new Error('harness stopped');
        return bindPod(h.store, { namespace: pod.metadata.namespace, name: pod.metadata.name ?? '' }, { nodeName: node, uid: pod.metadata.uid });
      },
    });
    const seen = watchBindings(h);
    for (let i = 0; i < 20; i++) await h.createNode(makeNode(`pi-${i}`, { cpu: '2', memory: '4Gi', pods: 30 }));
    // 20 nodes × 20 pods of 100m fit by CPU; memory and pod slots leave room.
    await Promise.all(Array.from({ length: 500 }, (_, i) => h?.createPod(makePod(`p-${i}`, { cpu: '100m', memory: '64Mi' }))));
    // Delete some bound pods while binds are still in flight.
    await jitter(10);
    const early = [...seen.bindings.keys()].slice(0, 20);
    for (const key of early) await h.store.delete({ resource: 'pods', namespace: 'default', name: key.split('/')[1] ?? '' });
    await h.scheduler.whenIdle();
    h.clock.advance(1000);
    await h.scheduler.whenIdle();

    expect(seen.overcommits).toEqual([]);
    expect(seen.rebinds).toEqual([]);
    expect(seen.bindings.size).toBe(400);
    const pending = (await h.pods()).filter((p) => !p.spec.nodeName);
    expect(pending).toHaveLength(500 - 20 - 400);
  });

  test('two schedulers racing over the same pods never bind one twice', async () => {
    h = await startHarness();
    const seen = watchBindings(h);
    const informers = new InformerFactory(h.store);
    const second = new Scheduler({ store: h.store, informers, events: new FakeEventSink(), clock: h.clock, random: seededRandom(9) });
    await second.start();
    cleanups.push(async () => {
      await second.stop();
      informers.stop();
    });
    for (let i = 0; i < 10; i++) await h.createNode(makeNode(`pi-${i}`));
    await Promise.all(Array.from({ length: 200 }, (_, i) => h?.createPod(makePod(`p-${i}`, { cpu: '10m' }))));
    await Promise.all([h.scheduler.whenIdle(), second.whenIdle()]);
    expect(seen.rebinds).toEqual([]);
    expect(seen.bindings.size).toBe(200);
    expect(h.scheduler.scheduled + second.scheduled).toBe(200);
  });
});
