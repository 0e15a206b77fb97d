// DaemonSet revision history on a simulated fleet: one ControllerRevision per template, the old one
// renumbered when its template comes back, kubectl's undo (the revision's data as a strategic merge
// patch) rolling pods back, and the history limit sparing revisions that live pods still use.

import type { Pod } from '../../../shared/api/core';
import { strategicMergePatch } from '../../../shared/api/patch';
import type { ControllerRevision, DaemonSet } from '../../../shared/api/workloads';
import { MemoryStore } from '../../store/fake/memory-store';
import { daemonSetManifest } from '../fake/objects';
import { SimFleet } from '../fake/sim-fleet';
import { constructHistory, REVISIONS, revisionData, revisionMatches } from './history';

const ref = { resource: 'daemonsets.apps', namespace: 'default', name: 'agent' };
const image = (tag: string) => `registry.local/agent:${tag}`;

async function ds(f: { store: { get: SimFleet['store']['get'] } }): Promise<DaemonSet> {
  return (await f.store.get(ref)) as DaemonSet;
}

async function revisions(f: SimFleet): Promise<ControllerRevision[]> {
  return ((await f.store.list(REVISIONS)).items as ControllerRevision[]).sort((a, b) => a.revision - b.revision);
}

/** Revision number → the image its data restores. */
async function history(f: SimFleet): Promise<Record<number, string | undefined>> {
  const out: Record<number, string | undefined> = {};
  for (const r of await revisions(f)) {
    const template = (r.data?.spec as { template?: DaemonSet['spec']['template'] } | undefined)?.template;
    out[r.revision] = template?.spec.containers[0]?.image;
  }
  return out;
}

async function livePods(f: SimFleet): Promise<Pod[]> {
  return ((await f.store.list('pods')).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp);
}

async function setImage(f: SimFleet, tag: string): Promise<void> {
  await f.store.guaranteedUpdate(ref, (cur) => {
    const d = cur as DaemonSet;
    return { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers: [{ name: 'app', image: image(tag) }] } } } };
  });
}

/** What `kubectl rollout undo` does: PATCH the DaemonSet with the revision's data (strategic merge). */
async function undo(f: SimFleet, toRevision: number): Promise<void> {
  const target = (await revisions(f)).find((r) => r.revision === toRevision);
  if (!target) throw new Error(`no revision ${toRevision}`);
  await f.store.guaranteedUpdate(ref, (cur) => strategicMergePatch(cur, target.data));
}

async function rolledOutOn(f: SimFleet, tag: string): Promise<boolean> {
  const d = await ds(f);
  const s = d.status;
  const settled = !!s && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) && s.updatedNumberScheduled === s.desiredNumberScheduled && s.numberAvailable === s.desiredNumberScheduled;
  return settled && (await livePods(f)).every((p) => p.spec.containers[0]?.image === image(tag));
}

describe('DaemonSet revision history', () => {
  let f: SimFleet;

  beforeEach(async () => {
    f = new SimFleet({ noBinder: true });
    await f.start();
    await f.addNodes(3);
  });

  afterEach(async () => {
    await f.stop();
  });

  it('keeps one revision per template, labelled and owned like Kubernetes, whose hash the pods carry', async () => {
    await f.store.create('daemonsets.apps', daemonSetManifest('agent'));
    await f.until(() => rolledOutOn(f, 'v1'), 'v1 rolled out');
    await setImage(f, 'v2');
    await f.until(() => rolledOutOn(f, 'v2'), 'v2 rolled out');
    expect(await history(f)).toEqual({ 1: image('v1'), 2: image('v2') });
    const [, cur] = await revisions(f);
    const d = await ds(f);
    const hash = cur?.metadata.labels?.['controller-revision-hash'] ?? '';
    expect(cur?.metadata.name).toBe(`agent-${hash}`);
    expect(cur?.metadata.labels).toEqual({ app: 'agent', 'controller-revision-hash': hash });
    expect(cur?.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    const containers = d.spec.template.spec.containers.map((c) => ({ ...c, resources: {} }));
    expect(cur?.data).toEqual({ spec: { template: { metadata: { creationTimestamp: null, ...d.spec.template.metadata }, spec: { ...d.spec.template.spec, containers }, $patch: 'replace' } } });
    expect(Object.keys((cur?.data?.spec as { template: object }).template)).toEqual(['$patch', 'metadata', 'spec']);
    expect(cur && revisionMatches(d, cur)).toBe(true);
    expect(new Set((await livePods(f)).map((p) => p.metadata.labels?.['controller-revision-hash']))).toEqual(new Set([hash]));
  });

  it('renumbers the old revision (no new one) when its template comes back, and the pods take its hash', async () => {
    await f.store.create('daemonsets.apps', daemonSetManifest('agent'));
    await f.until(() => rolledOutOn(f, 'v1'), 'v1 rolled out');
    const v1 = (await revisions(f))[0];
    await setImage(f, 'v2');
    await f.until(() => rolledOutOn(f, 'v2'), 'v2 rolled out');
    await setImage(f, 'v1');
    await f.until(() => rolledOutOn(f, 'v1'), 'back on v1');
    expect(await history(f)).toEqual({ 2: image('v2'), 3: image('v1') });
    const back = (await revisions(f)).find((r) => r.revision === 3);
    expect(back?.metadata.name).toBe(v1?.metadata.name);
    expect(back?.metadata.uid).toBe(v1?.metadata.uid);
    expect(new Set((await livePods(f)).map((p) => p.metadata.labels?.['controller-revision-hash']))).toEqual(new Set([v1?.metadata.labels?.['controller-revision-hash']]));
  });

  it('rolls back with the revision data as kubectl rollout undo does, to the previous and to a given revision', async () => {
    await f.store.create('daemonsets.apps', daemonSetManifest('agent', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%' } } } }));
    await f.until(() => rolledOutOn(f, 'v1'), 'v1 rolled out');
    await setImage(f, 'v2');
    await f.until(() => rolledOutOn(f, 'v2'), 'v2 rolled out');
    await undo(f, 1);
    await f.until(() => rolledOutOn(f, 'v1'), 'undone to v1');
    expect(await history(f)).toEqual({ 2: image('v2'), 3: image('v1') });
    await undo(f, 2);
    await f.until(() => rolledOutOn(f, 'v2'), 'undone to revision 2');
    expect(await history(f)).toEqual({ 3: image('v1'), 4: image('v2') });
    // The patch replaced the template whole and left the rest of the DaemonSet alone.
    const d = await ds(f);
    expect(d.spec.template.metadata).toEqual({ labels: { app: 'agent' } });
    expect(d.spec.updateStrategy?.rollingUpdate?.maxUnavailable).toBe('50%');
  });

  it.each([
    { limit: 0, kept: { 4: image('v4') } },
    { limit: 1, kept: { 3: image('v3'), 4: image('v4') } },
    { limit: 2, kept: { 2: image('v2'), 3: image('v3'), 4: image('v4') } },
  ])('keeps revisionHistoryLimit $limit old revisions', async ({ limit, kept }) => {
    await f.store.create('daemonsets.apps', daemonSetManifest('agent', { spec: { revisionHistoryLimit: limit } }));
    await f.until(() => rolledOutOn(f, 'v1'), 'v1 rolled out');
    for (const tag of ['v2', 'v3', 'v4']) {
      await setImage(f, tag);
      await f.until(() => rolledOutOn(f, tag), `${tag} rolled out`);
    }
    await f.settle();
    expect(await history(f)).toEqual(kept);
  });

  it('spares an old revision that a pod on a silent device still runs', async () => {
    await f.store.create('daemonsets.apps', daemonSetManifest('agent', { spec: { revisionHistoryLimit: 0 } }));
    await f.until(() => rolledOutOn(f, 'v1'), 'v1 rolled out');
    await f.kubelet.setOffline('node-2', true);
    for (const tag of ['v2', 'v3']) {
      await setImage(f, tag);
      await f.until(async () => (await livePods(f)).filter((p) => p.spec.containers[0]?.image === image(tag)).length === 2, `${tag} on the reachable nodes`);
    }
    await f.settle();
    expect(await history(f)).toEqual({ 1: image('v1'), 3: image('v3') });
    await f.kubelet.setOffline('node-2', false);
    await f.until(() => rolledOutOn(f, 'v3'), 'v3 everywhere');
    await f.settle();
    expect(await history(f)).toEqual({ 3: image('v3') });
  });
});

describe('constructHistory', () => {
  const store = () => new MemoryStore({ now: () => new Date('2025-06-01T12:00:00Z') });

  it('adopts a matching orphan, merges duplicates of the current template into the newest, and relabels pods', async () => {
    const s = store();
    const d = (await s.create('daemonsets.apps', daemonSetManifest('agent'))) as DaemonSet;
    const rev = (name: string, revision: number, owned: boolean): ControllerRevision => ({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name, namespace: 'default', labels: { app: 'agent', 'controller-revision-hash': name }, ...(owned ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: d.metadata.uid ?? '', controller: true }] } : {}) },
      data: revisionData(d.spec.template),
      revision,
    });
    const a = (await s.create(REVISIONS, rev('agent-a', 4, true))) as ControllerRevision;
    const b = (await s.create(REVISIONS, rev('agent-b', 2, false))) as ControllerRevision;
    const pod = (await s.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'agent-x', namespace: 'default', labels: { app: 'agent', 'controller-revision-hash': 'agent-b' } }, spec: { containers: [{ name: 'app', image: image('v1') }] } })) as Pod;
    const { cur, old } = await constructHistory({ ds: d, store: s, owned: [a], orphans: [b], pods: [pod] });
    expect(cur.metadata.name).toBe('agent-a');
    expect(old).toEqual([]);
    expect(((await s.list(REVISIONS)).items as ControllerRevision[]).map((r) => r.metadata.name)).toEqual(['agent-a']);
    expect(((await s.get({ resource: 'pods', namespace: 'default', name: 'agent-x' })) as Pod).metadata.labels?.['controller-revision-hash']).toBe('agent-a');
  });

  it('counts a hash collision with a different template and fails, so the retry hashes anew', async () => {
    const s = store();
    const d = (await s.create('daemonsets.apps', daemonSetManifest('agent'))) as DaemonSet;
    const first = await constructHistory({ ds: d, store: s, owned: [], orphans: [], pods: [] });
    // Someone else's revision squats the name the current template hashes to.
    await s.delete({ resource: REVISIONS, namespace: 'default', name: first.cur.metadata.name ?? '' });
    await s.create(REVISIONS, { ...first.cur, metadata: { name: first.cur.metadata.name, namespace: 'default' }, data: { spec: {} } } as ControllerRevision);
    await expect(constructHistory({ ds: d, store: s, owned: [], orphans: [], pods: [] })).rejects.toMatchObject({ code: 'AlreadyExists' });
    const bumped = await ds({ store: s });
    expect(bumped.status?.collisionCount).toBe(1);
    const again = await constructHistory({ ds: bumped, store: s, owned: [], orphans: [], pods: [] });
    expect(again.cur.metadata.name).not.toBe(first.cur.metadata.name);
    expect(again.cur.revision).toBe(1);
  });
});
