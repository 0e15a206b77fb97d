import pino from 'pino';
import { FakeClock } from '../../shared/clock';
import { decodeMessage } from '../../shared/channel/decode';
import { MemoryBroker } from '../../shared/channel/fake/memory-broker';
import type { DesiredMessage } from '../../shared/channel/messages';
import { downTopic } from '../../shared/channel/topics';
import { Informer } from '../informer/informer';
import { MemoryStore } from '../store/fake/memory-store';
import { DesiredStatePublisher, podIndexes, type DesiredPublisherDeps } from './desired-publisher';

async function setup(versions?: DesiredPublisherDeps['versions']) {
  const clock = new FakeClock(0);
  const store = new MemoryStore();
  const broker = new MemoryBroker();
  const transport = broker.connect('server');
  const inf = (r: string) => new Informer(store, r);
  const pods = inf('pods');
  for (const [name, fn] of Object.entries(podIndexes)) pods.addIndex(name, fn);
  const deps = { store, transport, clock, logger: pino({ level: 'silent' }), nodes: inf('nodes'), pods, configMaps: inf('configmaps'), secrets: inf('secrets'), debounceMs: 50, ...(versions ? { versions } : {}) };
  const publisher = new DesiredStatePublisher(deps);
  publisher.register();
  for (const i of [deps.nodes, pods, deps.configMaps, deps.secrets]) await i.start();
  const published = (node: string): DesiredMessage[] =>
    broker.publishedOn(downTopic(node, 'desired')).flatMap((p) => {
      const d = decodeMessage(downTopic(node, 'desired'), p);
      return d.ok && d.message.kind === 'desired' ? [d.message] : [];
    });
  const settle = async () => {
    await broker.flush();
    clock.advance(50);
    await publisher.flush();
    await broker.flush();
  };
  return { clock, store, broker, publisher, published, settle };
}

const node = (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
const pod = (name: string, nodeName: string, extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName, containers: [{ name: 'c', image: 'i', envFrom: [{ configMapRef: { name: 'shared' } }] }], ...extra },
});

describe('DesiredStatePublisher', () => {
  it('publishes the version its DesiredVersions gives, only once that version is durable', async () => {
    let release: () => void = () => undefined;
    const durable = new Promise<void>((r) => (release = r));
    const reserved: number[] = [];
    const { store, published, broker, clock, publisher } = await setup({ version: (rv) => rv + 1000, reserve: (v) => (reserved.push(v), durable) });
    await store.create('nodes', node('a'));
    clock.advance(50);
    const flushed = publisher.flush();
    await broker.flush();
    expect(published('a')).toEqual([]);
    release();
    await flushed;
    await broker.flush();
    const rv = Number(store.currentResourceVersion());
    expect(published('a').map((m) => m.version)).toEqual([rv + 1000]);
    expect(reserved).toEqual([rv + 1000]);
  });

  it('publishes each node its own pods and exactly the ConfigMaps and Secrets they reference, retained', async () => {
    const { store, published, settle, broker } = await setup();
    await store.create('nodes', node('a'));
    await store.create('nodes', node('b'));
    await store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', namespace: 'default' }, data: { k: 'v' } });
    await store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unused', namespace: 'default' }, data: {} });
    await store.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'only-b', namespace: 'default' }, data: { p: 'cw==' } });
    await store.create('pods', pod('p1', 'a'));
    await store.create('pods', pod('p2', 'b', { volumes: [{ name: 's', secret: { secretName: 'only-b' } }] }));
    await settle();
    const a = published('a').at(-1);
    const b = published('b').at(-1);
    expect(a?.pods.map((p) => p.metadata.name)).toEqual(['p1']);
    expect(a?.configMaps.map((c) => c.metadata.name)).toEqual(['shared']);
    expect(a?.secrets).toEqual([]);
    expect(b?.secrets.map((s) => s.metadata.name)).toEqual(['only-b']);
    expect(broker.retained.has(downTopic('a', 'desired'))).toBe(true);
  });

  it('coalesces a burst into one publish per node with a growing version, and skips unchanged content', async () => {
    const { store, published, settle } = await setup();
    await store.create('nodes', node('a'));
    await settle();
    expect(published('a')).toHaveLength(1);
    for (let i = 0; i < 20; i++) await store.create('pods', pod(`p${i}`, 'a'));
    await settle();
    expect(published('a')).toHaveLength(2);
    expect(published('a')[1]?.pods).toHaveLength(20);
    expect(published('a')[1]?.version).toBeGreaterThan(published('a')[0]?.version ?? Infinity);
    // A status write changes nothing the device needs.
    await store.guaranteedUpdate({ resource: 'pods', namespace: 'default', name: 'p0' }, (p) => ({ ...p, status: { phase: 'Running' } }));
    await settle();
    expect(published('a')).toHaveLength(2);
  });

  it("tells the device a pod's terminal phase (once it is Succeeded or Failed) and no other status", async () => {
    const { store, published, settle } = await setup();
    await store.create('nodes', node('a'));
    await store.create('pods', pod('job', 'a', { restartPolicy: 'Never' }));
    await settle();
    const ref = { resource: 'pods', namespace: 'default', name: 'job' };
    await store.guaranteedUpdate(ref, (p) => ({ ...p, status: { phase: 'Running', podIP: '10.0.0.2' } }));
    await settle();
    expect(published('a').map((m) => m.pods[0]?.status)).toEqual([undefined]);
    await store.guaranteedUpdate(ref, (p) => ({ ...p, status: { phase: 'Succeeded', podIP: '10.0.0.2' } }));
    await settle();
    expect(published('a').map((m) => m.pods[0]?.status)).toEqual([undefined, { phase: 'Succeeded' }]);
  });

  it('republishes when a referenced ConfigMap changes, and a graceful delete as a deletionTimestamp', async () => {
    const { store, published, settle } = await setup();
    await store.create('nodes', node('a'));
    await store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', namespace: 'default' }, data: { k: 'v1' } });
    await store.create('pods', pod('p', 'a'));
    await settle();
    await store.guaranteedUpdate({ resource: 'configmaps', namespace: 'default', name: 'shared' }, (c) => ({ ...c, data: { k: 'v2' } }));
    await settle();
    expect(published('a').at(-1)?.configMaps[0]?.data).toEqual({ k: 'v2' });
    await store.delete({ resource: 'pods', namespace: 'default', name: 'p' }, { gracePeriodSeconds: 30 });
    await settle();
    expect(published('a').at(-1)?.pods[0]?.metadata.deletionTimestamp).toBeDefined();
  });

  it('clears the retained state of a deleted node', async () => {
    const { store, settle, broker } = await setup();
    await store.create('nodes', node('a'));
    await settle();
    await store.delete({ resource: 'nodes', name: 'a' });
    await settle();
    expect(broker.retained.has(downTopic('a', 'desired'))).toBe(false);
  });
});
