// The informer keeps a cache that matches the store, indexes it, tells handlers about every change,
// and recovers from a compacted watch by relisting.

import type { KubeObject } from '../../shared/api/types';
import { MemoryStore } from '../store/fake/memory-store';
import { Informer, InformerFactory } from './informer';

const pod = (name: string, node?: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'd' }, spec: { nodeName: node, containers: [] } });
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

it('lists, follows the watch, indexes and reports changes in order', async () => {
  const store = new MemoryStore();
  await store.create('pods', pod('a', 'n1'));
  const informer = new Informer(store, 'pods');
  informer.addIndex('node', (o) => [String((o.spec as { nodeName?: string }).nodeName ?? '')]);
  const seen: string[] = [];
  informer.onChange((type, o, old) => seen.push(`${type} ${o.metadata.name} ${old ? 'old' : '-'}`));
  await informer.start();
  expect(informer.get('d/a')?.metadata.name).toBe('a');
  expect(Object.isFrozen(informer.get('d/a'))).toBe(true);

  await store.create('pods', pod('b', 'n2'));
  const b = await store.get({ resource: 'pods', namespace: 'd', name: 'b' });
  await store.update('pods', { ...(b as KubeObject), spec: { nodeName: 'n1', containers: [] } });
  await store.delete({ resource: 'pods', namespace: 'd', name: 'a' });
  await flush();

  expect(seen).toEqual(['ADDED a -', 'ADDED b -', 'MODIFIED b old', 'DELETED a old']);
  expect(informer.byIndex('node', 'n1').map((o) => o.metadata.name)).toEqual(['b']);
  expect(informer.byIndex('node', 'n2')).toEqual([]);
  expect(informer.list('d').map((o) => o.metadata.name)).toEqual(['b']);
  expect(informer.resourceVersion).toBe(store.currentResourceVersion());
  informer.stop();
});

it('replays the cache to a handler added after start', async () => {
  const store = new MemoryStore();
  await store.create('pods', pod('a'));
  const informer = new InformerFactory(store).for('pods');
  await informer.start();
  const seen: string[] = [];
  informer.onChange((type, o) => seen.push(`${type} ${o.metadata.name}`));
  expect(seen).toEqual(['ADDED a']);
  informer.stop();
});

it('refuses an index added after start', async () => {
  const informer = new Informer(new MemoryStore(), 'pods');
  await informer.start();
  expect(() => informer.addIndex('x', () => [])).toThrow('addIndex("x") after start');
});

it('shares one informer per resource', () => {
  const factory = new InformerFactory(new MemoryStore());
  expect(factory.for('pods')).toBe(factory.for('pods'));
  expect(factory.for('pods')).not.toBe(factory.for('nodes'));
});
