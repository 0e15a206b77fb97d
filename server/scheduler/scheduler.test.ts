// The scheduler over a MemoryStore and informers: placement, capacity, spreading, events, conditions and retries.

import type { Pod } from '../../shared/api/core';
import { FlotillaError } from '../../shared/errors';
import { bindPod } from '../api/binding';
import { makeNode, makePod, type NodeOptions } from './fake/builders';
import { startHarness, type Harness } from './fake/harness';
import { podRequests, resourceFromList } from './framework/resources';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const SIZES: NodeOptions[] = [
  { cpu: '1', memory: '1Gi' },
  { cpu: '2', memory: '2Gi' },
  { cpu: '4', memory: '4Gi' },
];

/** 50 nodes of mixed sizes, three zones. */
async function mixedNodes(harness: Harness): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await harness.createNode(makeNode(`pi-${i}`, { ...SIZES[i % 3], labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}` } }));
  }
}

/** Fails if any node holds more than its allocatable of cpu, memory or pods. */
async function expectWithinCapacity(harness: Harness): Promise<void> {
  const nodes = new Map((await harness.store.list('nodes')).items.map((n) => [n.metadata.name ?? '', resourceFromList((n.status as { allocatable: Record<string, string> }).allocatable)]));
  for (const [node, pods] of await harness.placement()) {
    const alloc = nodes.get(node);
    if (!alloc) throw new Error(`pods on unknown node ${node}`);
    const cpu = pods.reduce((s, p) => s + podRequests(p.spec).milliCpu, 0);
    const memory = pods.reduce((s, p) => s + podRequests(p.spec).memory, 0);
    expect({ node, cpu: cpu <= alloc.milliCpu, memory: memory <= alloc.memory, pods: pods.length <= alloc.pods }).toEqual({ node, cpu: true, memory: true, pods: true });
  }
}

describe('Scheduler over a store and informers', () => {
  test('a 200-replica workload lands on 50 mixed nodes within capacity and evenly spread', async () => {
    h = await startHarness();
    await mixedNodes(h);
    for (let i = 0; i < 200; i++) await h.createPod(makePod(`web-${i}`, { owner: 'web-rs', labels: { app: 'web' }, cpu: '100m', memory: '128Mi' }));
    await h.scheduler.whenIdle();
    const pods = await h.pods();
    expect(pods.filter((p) => !p.spec.nodeName)).toEqual([]);
    await expectWithinCapacity(h);
    const counts = [...(await h.placement()).values()].map((p) => p.length);
    expect(counts).toHaveLength(50);
    // 4 per node on average; the default spreading (maxSkew 3 per hostname) keeps it even.
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(3);
    expect(h.events.events.filter((e) => e.reason === 'Scheduled')).toHaveLength(200);
    const bound = pods.find((p) => p.metadata.name === 'web-7');
    expect(h.events.events).toContainEqual(expect.objectContaining({ type: 'Normal', reason: 'Scheduled', message: `Successfully assigned default/web-7 to ${bound?.spec.nodeName ?? '?'}` }));
    expect(bound?.status?.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'True' })]);
  });

  test('pods that nearly fill 50 mixed nodes are packed without over-committing any', async () => {
    h = await startHarness();
    await mixedNodes(h);
    // Capacity for 500m/512Mi pods: 17×2 + 17×4 + 16×8 = 230; ask for 240.
    for (let i = 0; i < 240; i++) await h.createPod(makePod(`big-${i}`, { cpu: '500m', memory: '512Mi' }));
    await h.scheduler.whenIdle();
    await expectWithinCapacity(h);
    const pending = (await h.pods()).filter((p) => !p.spec.nodeName);
    expect(pending).toHaveLength(10);
    expect(pending[0]?.status?.conditions?.[0]).toMatchObject({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/50 nodes are available: 50 Insufficient cpu, 50 Insufficient memory.' });
  });

  test('an unschedulable pod gets FailedScheduling in Kubernetes wording and is bound when a fitting node joins', async () => {
    h = await startHarness();
    for (let i = 1; i <= 3; i++) await h.createNode(makeNode(`pi-${i}`, { memory: '512Mi', labels: { camera: 'yes' } }));
    for (let i = 4; i <= 5; i++) await h.createNode(makeNode(`pi-${i}`, { memory: '8Gi' }));
    await h.createPod(makePod('web-1', { memory: '1Gi', spec: { nodeSelector: { camera: 'yes' } } }));
    await h.scheduler.whenIdle();
    const message = "0/5 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 3 Insufficient memory.";
    expect(h.events.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'FailedScheduling', message })]);
    expect((await h.getPod('web-1'))?.status?.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message })]);
    expect(h.scheduler.queue.stats().unschedulable).toBe(1);

    // A node that changes nothing for this pod (a heartbeat) leaves it parked.
    const pi4 = await h.store.get({ resource: 'nodes', name: 'pi-4' });
    if (!pi4) throw new Error('pi-4 missing');
    await h.store.update('nodes', { ...pi4, status: { ...(pi4.status as object), conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2024-05-01T10:00:10Z' }] } });
    expect(h.scheduler.queue.stats().unschedulable).toBe(1);

    await h.createNode(makeNode('pi-6', { memory: '2Gi', labels: { camera: 'yes' } }));
    await h.scheduler.whenIdle();
    expect((await h.getPod('web-1'))?.spec.nodeName).toBeUndefined(); // still in its 1 s backoff
    h.clock.advance(1000);
    await h.scheduler.whenIdle();
    const pod = await h.getPod('web-1');
    expect(pod?.spec.nodeName).toBe('pi-6');
    expect(pod?.status?.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'True' })]);
    expect(h.events.events.at(-1)).toMatchObject({ type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/web-1 to pi-6' });
  });

  test('a parked pod is retried when a pod on a full node is deleted', async () => {
    h = await startHarness();
    await h.createNode(makeNode('pi-1', { cpu: '1' }));
    await h.createPod(makePod('a', { cpu: '800m' }));
    await h.createPod(makePod('b', { cpu: '800m' }));
    await h.scheduler.whenIdle();
    const [first, second] = [await h.getPod('a'), await h.getPod('b')];
    const waiting = first?.spec.nodeName ? 'b' : 'a';
    expect([first?.spec.nodeName, second?.spec.nodeName].filter(Boolean)).toEqual(['pi-1']);
    await h.store.delete({ resource: 'pods', namespace: 'default', name: waiting === 'a' ? 'b' : 'a' });
    h.clock.advance(1000);
    await h.scheduler.whenIdle();
    expect((await h.getPod(waiting))?.spec.nodeName).toBe('pi-1');
  });

  test('cordoned, NotReady, unreachable and tainted nodes are avoided', async () => {
    h = await startHarness();
    await h.createNode(makeNode('cordoned', { unschedulable: true }));
    await h.createNode(makeNode('not-ready', { ready: 'False' }));
    await h.createNode(makeNode('unreachable', { ready: 'Unknown', taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }] }));
    await h.createNode(makeNode('tainted', { taints: [{ key: 'dedicated', value: 'camera', effect: 'NoSchedule' }] }));
    await h.createNode(makeNode('healthy-1'));
    await h.createNode(makeNode('healthy-2'));
    for (let i = 0; i < 20; i++) await h.createPod(makePod(`p-${i}`, { cpu: '100m' }));
    await h.scheduler.whenIdle();
    expect([...(await h.placement()).keys()].sort()).toEqual(['healthy-1', 'healthy-2']);
  });

  test('the FailedScheduling message counts each kind of unusable node', async () => {
    h = await startHarness();
    await h.createNode(makeNode('cordoned', { unschedulable: true }));
    await h.createNode(makeNode('not-ready', { ready: 'False' }));
    await h.createNode(makeNode('tainted', { taints: [{ key: 'dedicated', value: 'camera', effect: 'NoSchedule' }] }));
    await h.createNode(makeNode('small', { cpu: '500m' }));
    await h.createPod(makePod('p', { cpu: '1' }));
    await h.scheduler.whenIdle();
    expect(h.events.events[0]?.message).toBe('0/4 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: camera}, 1 node(s) were not ready, 1 node(s) were unschedulable.');
  });

  test('pods for another scheduler are left alone', async () => {
    h = await startHarness();
    await h.createNode(makeNode('pi-1'));
    await h.createPod(makePod('mine'));
    await h.createPod(makePod('theirs', { spec: { schedulerName: 'other-scheduler' } }));
    await h.scheduler.whenIdle();
    expect((await h.getPod('mine'))?.spec.nodeName).toBe('pi-1');
    expect((await h.getPod('theirs'))?.spec.nodeName).toBeUndefined();
    expect(h.events.events.map((e) => e.ref.name)).toEqual(['mine']);
  });

  test('a failed binding is reported, forgotten from the cache and retried after backoff', async () => {
    let failures = 1;
    h = await startHarness({
      binder: async (pod, node) => {
        if (failures-- > 0) throw new FlotillaError('InternalError', 'store unavailable');
        if (!h) throw new Error('harness not started');
        return bindPod(h.store, { namespace: pod.metadata.namespace, name: pod.metadata.name ?? '' }, { nodeName: node, uid: pod.metadata.uid });
      },
    });
    await h.createNode(makeNode('pi-1', { cpu: '1' }));
    await h.createPod(makePod('p', { cpu: '1' }));
    await h.scheduler.whenIdle();
    expect(h.events.events).toEqual([expect.objectContaining({ reason: 'FailedScheduling', message: 'Binding rejected: store unavailable' })]);
    expect(h.scheduler.cache.get('pi-1')?.requested.milliCpu).toBe(0);
    h.clock.advance(1000);
    await h.scheduler.whenIdle();
    expect((await h.getPod('p'))?.spec.nodeName).toBe('pi-1');
  });
});
