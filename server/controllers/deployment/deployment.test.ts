// The Deployment controller on a simulated fleet (FakeClock, no sleeps): rolling updates keep the
// live pod counts within maxSurge/maxUnavailable at every watch event, Recreate never overlaps
// versions, pause/resume, the progress deadline, revision history and rollback annotations.

import type { Pod } from '../../../shared/api/core';
import type { KubeObject } from '../../../shared/api/types';
import type { Deployment, ReplicaSet } from '../../../shared/api/workloads';
import { SimFleet } from '../fake/sim-fleet';
import { deploymentManifest } from '../fake/objects';
import { REVISION, REVISION_HISTORY } from './util';

const ref = { resource: 'deployments.apps', namespace: 'default', name: 'web' };

async function getDeployment(f: SimFleet): Promise<Deployment> {
  return (await f.store.get(ref)) as Deployment;
}

async function setImage(f: SimFleet, image: string): Promise<void> {
  await f.store.guaranteedUpdate(ref, (cur) => {
    const d = cur as Deployment;
    return { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers: [{ name: 'app', image }] } } } };
  });
}

async function patchSpec(f: SimFleet, spec: Partial<Deployment['spec']>): Promise<void> {
  await f.store.guaranteedUpdate(ref, (cur) => ({ ...cur, spec: { ...(cur.spec as object), ...spec } }));
}

async function rolledOut(f: SimFleet, image: string): Promise<boolean> {
  const d = await getDeployment(f);
  const s = d.status ?? {};
  const want = d.spec.replicas ?? 1;
  return d.spec.template.spec.containers[0]?.image === image && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) && s.updatedReplicas === want && (s.replicas ?? 0) === want && s.availableReplicas === want;
}

async function replicaSets(f: SimFleet): Promise<ReplicaSet[]> {
  return (await f.store.list('replicasets.apps', { namespace: 'default' })).items as ReplicaSet[];
}

/** Lists, then follows the pods of app=web on the store's watch, recording the extremes of the live counts. */
async function watchPods(f: SimFleet, app = 'web'): Promise<{ maxActive: number; minAvailable: number; images: () => Set<string>; maxVersionsLive: number; stop(): void }> {
  const pods = new Map<string, Pod>();
  const listed = await f.store.list('pods');
  for (const p of listed.items) if (p.metadata.labels?.app === app) pods.set(p.metadata.name ?? '', p as Pod);
  const stats = {
    maxActive: 0,
    minAvailable: Number.POSITIVE_INFINITY,
    maxVersionsLive: 0,
    images: () => new Set([...pods.values()].filter(live).map((p) => p.spec.containers[0]?.image ?? '')),
    stop: () => undefined as void,
  };
  const live = (p: Pod) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
  const stop = f.store.watch({ resource: 'pods', resourceVersion: listed.resourceVersion }, (e) => {
    const pod = e.object as Pod;
    if (pod.metadata.labels?.app !== app) return;
    const key = pod.metadata.name ?? '';
    if (e.type === 'DELETED') pods.delete(key);
    else pods.set(key, pod);
    const active = [...pods.values()].filter(live);
    const available = active.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    stats.maxActive = Math.max(stats.maxActive, active.length);
    stats.minAvailable = Math.min(stats.minAvailable, available.length);
    stats.maxVersionsLive = Math.max(stats.maxVersionsLive, new Set(active.map((p) => p.spec.containers[0]?.image)).size);
  });
  stats.stop = stop;
  return stats;
}

describe('Deployment controller', () => {
  let f: SimFleet;

  beforeEach(async () => {
    f = new SimFleet({ startDelayMs: 1000, stopDelayMs: 500 });
    await f.start();
    await f.addNodes(6);
  });

  afterEach(async () => {
    await f.stop();
  });

  it.each([
    { replicas: 10, maxSurge: '25%', maxUnavailable: '25%', surge: 3, unavailable: 2 },
    { replicas: 10, maxSurge: 0, maxUnavailable: 1, surge: 0, unavailable: 1 },
    { replicas: 10, maxSurge: 3, maxUnavailable: 0, surge: 3, unavailable: 0 },
    { replicas: 7, maxSurge: '50%', maxUnavailable: '0%', surge: 4, unavailable: 0 },
    { replicas: 5, maxSurge: '1%', maxUnavailable: '1%', surge: 1, unavailable: 0 },
  ])('rolls $replicas replicas to a new image within maxSurge $maxSurge / maxUnavailable $maxUnavailable at every pod event', async ({ replicas, maxSurge, maxUnavailable, surge, unavailable }) => {
    await f.store.create('deployments.apps', deploymentManifest('web', { replicas, spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } } }));
    await f.until(() => rolledOut(f, 'registry.local/app:v1'), 'first rollout');
    const w = await watchPods(f);
    await setImage(f, 'registry.local/app:v2');
    await f.until(() => rolledOut(f, 'registry.local/app:v2'), 'rolled to v2');
    w.stop();
    expect(w.maxActive).toBeLessThanOrEqual(replicas + surge);
    expect(w.minAvailable).toBeGreaterThanOrEqual(replicas - unavailable);
    // The budget was used, not ignored: the rollout surged or went below full strength.
    expect(w.maxActive > replicas || w.minAvailable < replicas).toBe(true);
    expect(w.images()).toEqual(new Set(['registry.local/app:v2']));
    const d = await getDeployment(f);
    expect(d.metadata.annotations?.[REVISION]).toBe('2');
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    expect(d.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    const rss = await replicaSets(f);
    expect(rss.map((rs) => [rs.metadata.annotations?.[REVISION], rs.spec.replicas]).sort()).toEqual([['1', 0], ['2', replicas]]);
    expect(f.events.events.some((e) => e.reason === 'ScalingReplicaSet' && /^Scaled (up|down) replica set web-\w+ from \d+ to \d+$/.test(e.message))).toBe(true);
  });

  it.each([
    ['keeps their pods\' last status', false],
    ['marks their pods NotReady (as Kubernetes does)', true],
  ])('finishes a rolling update when 10 %% of the devices go silent mid-rollout (node lifecycle %s), and converges when they return', async (_name, markPodsNotReady) => {
    await f.stop();
    f = new SimFleet({ startDelayMs: 1000, stopDelayMs: 500 });
    await f.start();
    const nodes = await f.addNodes(20);
    await f.store.create('deployments.apps', deploymentManifest('web', { replicas: 40, spec: { progressDeadlineSeconds: 60, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '10%', maxUnavailable: '10%' } } } }));
    await f.until(() => rolledOut(f, 'registry.local/app:v1'), 'first rollout');
    await setImage(f, 'registry.local/app:v2');
    await f.advance(1200);
    // Mid-rollout: two devices stop reporting. Some v2 pods there never start, v1 pods there keep running unseen.
    const silent = nodes.slice(0, 2);
    for (const n of silent) await f.kubelet.setOffline(n, true, { markPodsNotReady });
    const took = await f.until(() => rolledOut(f, 'registry.local/app:v2'), 'rolled out without the silent devices', 120_000, 500);
    expect(took).toBeLessThan(60_000);
    const d = await getDeployment(f);
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    const live = ((await f.store.list('pods')).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp);
    expect(live.every((p) => p.spec.containers[0]?.image === 'registry.local/app:v2')).toBe(true);
    for (const n of silent) await f.kubelet.setOffline(n, false, { markPodsNotReady });
    await f.until(async () => (await f.store.list('pods')).items.length === 40 && (await rolledOut(f, 'registry.local/app:v2')), 'Terminating pods finished on the returned devices');
  });

  it('Recreate stops every old pod before the first new one exists', async () => {
    await f.store.create('deployments.apps', deploymentManifest('web', { replicas: 4, spec: { strategy: { type: 'Recreate' } } }));
    await f.until(() => rolledOut(f, 'registry.local/app:v1'), 'first rollout');
    const w = await watchPods(f);
    await setImage(f, 'registry.local/app:v2');
    await f.until(() => rolledOut(f, 'registry.local/app:v2'), 'recreated');
    w.stop();
    expect(w.maxVersionsLive).toBe(1);
    expect(w.minAvailable).toBe(0);
    expect(w.images()).toEqual(new Set(['registry.local/app:v2']));
  });

  it('a paused Deployment scales but does not roll; resuming rolls it', async () => {
    await f.store.create('deployments.apps', deploymentManifest('web', { replicas: 3 }));
    await f.until(() => rolledOut(f, 'registry.local/app:v1'), 'first rollout');
    await patchSpec(f, { paused: true });
    await setImage(f, 'registry.local/app:v2');
    await patchSpec(f, { replicas: 5 });
    await f.advance(10_000);
    const paused = await getDeployment(f);
    expect(paused.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    expect(await replicaSets(f)).toHaveLength(1);
    expect(paused.status?.availableReplicas).toBe(5);
    expect(paused.status?.updatedReplicas ?? 0).toBe(0);
    await patchSpec(f, { paused: false });
    await f.until(() => rolledOut(f, 'registry.local/app:v2'), 'rolled after resume');
    expect(f.events.events.some((e) => e.reason === 'ScalingReplicaSet' && e.message.includes('from 3 to 5'))).toBe(true);
  });

  it('reports ProgressDeadlineExceeded when the new pods never start, and keeps the old ones', async () => {
    await f.stop();
    f = new SimFleet({ outcome: (p) => (p.spec.containers[0]?.image === 'registry.local/app:broken' ? 'hang' : 'run') });
    await f.start();
    await f.addNodes(3);
    await f.store.create('deployments.apps', deploymentManifest('web', { replicas: 4, spec: { progressDeadlineSeconds: 30 } }));
    await f.until(() => rolledOut(f, 'registry.local/app:v1'), 'first rollout');
    await setImage(f, 'registry.local/app:broken');
    const waited = await f.until(async () => (await getDeployment(f)).status?.conditions?.some((c) => c.reason === 'ProgressDeadlineExceeded') ?? false, 'deadline exceeded', 120_000, 1000);
    expect(waited).toBeGreaterThanOrEqual(30_000);
    const d = await getDeployment(f);
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', message: expect.stringMatching(/^ReplicaSet "web-\w+" has timed out progressing\.$/) });
    expect(d.status?.availableReplicas).toBe(3);
  });

  it('keeps revisionHistoryLimit old ReplicaSets and numbers revisions; rolling back reuses the old ReplicaSet', async () => {
    await f.store.create('deployments.apps', deploymentManifest('web', { replicas: 2, spec: { revisionHistoryLimit: 2 } }));
    await f.until(() => rolledOut(f, 'registry.local/app:v1'), 'v1');
    for (const v of ['v2', 'v3', 'v4']) {
      await setImage(f, `registry.local/app:${v}`);
      await f.until(() => rolledOut(f, `registry.local/app:${v}`), v);
    }
    let rss = await replicaSets(f);
    expect(rss.map((rs) => rs.metadata.annotations?.[REVISION]).sort()).toEqual(['2', '3', '4']);
    const v2 = rss.find((rs) => rs.metadata.annotations?.[REVISION] === '2');
    // What `kubectl rollout undo --to-revision=2` does: copy that ReplicaSet's template back.
    await setImage(f, 'registry.local/app:v2');
    await f.until(() => rolledOut(f, 'registry.local/app:v2'), 'back to v2');
    rss = await replicaSets(f);
    const reused = rss.find((rs) => rs.metadata.uid === v2?.metadata.uid);
    expect(reused?.metadata.annotations?.[REVISION]).toBe('5');
    expect(reused?.metadata.annotations?.[REVISION_HISTORY]).toBe('2');
    expect(reused?.spec.replicas).toBe(2);
    expect((await getDeployment(f)).metadata.annotations?.[REVISION]).toBe('5');
    expect(rss).toHaveLength(3);
  });

  it('scales a rollout in progress proportionally across old and new ReplicaSets', async () => {
    await f.stop();
    f = new SimFleet({ outcome: (p) => (p.spec.containers[0]?.image === 'registry.local/app:slow' ? 'hang' : 'run') });
    await f.start();
    await f.addNodes(3);
    await f.store.create('deployments.apps', deploymentManifest('web', { replicas: 10, spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } } }));
    await f.until(() => rolledOut(f, 'registry.local/app:v1'), 'v1');
    await setImage(f, 'registry.local/app:slow');
    await f.advance(5000);
    const before = (await replicaSets(f)).map((rs) => rs.spec.replicas ?? 0).sort((a, b) => a - b);
    expect(before).toEqual([5, 8]);
    await patchSpec(f, { replicas: 20 });
    await f.advance(2000);
    const after = (await replicaSets(f)).map((rs) => rs.spec.replicas ?? 0).sort((a, b) => a - b);
    // 13 → 23 (20 + maxSurge 3), shared 5:8 like Kubernetes does (9 and 14).
    expect(after.reduce((a, b) => a + b, 0)).toBe(23);
    expect(after).toEqual([9, 14]);
  });
});

export type { KubeObject };
