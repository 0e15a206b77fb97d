import type { KubeObject } from '../../shared/api/types';
import { isFlotillaError } from '../../shared/errors';
import { MemoryStore } from '../store/fake/memory-store';
import { applyBinding, bindPod } from './binding';

const now = new Date('2024-05-01T10:00:00.123Z');
const pod = (extra: Partial<KubeObject> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'a' }] }, ...extra });

describe('applyBinding', () => {
  test.each([
    ['already assigned', pod({ spec: { containers: [], nodeName: 'pi-1' } }), {}, 'pod web-1 is already assigned to node "pi-1"'],
    ['being deleted', pod({ metadata: { name: 'web-1', uid: 'u1', deletionTimestamp: '2024-01-01T00:00:00Z' } }), {}, 'pod is being deleted, cannot be assigned to a host'],
    ['uid differs', pod(), { uid: 'other' }, 'the UID in the binding does not match the pod'],
  ] as [string, KubeObject, { uid?: string }, string][])('refuses when %s (409)', (_name, p, extra, message) => {
    let err: unknown;
    try {
      applyBinding(p, { nodeName: 'pi-2', ...extra }, now);
    } catch (e) {
      err = e;
    }
    expect(isFlotillaError(err, 'Conflict') && err.message).toContain(message);
  });

  test('sets nodeName, copies annotations and replaces PodScheduled=False by True', () => {
    const p = pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available', lastTransitionTime: '2024-01-01T00:00:00Z' }] } });
    const out = applyBinding(p, { nodeName: 'pi-2', uid: 'u1', annotations: { a: 'b' } }, now);
    expect(out.spec).toEqual({ containers: [{ name: 'a' }], nodeName: 'pi-2' });
    expect(out.metadata.annotations).toEqual({ a: 'b' });
    expect(out.status).toEqual({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-05-01T10:00:00Z' }] });
  });
});

describe('bindPod', () => {
  test('binds through the store once; a second bind conflicts', async () => {
    const store = new MemoryStore();
    const created = await store.create('pods', pod());
    await expect(bindPod(store, { namespace: 'default', name: 'web-1' }, { nodeName: 'pi-1', uid: 'stale-uid' }, now)).rejects.toThrow('UID in the binding does not match');
    await bindPod(store, { namespace: 'default', name: 'web-1' }, { nodeName: 'pi-1', uid: created.metadata.uid }, now);
    expect(((await store.get({ resource: 'pods', namespace: 'default', name: 'web-1' }))?.spec as { nodeName?: string }).nodeName).toBe('pi-1');
    await expect(bindPod(store, { namespace: 'default', name: 'web-1' }, { nodeName: 'pi-2' }, now)).rejects.toThrow('already assigned to node "pi-1"');
  });
});
