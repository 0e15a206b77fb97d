// The garbage collector with the API's DELETE in front (propagationPolicy / orphanDependents) on a
// simulated fleet: background removes a Deployment's ReplicaSets and pods after it, foreground
// before it, orphan leaves them ownerless; dangling owners are dropped from survivors.

import type { KubeObject } from '../../../shared/api/types';
import { startTestApi, type TestApi } from '../../api/testing';
import { MemoryStore } from '../../store/fake/memory-store';
import { FakeClock } from '../../../shared/clock';
import { deploymentManifest } from '../fake/objects';
import { SIM_EPOCH, SimFleet } from '../fake/sim-fleet';

const DEPLOY = '/apis/apps/v1/namespaces/default/deployments/web';

describe('garbage collector', () => {
  let f: SimFleet;
  let api: TestApi;

  beforeEach(async () => {
    const clock = new FakeClock(SIM_EPOCH);
    const store = new MemoryStore({ now: () => new Date(clock.now()) });
    api = await startTestApi({ store });
    f = new SimFleet({ clock, store });
    await f.start();
    await f.addNodes(3);
    await f.store.create('deployments.apps', deploymentManifest('web', { replicas: 4 }));
    await f.until(async () => (await count(f, 'pods')) === 4 && (await f.store.list('pods')).items.every((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running'), 'running');
  });

  afterEach(async () => {
    await f.stop();
    await api.close();
  });

  async function count(fleet: SimFleet, resource: string): Promise<number> {
    return (await fleet.store.list(resource, { namespace: 'default' })).items.length;
  }

  it('background (the default): the Deployment goes at once, then its ReplicaSets, then its pods', async () => {
    const res = await api.call('DELETE', DEPLOY);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('Success');
    expect(await f.store.get({ resource: 'deployments.apps', namespace: 'default', name: 'web' })).toBeUndefined();
    await f.until(async () => (await count(f, 'replicasets.apps')) === 0 && (await count(f, 'pods')) === 0, 'all gone');
  });

  it('foreground: the Deployment stays, marked, until its ReplicaSets and pods are gone', async () => {
    const res = await api.call('DELETE', `${DEPLOY}?propagationPolicy=Foreground`);
    expect(res.status).toBe(200);
    expect((res.body.metadata as KubeObject['metadata']).finalizers).toEqual(['foregroundDeletion']);
    await f.settle();
    const marked = await f.store.get({ resource: 'deployments.apps', namespace: 'default', name: 'web' });
    expect(marked?.metadata.deletionTimestamp).toBeDefined();
    // Pods are Terminating (their kubelet has not stopped them yet): the owner waits.
    expect(await count(f, 'pods')).toBe(4);
    await f.until(async () => !(await f.store.get({ resource: 'deployments.apps', namespace: 'default', name: 'web' })), 'deployment gone');
    expect(await count(f, 'replicasets.apps')).toBe(0);
    expect(await count(f, 'pods')).toBe(0);
  });

  it.each([
    ['propagationPolicy=Orphan', `${DEPLOY}?propagationPolicy=Orphan`],
    ['orphanDependents=true (deprecated)', `${DEPLOY}?orphanDependents=true`],
  ])('%s: the ReplicaSets and pods stay, no longer owned', async (_name, path) => {
    const rsUid = (await f.store.list('replicasets.apps')).items[0]?.metadata.uid;
    expect((await api.call('DELETE', path)).status).toBe(200);
    await f.until(async () => !(await f.store.get({ resource: 'deployments.apps', namespace: 'default', name: 'web' })), 'deployment gone');
    await f.advance(5000);
    const rss = (await f.store.list('replicasets.apps')).items;
    expect(rss.map((r) => r.metadata.uid)).toEqual([rsUid]);
    expect(rss[0]?.metadata.ownerReferences).toBeUndefined();
    const pods = (await f.store.list('pods')).items;
    expect(pods).toHaveLength(4);
    expect(pods.every((p) => p.metadata.ownerReferences?.[0]?.uid === rsUid)).toBe(true);
  });

  it('refuses orphanDependents together with propagationPolicy (422)', async () => {
    const res = await api.call('DELETE', `${DEPLOY}?orphanDependents=true&propagationPolicy=Foreground`);
    expect(res.status).toBe(422);
    expect(String(res.body.message)).toContain('orphanDependents and deletionPropagation cannot be both set');
  });

  it('drops a dangling owner from a pod that still has another owner, and deletes one that has none left', async () => {
    await f.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner-a', namespace: 'default' } });
    await f.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner-b', namespace: 'default' } });
    const a = await f.store.get({ resource: 'configmaps', namespace: 'default', name: 'owner-a' });
    const b = await f.store.get({ resource: 'configmaps', namespace: 'default', name: 'owner-b' });
    const ownerRef = (o: KubeObject | undefined) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o?.metadata.name ?? '', uid: o?.metadata.uid ?? '' });
    await f.store.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shared', namespace: 'default', ownerReferences: [ownerRef(a), ownerRef(b)] } });
    await f.store.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'only-a', namespace: 'default', ownerReferences: [ownerRef(a)] } });
    await f.settle();
    expect((await api.call('DELETE', '/api/v1/namespaces/default/configmaps/owner-a')).status).toBe(200);
    await f.settle();
    expect(await f.store.get({ resource: 'secrets', namespace: 'default', name: 'only-a' })).toBeUndefined();
    const shared = await f.store.get({ resource: 'secrets', namespace: 'default', name: 'shared' });
    expect(shared?.metadata.ownerReferences).toEqual([ownerRef(b)]);
  });
});
