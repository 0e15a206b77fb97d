// A scheduler over a MemoryStore with shared informers, a FakeClock, a seeded random and a
// FakeEventSink, plus helpers to read back where pods landed — for the scheduler-level tests.

import type { Node, Pod } from '../../../shared/api/core';
import { FakeClock } from '../../../shared/clock';
import { FakeEventSink } from '../../events/fake/fake-sink';
import { InformerFactory } from '../../informer/informer';
import { MemoryStore } from '../../store/fake/memory-store';
import { Scheduler, type SchedulerOptions } from '../scheduler';

/** A small deterministic PRNG (mulberry32) so tie-breaking is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Harness {
  store: MemoryStore;
  clock: FakeClock;
  events: FakeEventSink;
  scheduler: Scheduler;
  informers: InformerFactory;
  createNode(node: Node): Promise<void>;
  createPod(pod: Pod): Promise<void>;
  getPod(name: string, namespace?: string): Promise<Pod | undefined>;
  /** Every pod in the store. */
  pods(): Promise<Pod[]>;
  /** node name → pods bound there. */
  placement(): Promise<Map<string, Pod[]>>;
  stop(): Promise<void>;
}

export async function startHarness(options: Partial<SchedulerOptions> = {}): Promise<Harness> {
  const clock = new FakeClock(Date.parse('2024-05-01T10:00:00Z'));
  const store = new MemoryStore({ now: () => new Date(clock.now()), bufferSize: 100_000 });
  const informers = new InformerFactory(store);
  const events = new FakeEventSink();
  const scheduler = new Scheduler({ store, informers, events, clock, random: seededRandom(42), ...options });
  await scheduler.start();
  const pods = async (): Promise<Pod[]> => (await store.list('pods')).items as Pod[];
  return {
    store,
    clock,
    events,
    scheduler,
    informers,
    createNode: async (node) => void (await store.create('nodes', node)),
    createPod: async (pod) => void (await store.create('pods', { ...pod, metadata: { ...pod.metadata, uid: undefined } })),
    getPod: async (name, namespace = 'default') => (await store.get({ resource: 'pods', namespace, name })) as Pod | undefined,
    pods,
    async placement() {
      const out = new Map<string, Pod[]>();
      for (const p of await pods()) {
        const node = p.spec.nodeName;
        if (!node) continue;
        let list = out.get(node);
        if (!list) out.set(node, (list = []));
        list.push(p);
      }
      return out;
    },
    async stop() {
      await scheduler.stop();
      informers.stop();
      await store.close();
    },
  };
}
