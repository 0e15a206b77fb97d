// The ReplicaSet controller on a simulated fleet: exact pod counts with owner references and no
// double creation while its writes are in flight, deletion order, adoption and release,
// minReadySeconds, and replacement of replicas lost on a silent device.

import type { Pod, Toleration } from '../../../shared/api/core';
import type { ReplicaSet } from '../../../shared/api/workloads';
import { MemoryStore } from '../../store/fake/memory-store';
import { FakeClock } from '../../../shared/clock';
import { LaggingStore } from '../fake/lagging-store';
import { SIM_EPOCH, SimFleet } from '../fake/sim-fleet';

const ref = { resource: 'replicasets.apps', namespace: 'default', name: 'rs' };

function rsManifest(replicas: number, extra: { minReadySeconds?: number; tolerations?: Toleration[] } = {}): ReplicaSet {
  const labels = { app: 'rs' };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'rs', namespace: 'default' },
    spec: { replicas, ...(extra.minReadySeconds ? { minReadySeconds: extra.minReadySeconds } : {}), selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'img' }], ...(extra.tolerations ? { tolerations: extra.tolerations } : {}) } } },
  };
}

async function pods(f: SimFleet): Promise<Pod[]> {
  return ((await f.store.list('pods', { namespace: 'default' })).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp);
}

async function rs(f: SimFleet): Promise<ReplicaSet> {
  return (await f.store.get(ref)) as ReplicaSet;
}

async function scaleTo(f: SimFleet, replicas: number): Promise<void> {
  await f.store.guaranteedUpdate(ref, (cur) => ({ ...cur, spec: { ...(cur.spec as object), replicas } }));
}

describe('ReplicaSet controller', () => {
  let f: SimFleet;

  beforeEach(async () => {
    f = new SimFleet({ controllers: ['replicaset'] });
    await f.start();
    await f.addNodes(4);
  });

  afterEach(async () => {
    await f.stop();
  });

  it('creates exactly spec.replicas owned pods once, even when its cache lags behind its own creates, and reports status', async () => {
    await f.stop();
    const clock = new FakeClock(SIM_EPOCH);
    f = new SimFleet({ controllers: ['replicaset'], clock, store: new LaggingStore(new MemoryStore({ now: () => new Date(clock.now()) })) });
    await f.start();
    await f.addNodes(4);
    let added = 0;
    const stop = f.store.watch({ resource: 'pods' }, (e) => {
      if (e.type === 'ADDED') added++;
    });
    const created = await f.store.create('replicasets.apps', rsManifest(60));
    // Updates to the ReplicaSet arrive while its creates are in flight: each triggers a sync.
    for (let i = 0; i < 20; i++) await f.store.guaranteedUpdate(ref, (cur) => ({ ...cur, metadata: { ...cur.metadata, annotations: { nudge: String(i) } } }));
    await f.until(async () => (await rs(f)).status?.availableReplicas === 60, 'all available');
    stop();
    expect(added).toBe(60);
    const all = await pods(f);
    expect(all).toHaveLength(60);
    for (const p of all) {
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(p.metadata.name).toMatch(/^rs-\w{5}$/);
      expect(p.metadata.labels).toEqual({ app: 'rs' });
    }
    expect((await rs(f)).status).toEqual({ replicas: 60, fullyLabeledReplicas: 60, readyReplicas: 60, availableReplicas: 60, observedGeneration: 1 });
    expect(f.events.events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(60);
  });

  it('deletes unscheduled and not-ready pods before running ones when scaling down', async () => {
    await f.store.create('replicasets.apps', rsManifest(3));
    await f.until(async () => (await rs(f)).status?.readyReplicas === 3, 'ready');
    await f.binder?.stop();
    await scaleTo(f, 5);
    await f.settle();
    const unbound = (await pods(f)).filter((p) => !p.spec.nodeName).map((p) => p.metadata.name);
    expect(unbound).toHaveLength(2);
    await scaleTo(f, 3);
    await f.settle();
    const left = await pods(f);
    expect(left).toHaveLength(3);
    expect(left.every((p) => p.spec.nodeName)).toBe(true);
  });

  it('adopts a matching orphan instead of creating, and releases a pod whose labels stop matching', async () => {
    await f.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', namespace: 'default', labels: { app: 'rs' } }, spec: { containers: [{ name: 'c', image: 'img' }] } });
    await f.store.create('replicasets.apps', rsManifest(2));
    await f.until(async () => (await rs(f)).status?.readyReplicas === 2, 'ready');
    const stray = (await f.store.get({ resource: 'pods', namespace: 'default', name: 'stray' })) as Pod;
    expect(stray.metadata.ownerReferences?.[0]?.name).toBe('rs');
    expect(await pods(f)).toHaveLength(2);
    await f.store.guaranteedUpdate({ resource: 'pods', namespace: 'default', name: 'stray' }, (cur) => ({ ...cur, metadata: { ...cur.metadata, labels: { app: 'debug' } } }));
    await f.until(async () => (await rs(f)).status?.readyReplicas === 2 && (await pods(f)).length === 3, 'replaced the released pod');
    const released = (await f.store.get({ resource: 'pods', namespace: 'default', name: 'stray' })) as Pod;
    expect(released.metadata.ownerReferences ?? []).toEqual([]);
  });

  it('counts a pod available only minReadySeconds after it became ready', async () => {
    await f.store.create('replicasets.apps', rsManifest(2, { minReadySeconds: 10 }));
    await f.until(async () => (await rs(f)).status?.readyReplicas === 2, 'ready');
    expect((await rs(f)).status?.availableReplicas).toBe(0);
    const waited = await f.until(async () => (await rs(f)).status?.availableReplicas === 2, 'available', 30_000, 500);
    expect(waited).toBeGreaterThanOrEqual(9_000);
  });

  it.each([
    { case: 'a ready pod stays on its silent device (no toleration)', tolerations: undefined, startedBeforeOutage: true, replacedAfterMs: undefined },
    { case: 'a ready pod marked NotReady at the outage (MarkPodsNotReady) stays and counts as it last reported', tolerations: undefined, startedBeforeOutage: true, replacedAfterMs: undefined, markPodsNotReady: true },
    { case: 'a pod that never started there is replaced at once', tolerations: undefined, startedBeforeOutage: false, replacedAfterMs: 0 },
    { case: 'unreachable:NoExecute for 60 s replaces even a ready pod after 60 s', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const, effect: 'NoExecute' as const, tolerationSeconds: 60 }], startedBeforeOutage: true, replacedAfterMs: 60_000 },
    { case: 'unreachable:NoExecute without seconds keeps even a pending pod', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const, effect: 'NoExecute' as const }], startedBeforeOutage: false, replacedAfterMs: undefined },
  ] as { case: string; tolerations: Toleration[] | undefined; startedBeforeOutage: boolean; replacedAfterMs: number | undefined; markPodsNotReady?: boolean }[])('silent device: $case', async ({ tolerations, startedBeforeOutage, replacedAfterMs, markPodsNotReady }) => {
    await f.store.create('replicasets.apps', rsManifest(4, tolerations ? { tolerations } : {}));
    if (startedBeforeOutage) await f.until(async () => (await rs(f)).status?.readyReplicas === 4, 'ready');
    else await f.settle();
    const victim = (await pods(f)).find((p) => p.spec.nodeName === 'node-0');
    expect(victim).toBeDefined();
    await f.kubelet.setOffline('node-0', true, { markPodsNotReady: markPodsNotReady === true });
    await f.advance(90_000, 1000);
    if (startedBeforeOutage && replacedAfterMs === undefined) expect((await rs(f)).status).toMatchObject({ replicas: 4, readyReplicas: 4, availableReplicas: 4 });
    const after = (await f.store.get({ resource: 'pods', namespace: 'default', name: victim?.metadata.name ?? '' })) as Pod | undefined;
    const onOthers = (await pods(f)).filter((p) => p.spec.nodeName !== 'node-0');
    if (replacedAfterMs === undefined) {
      expect(after?.metadata.deletionTimestamp).toBeUndefined();
      expect((await pods(f)).length).toBe(4);
    } else {
      expect(after?.metadata.deletionTimestamp).toBeDefined();
      expect(onOthers.length).toBe(4);
      expect(Date.parse(after?.metadata.deletionTimestamp ?? '') - Date.parse('2025-06-01T12:00:00Z')).toBeGreaterThanOrEqual(replacedAfterMs);
    }
    // The device returns: a Terminating pod is finished there, nothing is left over.
    await f.kubelet.setOffline('node-0', false, { markPodsNotReady: markPodsNotReady === true });
    await f.until(async () => (await f.store.list('pods')).items.length === 4 && (await rs(f)).status?.readyReplicas === 4, 'converged');
  });
});
