// The pod garbage collector: pods bound to a Node that no longer exists are force-deleted after the
// quarantine (so their ReplicaSet replaces them and they stop counting as replicas); pods whose
// Node exists, or is only missing from a lagging cache, are left alone.

import type { Pod } from '../../../shared/api/core';
import { deploymentManifest } from '../fake/objects';
import { SimFleet } from '../fake/sim-fleet';
import { QUARANTINE_MS } from './podgc';

const running = async (f: SimFleet): Promise<Pod[]> => ((await f.store.list('pods')).items as Pod[]).filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);

describe('pod GC', () => {
  let f: SimFleet;
  beforeEach(async () => {
    f = new SimFleet();
    await f.start();
    await f.addNodes(3);
  });
  afterEach(async () => {
    await f.stop();
  });

  it('force-deletes the pods of a deleted Node after the quarantine, and the Deployment replaces them', async () => {
    await f.store.create('deployments.apps', deploymentManifest('web', { replicas: 3 }));
    await f.until(async () => (await running(f)).length === 3, 'three running replicas');
    const ghost = (await running(f)).find((p) => p.spec.nodeName === 'node-0') ?? (await running(f))[0];
    const node = ghost?.spec.nodeName ?? '';
    // A pod in graceful deletion on that node (its device will never confirm) goes as well.
    await f.store.delete({ resource: 'nodes', name: node });
    await f.advance(QUARANTINE_MS - 1_000);
    expect((await f.store.list('pods')).items.some((p) => p.metadata.uid === ghost?.metadata.uid)).toBe(true);
    await f.until(async () => !(await f.store.list('pods')).items.some((p) => (p as Pod).spec.nodeName === node), `no pod left on deleted node ${node}`, 5_000);
    await f.until(async () => (await running(f)).length === 3, 'three running replicas again, on the remaining nodes');
    expect((await running(f)).every((p) => p.spec.nodeName !== node)).toBe(true);
  });

  it('deletes a pod in graceful deletion on a deleted Node (no device will ever confirm it)', async () => {
    await f.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'i' }] } });
    await f.until(async () => (await running(f)).length === 1, 'running');
    f.kubelet.stop(); // the device is gone: nobody finishes the graceful deletion
    await f.store.delete({ resource: 'pods', namespace: 'default', name: 'p' }, { gracePeriodSeconds: 30 });
    await f.store.delete({ resource: 'nodes', name: 'node-1' });
    await f.advance(QUARANTINE_MS + 1_000);
    expect(await f.store.get({ resource: 'pods', namespace: 'default', name: 'p' })).toBeUndefined();
  });

  it('leaves pods whose Node exists, and a pod bound to a Node that joins within the quarantine', async () => {
    await f.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'early', namespace: 'default' }, spec: { nodeName: 'late-node', containers: [{ name: 'c', image: 'i' }] } });
    await f.store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'here', namespace: 'default' }, spec: { nodeName: 'node-2', containers: [{ name: 'c', image: 'i' }] } });
    await f.advance(QUARANTINE_MS / 2);
    await f.kubelet.addNode('late-node');
    await f.advance(QUARANTINE_MS * 2);
    expect((await f.store.list('pods')).items.map((p) => p.metadata.name).sort()).toEqual(['early', 'here']);
  });
});
