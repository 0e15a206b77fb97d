import pino from 'pino';
import type { Pod } from '../../shared/api/core';
import { FakeClock } from '../../shared/clock';
import { FakeEventSink } from '../events/fake/fake-sink';
import { Informer } from '../informer/informer';
import { MemoryStore } from '../store/fake/memory-store';
import { evictionAfterSeconds, LEASE_RESOURCE, NodeLifecycleReconciler, podNodeName } from './lifecycle';
import { conditionOf, LEASE_NAMESPACE, microTime, taintsOf } from './node-object';

const GRACE = 50_000;
const start = Date.parse('2030-01-01T00:00:00Z');

async function setup() {
  const clock = new FakeClock(start);
  const store = new MemoryStore({ now: () => new Date(clock.now()) });
  const events = new FakeEventSink();
  const pods = new Informer(store, 'pods');
  pods.addIndex('nodeName', podNodeName);
  await pods.start();
  const r = new NodeLifecycleReconciler(store, { clock, gracePeriodMs: GRACE, events, logger: pino({ level: 'silent' }), pods });
  await store.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi' }, spec: {}, status: { conditions: [{ type: 'MemoryPressure', status: 'False' }] } });
  const heartbeat = async (): Promise<void> => {
    const ref = { resource: LEASE_RESOURCE, namespace: LEASE_NAMESPACE, name: 'pi' };
    const spec = { holderIdentity: 'pi', leaseDurationSeconds: 40, renewTime: microTime(clock.now()) };
    if (await store.get(ref)) await store.guaranteedUpdate(ref, (l) => ({ ...l, spec }));
    else await store.create(LEASE_RESOURCE, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'pi', namespace: LEASE_NAMESPACE }, spec });
  };
  const node = async () => {
    const n = await store.get({ resource: 'nodes', name: 'pi' });
    if (!n) throw new Error('node gone');
    return n;
  };
  return { clock, store, events, r, heartbeat, node, pods };
}

describe('node lifecycle', () => {
  it('goes Ready on a heartbeat, Unknown with unreachable taints after the grace period, Ready again on the next heartbeat', async () => {
    const { clock, events, r, heartbeat, node } = await setup();
    await heartbeat();
    const first = await r.reconcile('pi');
    expect(conditionOf(await node(), 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(first).toEqual({ requeueAfterMs: GRACE + 1 });

    clock.advance(GRACE - 1);
    await r.reconcile('pi');
    expect(conditionOf(await node(), 'Ready')?.status).toBe('True');

    clock.advance(2);
    await r.reconcile('pi');
    const down = await node();
    expect(conditionOf(down, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(conditionOf(down, 'MemoryPressure')?.status).toBe('Unknown');
    expect(taintsOf(down).map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);

    clock.advance(5_000);
    await heartbeat();
    await r.reconcile('pi');
    const up = await node();
    expect(conditionOf(up, 'Ready')?.status).toBe('True');
    expect(conditionOf(up, 'MemoryPressure')?.status).toBe('False');
    expect(taintsOf(up)).toEqual([]);
    expect(events.events.map((e) => e.reason)).toEqual(['NodeReady', 'NodeNotReady', 'NodeReady']);
  });

  it('looks at lease renewals only of nodes that are not Ready (Ready ones come back by requeueAfter)', async () => {
    const { clock, r, heartbeat } = await setup();
    const leaseEvent = { type: 'MODIFIED' as const, resource: LEASE_RESOURCE, rv: 1, object: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'pi', namespace: LEASE_NAMESPACE } } };
    const keys = () => r.watches[1]?.keysFor(leaseEvent);
    expect(keys()).toEqual(['pi']);
    await heartbeat();
    await r.reconcile('pi');
    expect(keys()).toEqual([]);
    clock.advance(GRACE);
    await r.reconcile('pi');
    expect(keys()).toEqual(['pi']);
  });

  it('writes nothing while the state does not change', async () => {
    const { store, r, heartbeat } = await setup();
    await heartbeat();
    await r.reconcile('pi');
    const rv = store.currentResourceVersion();
    await r.reconcile('pi');
    expect(store.currentResourceVersion()).toBe(rv);
  });

  it('marks a node that never sent a heartbeat Unknown once the grace period since its creation is over', async () => {
    const { clock, r, node } = await setup();
    expect(await r.reconcile('pi')).toEqual({ requeueAfterMs: GRACE + 1 });
    expect(conditionOf(await node(), 'Ready')).toBeUndefined();
    clock.advance(GRACE);
    await r.reconcile('pi');
    expect(conditionOf(await node(), 'Ready')?.status).toBe('Unknown');
  });

  it('evicts only pods whose toleration sets tolerationSeconds, when they run out', async () => {
    const { clock, store, r, heartbeat, pods } = await setup();
    const pod = (name: string, tolerations: object[]) =>
      store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'pi', containers: [{ name: 'c', image: 'i' }], tolerations } });
    await pod('stays', []);
    await pod('stays-forever', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]);
    await pod('leaves', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]);
    await heartbeat();
    await r.reconcile('pi');
    clock.advance(GRACE);
    expect(await r.reconcile('pi')).toEqual({ requeueAfterMs: 30_000 });
    expect(pods.size).toBe(3);
    clock.advance(30_000);
    await r.reconcile('pi');
    const left = (await store.list('pods')).items.map((p) => p.metadata.name).sort();
    expect(left).toEqual(['stays', 'stays-forever']);
  });

  it('gives every node a full grace period after the controller starts (a server restart), as Kubernetes does', async () => {
    const { clock, store, events, r, heartbeat, node, pods } = await setup();
    await store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'pi', containers: [{ name: 'c', image: 'i' }], tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }] } });
    await heartbeat();
    await r.reconcile('pi');
    expect(conditionOf(await node(), 'Ready')?.status).toBe('True');
    // The server is down for 5 minutes; a new controller starts (nothing seen yet).
    clock.advance(5 * 60_000);
    const restarted = new NodeLifecycleReconciler(store, { clock, gracePeriodMs: GRACE, events, logger: pino({ level: 'silent' }), pods });
    expect(await restarted.reconcile('pi')).toEqual({ requeueAfterMs: GRACE + 1 });
    expect(conditionOf(await node(), 'Ready')?.status).toBe('True');
    expect(taintsOf(await node())).toEqual([]);
    expect(pods.size).toBe(1);
    // The agent reconnects and heartbeats within the grace period: nothing happened.
    clock.advance(GRACE - 10_000);
    await heartbeat();
    await restarted.reconcile('pi');
    expect(conditionOf(await node(), 'Ready')?.status).toBe('True');
    // One that does not come back goes Unknown a grace period after the restart.
    clock.advance(GRACE);
    await restarted.reconcile('pi');
    expect(conditionOf(await node(), 'Ready')?.status).toBe('Unknown');
    expect(events.events.map((e) => e.reason)).toEqual(['NodeReady', 'NodeNotReady', 'TaintManagerEviction']);
  });

  it('forgets a deleted node: one joining again under its name is Ready on its first heartbeat', async () => {
    const { clock, store, r, heartbeat, node } = await setup();
    await heartbeat();
    await r.reconcile('pi');
    // The node channel deletes the Lease with the Node.
    await store.delete({ resource: 'nodes', name: 'pi' });
    await store.delete({ resource: LEASE_RESOURCE, namespace: LEASE_NAMESPACE, name: 'pi' });
    const gone = { type: 'DELETED' as const, resource: 'nodes', rv: 9, object: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi' } } };
    for (const key of r.watches[0]?.keysFor(gone) ?? []) await r.reconcile(key);
    clock.advance(10 * 60_000);
    await store.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi' }, spec: {}, status: {} });
    expect(await r.reconcile('pi')).toEqual({ requeueAfterMs: GRACE + 1 });
    await heartbeat();
    const renewed = { type: 'ADDED' as const, resource: LEASE_RESOURCE, rv: 12, object: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'pi', namespace: LEASE_NAMESPACE } } };
    expect(r.watches[1]?.keysFor(renewed)).toEqual(['pi']);
    await r.reconcile('pi');
    expect(conditionOf(await node(), 'Ready')?.status).toBe('True');
  });

  it.each([
    ['no tolerations', [], undefined],
    ['tolerates forever', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }], undefined],
    ['300 s', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], 300],
    ['wildcard 10 s', [{ operator: 'Exists', tolerationSeconds: 10 }], 10],
    ['NoSchedule only', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }], undefined],
    ['the shortest bounded one wins over an unbounded one (getMinTolerationTime)', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }, { operator: 'Exists', tolerationSeconds: 60 }], 60],
    ['Equal with a value does not match the unreachable taint (it has none)', [{ key: 'node.kubernetes.io/unreachable', operator: 'Equal', value: 'x', effect: 'NoExecute', tolerationSeconds: 5 }], undefined],
    ['another key does not match', [{ key: 'other', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }], undefined],
  ])('evictionAfterSeconds: %s', (_what, tolerations, expected) => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [], tolerations } } as unknown as Pod;
    expect(evictionAfterSeconds(pod)).toBe(expected);
  });
});
