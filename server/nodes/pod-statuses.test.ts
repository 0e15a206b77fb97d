import pino from 'pino';
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
