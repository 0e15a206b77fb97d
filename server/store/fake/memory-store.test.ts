// The MemoryStore keeps the Store contract the API relies on.

import { MemoryStore } from './memory-store';
import type { StoreEvent } from '../types';

const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'd' }, ...extra });

it('assigns uid, resourceVersion and generation; bumps generation only on spec change', async () => {
  const s = new MemoryStore();
  const a = await s.create('deployments.apps', { ...cm('a'), spec: { replicas: 1 } });
  expect(a.metadata).toMatchObject({ resourceVersion: '1', generation: 1 });
  const b = await s.update('deployments.apps', { ...a, metadata: { ...a.metadata }, status: { x: 1 } });
  expect(b.metadata).toMatchObject({ resourceVersion: '2', generation: 1 });
  const c = await s.update('deployments.apps', { ...b, spec: { replicas: 2 } });
  expect(c.metadata.generation).toBe(2);
  await expect(s.update('deployments.apps', a)).rejects.toMatchObject({ code: 'Conflict' });
});

it('marks objects with finalizers and finishes when the last one goes', async () => {
  const s = new MemoryStore();
  await s.create('configmaps', cm('a', { metadata: { name: 'a', namespace: 'd', finalizers: ['x'] } }));
  const r = await s.delete({ resource: 'configmaps', namespace: 'd', name: 'a' });
  expect(r.deleted).toBe(false);
  await s.guaranteedUpdate({ resource: 'configmaps', namespace: 'd', name: 'a' }, (o) => ({ ...o, metadata: { ...o.metadata, finalizers: [] } }));
  expect(await s.get({ resource: 'configmaps', namespace: 'd', name: 'a' })).toBeUndefined();
});

it('replays buffered events and answers Gone for compacted versions', async () => {
  const s = new MemoryStore({ bufferSize: 2 });
  for (const n of ['a', 'b', 'c']) await s.create('configmaps', cm(n));
  const seen: StoreEvent[] = [];
  const stop = s.watch({ resource: 'configmaps', resourceVersion: '1' }, (e) => seen.push(e));
  expect(seen.map((e) => e.object.metadata.name)).toEqual(['b', 'c']);
  stop();
  expect(() => s.watch({ resourceVersion: '0' }, () => undefined)).not.toThrow();
  const s2 = new MemoryStore({ bufferSize: 1 });
  for (const n of ['a', 'b', 'c']) await s2.create('configmaps', cm(n));
  expect(() => s2.watch({ resourceVersion: '1' }, () => undefined)).toThrow(expect.objectContaining({ code: 'Gone' }));
});
