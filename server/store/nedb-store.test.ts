import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../shared/api/types';
import { FakeClock } from '../../shared/clock';
import { type ErrorCode, isFlotillaError } from '../../shared/errors';
import { type NedbStore, openStore } from './index';

const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const dirs: string[] = [];
const stores: NedbStore[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'flotilla-store-'));
  dirs.push(d);
  return d;
}

async function newStore(clock = new FakeClock(T0)): Promise<NedbStore> {
  const s = await openStore({ dir: tempDir(), clock });
  stores.push(s);
  return s;
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const pod = (name: string, spec: unknown = { image: 'nginx' }, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', ...extra },
  spec,
});
const ref = (name: string) => ({ resource: 'pods', namespace: 'default', name });

async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isFlotillaError(err, code) ? err.code : err).toBe(code);
}

describe('NedbStore objects', () => {
  it('create stamps uid, resourceVersion, generation and a second-precision timestamp', async () => {
    const s = await newStore();
    const a = await s.create('pods', pod('a'));
    expect(a.metadata).toMatchObject({ name: 'a', resourceVersion: '1', generation: 1, creationTimestamp: '2026-11-25T10:00:00Z' });
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const cm = await s.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data: { k: 'v' } });
    expect(cm.metadata.generation).toBeUndefined();
    expect(cm.metadata.resourceVersion).toBe('2');
    expect(s.currentResourceVersion()).toBe('2');
  });

  it('keeps labels with dots and returns copies the caller may mutate', async () => {
    const s = await newStore();
    await s.create('pods', pod('a', { image: 'x' }, { labels: { 'kubernetes.io/arch': 'arm64', $odd: 'ok' } }));
    const got = await s.get(ref('a'));
    expect(got?.metadata.labels).toEqual({ 'kubernetes.io/arch': 'arm64', $odd: 'ok' });
    if (got) got.metadata.name = 'mutated';
    expect((await s.get(ref('a')))?.metadata.name).toBe('a');
  });

  it('AlreadyExists on a taken name; generateName picks a free one', async () => {
    const s = await newStore();
    await s.create('pods', pod('a'));
    await expectCode(s.create('pods', pod('a')), 'AlreadyExists');
    const g = await s.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-', namespace: 'default' } });
    expect(g.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    await expectCode(s.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default' } }), 'Invalid');
    await expectCode(s.create('pods', pod('b', {}, { resourceVersion: '3' })), 'BadRequest');
  });

  it('409 Conflict on a stale resourceVersion or another uid; NotFound on a missing object', async () => {
    const s = await newStore();
    const a = await s.create('pods', pod('a'));
    const b = await s.update('pods', { ...a, spec: { image: 'v2' } });
    expect(b.metadata.resourceVersion).toBe('2');
    await expectCode(s.update('pods', { ...a, spec: { image: 'v3' } }), 'Conflict');
    await expectCode(s.update('pods', { ...b, metadata: { ...b.metadata, uid: 'someone-else' } }), 'Conflict');
    await expectCode(s.update('pods', pod('missing')), 'NotFound');
    await expectCode(s.delete(ref('a'), { preconditions: { resourceVersion: '1' } }), 'Conflict');
    await expectCode(s.delete(ref('a'), { preconditions: { uid: 'nope' } }), 'Conflict');
    await expectCode(s.delete(ref('missing')), 'NotFound');
    // No resourceVersion: unconditional update.
    const c = await s.update('pods', pod('a', { image: 'v4' }));
    expect(c.metadata.resourceVersion).toBe('3');
  });

  it('generation moves only when spec changes; an unchanged update writes nothing', async () => {
    const s = await newStore();
    const a = await s.create('pods', pod('a', { image: 'v1' }));
    const labelled = await s.update('pods', { ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
    expect(labelled.metadata.generation).toBe(1);
    const status = await s.update('pods', { ...labelled, status: { phase: 'Running' } });
    expect(status.metadata.generation).toBe(1);
    const spec = await s.update('pods', { ...status, spec: { image: 'v2' } });
    expect(spec.metadata.generation).toBe(2);
    expect(spec.metadata.uid).toBe(a.metadata.uid);
    expect(spec.metadata.creationTimestamp).toBe(a.metadata.creationTimestamp);
    const rv = s.currentResourceVersion();
    const same = await s.update('pods', spec);
    expect(same.metadata.resourceVersion).toBe(rv);
    expect(s.currentResourceVersion()).toBe(rv);
  });

  it('list: by namespace or all, sorted, with the store version', async () => {
    const s = await newStore();
    for (const [ns, name] of [['b', 'z'], ['a', 'y'], ['b', 'x']] as const) await s.create('pods', { ...pod(name), metadata: { name, namespace: ns } });
    await s.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi' } });
    const all = await s.list('pods');
    expect(all.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['a/y', 'b/x', 'b/z']);
    expect(all.resourceVersion).toBe('4');
    expect((await s.list('pods', { namespace: 'b' })).items).toHaveLength(2);
    expect((await s.list('nodes')).items.map((o) => o.metadata.name)).toEqual(['pi']);
    expect(await s.get({ resource: 'nodes', name: 'pi' })).toBeDefined();
    expect((await s.list('services')).items).toEqual([]);
  });

  it('finalizers: delete marks, removing the last finalizer deletes', async () => {
    const clock = new FakeClock(T0);
    const s = await newStore(clock);
    await s.create('pods', pod('a', { image: 'x' }, { finalizers: ['f1', 'f2'] }));
    clock.advance(5_000);
    const marked = await s.delete(ref('a'));
    expect(marked.deleted).toBe(false);
    expect(marked.object.metadata).toMatchObject({ deletionTimestamp: '2026-11-25T10:00:05Z', deletionGracePeriodSeconds: 0 });
    const again = await s.delete(ref('a'));
    expect(again.object.metadata.resourceVersion).toBe(marked.object.metadata.resourceVersion);
    await expectCode(s.guaranteedUpdate(ref('a'), (o) => ({ ...o, metadata: { ...o.metadata, finalizers: ['f1', 'f2', 'f3'] } })), 'Invalid');
    const one = await s.guaranteedUpdate(ref('a'), (o) => ({ ...o, metadata: { ...o.metadata, finalizers: ['f2'] } }));
    expect(one.metadata.deletionTimestamp).toBe('2026-11-25T10:00:05Z');
    expect(await s.get(ref('a'))).toBeDefined();
    const last = await s.guaranteedUpdate(ref('a'), (o) => ({ ...o, metadata: { ...o.metadata, finalizers: [] } }));
    expect(Number(last.metadata.resourceVersion)).toBeGreaterThan(Number(one.metadata.resourceVersion));
    expect(await s.get(ref('a'))).toBeUndefined();
  });

  it('graceful deletion marks the pod until a delete with grace 0', async () => {
    const s = await newStore();
    await s.create('pods', pod('a'));
    const marked = await s.delete(ref('a'), { gracePeriodSeconds: 30 });
    expect(marked).toMatchObject({ deleted: false, object: { metadata: { deletionTimestamp: '2026-11-25T10:00:30Z', deletionGracePeriodSeconds: 30 } } });
    const status = await s.guaranteedUpdate(ref('a'), (o) => ({ ...o, status: { phase: 'Terminating' } }));
    expect(status.metadata.deletionTimestamp).toBeDefined();
    expect(await s.get(ref('a'))).toBeDefined();
    const shorter = await s.delete(ref('a'), { gracePeriodSeconds: 10 });
    expect(shorter.object.metadata).toMatchObject({ deletionTimestamp: '2026-11-25T10:00:10Z', deletionGracePeriodSeconds: 10 });
    const gone = await s.delete(ref('a'), { gracePeriodSeconds: 0 });
    expect(gone.deleted).toBe(true);
    expect(await s.get(ref('a'))).toBeUndefined();
    await expectCode(s.delete(ref('a'), { gracePeriodSeconds: -1 }), 'BadRequest');
  });

  it('guaranteedUpdate serializes concurrent writers of one key; returning the input is a no-op', async () => {
    const s = await newStore();
    await s.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n', namespace: 'default' }, data: { n: '0' } });
    const r = { resource: 'configmaps', namespace: 'default', name: 'n' };
    const bump = (o: KubeObject): KubeObject => ({ ...o, data: { n: String(Number((o.data as { n: string }).n) + 1) } });
    await Promise.all(Array.from({ length: 50 }, () => s.guaranteedUpdate(r, async (o) => bump(o))));
    const now = await s.get(r);
    expect(now?.data).toEqual({ n: '50' });
    const rv = s.currentResourceVersion();
    await s.guaranteedUpdate(r, (o) => o);
    expect(s.currentResourceVersion()).toBe(rv);
    await expectCode(s.guaranteedUpdate(r, bump, { preconditions: { resourceVersion: '1' } }), 'Conflict');
    await expectCode(s.guaranteedUpdate({ ...r, name: 'missing' }, bump), 'NotFound');
  });

  it('refuses to serve when closed, and a second store on the same directory', async () => {
    const s = await newStore();
    const dir = dirs[dirs.length - 1] ?? '';
    await expect(openStore({ dir })).rejects.toThrow(/already open/);
    await s.close();
    await expectCode(s.create('pods', pod('a')), 'ServiceUnavailable');
    expect(() => s.currentResourceVersion()).toThrow(/not open/);
  });
});
