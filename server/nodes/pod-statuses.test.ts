import pino from 'pino';
import type { PodCondition, PodStatus } from '../../shared/api/core';
import { Informer } from '../informer/informer';
import { MemoryStore } from '../store/fake/memory-store';
import { PodStatusWriter } from './pod-statuses';

async function setup() {
  const store = new MemoryStore();
  const pods = new Informer(store, 'pods');
  await pods.start();
  const writer = new PodStatusWriter({ store, pods, logger: pino({ level: 'silent' }) });
  const pod = await store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c' }] } });
  const uid = pod.metadata.uid ?? '';
  const phase = async () => ((await store.get({ resource: 'pods', namespace: 'default', name: 'p' }))?.status as { phase?: string } | undefined)?.phase;
  const settle = () => new Promise((r) => setImmediate(r));
  const report = (node: string, version: number, p: string, extra: object = {}, full = false) =>
    writer.report(node, { kind: 'pods', full, statuses: [{ namespace: 'default', name: 'p', uid, version, status: { phase: p as 'Running' }, ...extra }] });
  return { store, writer, uid, phase, report, settle };
}

describe('PodStatusWriter', () => {
  it('writes newer versions only, but a full report after a reconnect wins whatever its version', async () => {
    const t = await setup();
    await t.report('n1', 2, 'Running');
    await t.settle();
    expect(await t.phase()).toBe('Running');
    await t.report('n1', 1, 'Pending');
    await t.settle();
    expect(await t.phase()).toBe('Running');
    await t.report('n1', 1, 'Failed', {}, true); // a restarted agent counts from 1 again
    await t.settle();
    expect(await t.phase()).toBe('Failed');
  });

  it("keeps a condition's lastTransitionTime while its status holds, and the pod's startTime, across an agent restart", async () => {
    const t = await setup();
    const status = (at: string, ready: 'True' | 'False'): PodStatus & { conditions: PodCondition[] } => ({
      phase: 'Running',
      startTime: at,
      conditions: [
        { type: 'Initialized', status: 'True' as const, lastTransitionTime: at },
        { type: 'Ready', status: ready, lastTransitionTime: at },
      ],
    });
    await t.writer.report('n1', { kind: 'pods', full: true, statuses: [{ namespace: 'default', name: 'p', uid: t.uid, version: 1, status: status('2030-01-01T00:00:00Z', 'True') }] });
    // The agent restarted (or its clock was set by NTP meanwhile): it knows no earlier transition than now.
    await t.writer.report('n1', { kind: 'pods', full: true, statuses: [{ namespace: 'default', name: 'p', uid: t.uid, version: 1, status: status('2030-01-05T00:00:00Z', 'True') }] });
    await t.settle();
    const get = async () => (await t.store.get({ resource: 'pods', namespace: 'default', name: 'p' }))?.status as ReturnType<typeof status>;
    expect((await get()).startTime).toBe('2030-01-01T00:00:00Z');
    expect((await get()).conditions.map((c) => c.lastTransitionTime)).toEqual(['2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z']);
    // A real transition takes the agent's time.
    await t.writer.report('n1', { kind: 'pods', full: false, statuses: [{ namespace: 'default', name: 'p', uid: t.uid, version: 2, status: status('2030-01-06T00:00:00Z', 'False') }] });
    await t.settle();
    expect((await get()).conditions.map((c) => c.lastTransitionTime)).toEqual(['2030-01-01T00:00:00Z', '2030-01-06T00:00:00Z']);
  });

  it('ignores reports from another node and for another pod under the same name', async () => {
    const t = await setup();
    await t.report('n2', 5, 'Running');
    await t.writer.report('n1', { kind: 'pods', full: false, statuses: [{ namespace: 'default', name: 'p', uid: 'other-uid', version: 9, status: { phase: 'Running' } }] });
    await t.settle();
    expect(await t.phase()).toBeUndefined();
  });

  it('finishes the deletion of a pod being deleted once the node reports it terminated, and only then', async () => {
    const t = await setup();
    await t.report('n1', 1, 'Succeeded', { terminated: true });
    await t.settle();
    expect(await t.store.get({ resource: 'pods', namespace: 'default', name: 'p' })).toBeDefined();
    await t.store.delete({ resource: 'pods', namespace: 'default', name: 'p' }, { gracePeriodSeconds: 30 });
    await t.settle();
    await t.report('n1', 2, 'Succeeded', { terminated: true });
    await t.settle();
    expect(await t.store.get({ resource: 'pods', namespace: 'default', name: 'p' })).toBeUndefined();
  });
});
