// The DaemonSet controller on a simulated fleet: exactly one pod per matching node, following
// label changes, joins and taints; rolling updates within maxUnavailable / maxSurge at every pod
// event; 10 % of the fleet going silent mid-rollout does not stall it and converges on return.

import type { Node, Pod } from '../../../shared/api/core';
import type { DaemonSet } from '../../../shared/api/workloads';
import { daemonSetManifest } from '../fake/objects';
import { SimFleet } from '../fake/sim-fleet';
import { NODES_UNREACHABLE } from './status';

const ref = { resource: 'daemonsets.apps', namespace: 'default', name: 'agent' };

async function ds(f: SimFleet): Promise<DaemonSet> {
  return (await f.store.get(ref)) as DaemonSet;
}

async function livePods(f: SimFleet): Promise<Pod[]> {
  return ((await f.store.list('pods')).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp);
}

async function setNodeLabel(f: SimFleet, node: string, key: string, value: string | undefined): Promise<void> {
  await f.store.guaranteedUpdate({ resource: 'nodes', name: node }, (cur) => {
    const labels = { ...(cur.metadata.labels ?? {}) };
    if (value === undefined) delete labels[key];
    else labels[key] = value;
    return { ...cur, metadata: { ...cur.metadata, labels } };
  });
}

async function setImage(f: SimFleet, image: string): Promise<void> {
  await f.store.guaranteedUpdate(ref, (cur) => {
    const d = cur as DaemonSet;
    return { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers: [{ name: 'app', image }] } } } };
  });
}

async function rolledOut(f: SimFleet): Promise<boolean> {
  const d = await ds(f);
  const s = d.status;
  return !!s && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) && s.updatedNumberScheduled === s.desiredNumberScheduled && s.numberAvailable === s.desiredNumberScheduled;
}

/** Tracks, at every pod event, how many reachable target nodes lack an available pod of the current image. */
async function watchAvailability(f: SimFleet, nodes: readonly string[]): Promise<{ maxDown: () => number; stop(): void }> {
  const pods = new Map<string, Pod>();
  const listed = await f.store.list('pods');
  for (const p of listed.items) pods.set(p.metadata.name ?? '', p as Pod);
  let maxDown = 0;
  const stop = f.store.watch({ resource: 'pods', resourceVersion: listed.resourceVersion }, (e) => {
    if (e.type === 'DELETED') pods.delete(e.object.metadata.name ?? '');
    else pods.set(e.object.metadata.name ?? '', e.object as Pod);
    const up = new Set<string>();
    for (const p of pods.values()) {
      if (p.metadata.deletionTimestamp || !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      up.add(p.spec.nodeName ?? '');
    }
    const reachable = nodes.filter((n) => !f.kubelet.isOffline(n));
    maxDown = Math.max(maxDown, reachable.filter((n) => !up.has(n)).length);
  });
  return { maxDown: () => maxDown, stop };
}

describe('DaemonSet controller', () => {
  let f: SimFleet;

  beforeEach(async () => {
    f = new SimFleet();
    await f.start();
  });

  afterEach(async () => {
    await f.stop();
  });

  it('runs exactly one pod on every node with a camera, bound at creation, and follows labels and joins', async () => {
    const cams = await f.addNodes(4, 'cam', { labels: { 'flotilla.io/camera': 'true' } });
    await f.addNodes(6, 'plain');
    await f.store.create('daemonsets.apps', daemonSetManifest('agent', { nodeSelector: { 'flotilla.io/camera': 'true' } }));
    await f.until(() => rolledOut(f), 'running on cameras');
    const onNodes = async () => (await livePods(f)).map((p) => p.spec.nodeName).sort();
    expect(await onNodes()).toEqual(cams);
    const pod = (await livePods(f))[0];
    expect(pod?.spec.tolerations).toEqual(expect.arrayContaining([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }, { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }]));
    expect(pod?.metadata.labels?.['controller-revision-hash']).toMatch(/^\w+$/);
    expect((await ds(f)).status).toMatchObject({ desiredNumberScheduled: 4, currentNumberScheduled: 4, numberReady: 4, numberAvailable: 4, updatedNumberScheduled: 4, numberMisscheduled: 0, numberUnavailable: 0 });

    await setNodeLabel(f, 'plain-0', 'flotilla.io/camera', 'true');
    await setNodeLabel(f, 'cam-3', 'flotilla.io/camera', undefined);
    await f.kubelet.addNode('cam-new', { labels: { 'flotilla.io/camera': 'true' } });
    await f.until(async () => (await onNodes()).join() === ['cam-0', 'cam-1', 'cam-2', 'cam-new', 'plain-0'].join() && (await rolledOut(f)), 'followed labels and the join');
    expect((await ds(f)).status?.desiredNumberScheduled).toBe(5);
  });

  it('respects taints it does not tolerate, but runs on cordoned nodes', async () => {
    await f.addNodes(2, 'ok');
    await f.kubelet.addNode('gpu', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    await f.kubelet.addNode('cordoned', { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] });
    await f.store.create('daemonsets.apps', daemonSetManifest('agent'));
    await f.until(() => rolledOut(f), 'rolled out');
    expect((await livePods(f)).map((p) => p.spec.nodeName).sort()).toEqual(['cordoned', 'ok-0', 'ok-1']);
    await f.store.guaranteedUpdate(ref, (cur) => {
      const d = cur as DaemonSet;
      return { ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } } } };
    });
    await f.until(async () => (await livePods(f)).some((p) => p.spec.nodeName === 'gpu') && (await rolledOut(f)), 'tolerated');
  });

  it.each([
    { maxUnavailable: 2 as number | string, maxSurge: 0 as number | string, budget: 2 },
    { maxUnavailable: '20%', maxSurge: 0, budget: 2 },
    { maxUnavailable: 0, maxSurge: 1, budget: 0 },
  ])('rolls a new image over 10 nodes within maxUnavailable $maxUnavailable / maxSurge $maxSurge at every pod event', async ({ maxUnavailable, maxSurge, budget }) => {
    const nodes = await f.addNodes(10);
    await f.store.create('daemonsets.apps', daemonSetManifest('agent', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable, maxSurge } } } }));
    await f.until(() => rolledOut(f), 'first rollout');
    const hashBefore = (await livePods(f))[0]?.metadata.labels?.['controller-revision-hash'];
    const w = await watchAvailability(f, nodes);
    await setImage(f, 'registry.local/agent:v2');
    await f.until(async () => (await rolledOut(f)) && (await livePods(f)).every((p) => p.spec.containers[0]?.image === 'registry.local/agent:v2'), 'rolled to v2');
    w.stop();
    expect(w.maxDown()).toBeLessThanOrEqual(budget);
    if (budget > 0) expect(w.maxDown()).toBe(budget);
    const pods = await livePods(f);
    expect(pods).toHaveLength(10);
    expect(new Set(pods.map((p) => p.metadata.labels?.['controller-revision-hash']))).toEqual(new Set([expect.not.stringMatching(hashBefore ?? '')]));
  });

  it('finishes a rollout while 10 % of the fleet is silent, and updates those devices when they return', async () => {
    const nodes = await f.addNodes(20);
    await f.store.create('daemonsets.apps', daemonSetManifest('agent', { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } } } }));
    await f.until(() => rolledOut(f), 'first rollout');
    await setImage(f, 'registry.local/agent:v2');
    await f.advance(500);
    // Two devices that still run v1 go silent mid-rollout.
    const stale = (await livePods(f)).filter((p) => p.spec.containers[0]?.image === 'registry.local/agent:v1').map((p) => p.spec.nodeName ?? '').sort().slice(-2);
    expect(stale).toHaveLength(2);
    for (const n of stale) await f.kubelet.setOffline(n, true);
    await f.until(() => rolledOut(f), 'rolled out on the reachable 18');
    const d = await ds(f);
    expect(d.status).toMatchObject({ desiredNumberScheduled: 18, updatedNumberScheduled: 18, numberAvailable: 18, numberUnavailable: 0 });
    const cond = d.status?.conditions?.find((c) => c.type === NODES_UNREACHABLE);
    expect(cond?.status).toBe('True');
    expect(cond?.message).toContain(`2 eligible node(s) cannot be reached`);
    expect(cond?.message).toContain(stale.join(', '));
    // Their v1 pods were left alone while they were silent.
    for (const n of stale) expect((await livePods(f)).find((p) => p.spec.nodeName === n)?.spec.containers[0]?.image).toBe('registry.local/agent:v1');
    for (const n of stale) await f.kubelet.setOffline(n, false);
    await f.until(async () => (await rolledOut(f)) && (await ds(f)).status?.desiredNumberScheduled === 20 && (await livePods(f)).every((p) => p.spec.containers[0]?.image === 'registry.local/agent:v2'), 'converged');
    expect((await ds(f)).status?.conditions?.some((c) => c.type === NODES_UNREACHABLE) ?? false).toBe(false);
    expect(nodes).toHaveLength(20);
  });

  it('replaces a failed daemon pod', async () => {
    await f.stop();
    let doomed: string | undefined;
    f = new SimFleet({
      outcome: (p) => {
        if (p.spec.nodeName === 'node-0') doomed ??= p.metadata.name;
        return p.metadata.name === doomed ? 'fail' : 'run';
      },
      runMs: 1000,
    });
    await f.start();
    await f.addNodes(2);
    await f.store.create('daemonsets.apps', daemonSetManifest('agent'));
    await f.until(async () => f.events.events.some((e) => e.reason === 'FailedDaemonPod'), 'failure seen');
    await f.until(() => rolledOut(f), 'replaced');
    expect((await livePods(f)).filter((p) => p.status?.phase === 'Running')).toHaveLength(2);
  });
});

export type { Node };
