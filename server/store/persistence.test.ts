import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../shared/api/types';
import { type NedbStore, type NedbStoreOptions, openStore } from './index';

let dir = '';
const open: NedbStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-persist-'));
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function reopen(options: Partial<NedbStoreOptions> = {}): Promise<NedbStore> {
  for (const s of open.splice(0)) await s.close();
  const s = await openStore({ dir, ...options });
  open.push(s);
  return s;
}

const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { 'app.kubernetes.io/name': name } }, data });
const ref = (name: string) => ({ resource: 'configmaps', namespace: 'default', name });

describe('NedbStore persistence', () => {
  it('keeps its directory owner-only (the datafile holds every Secret), also when it existed with a wider mode', async () => {
    chmodSync(dir, 0o755);
    await reopen();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const fresh = join(dir, 'new', 'store');
    const s = await openStore({ dir: fresh });
    await s.close();
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
  });

  it('objects come back after reopen with the same resourceVersions, uids and labels', async () => {
    let s = await reopen();
    const a = await s.create('configmaps', cm('a', { k: 'v' }));
    const b = await s.create('configmaps', cm('b'));
    const a2 = await s.update('configmaps', { ...a, data: { k: 'v2' } });
    s = await reopen();
    expect(await s.get(ref('a'))).toEqual(a2);
    expect(await s.get(ref('b'))).toEqual(b);
    expect(s.currentResourceVersion()).toBe('3');
    const c = await s.create('configmaps', cm('c'));
    expect(c.metadata.resourceVersion).toBe('4');
  });

  it('the resourceVersion never goes back, also when the last write before close was a delete', async () => {
    let s = await reopen();
    await s.create('configmaps', cm('a'));
    await s.create('configmaps', cm('b'));
    await s.delete(ref('b'));
    await s.delete(ref('a'));
    expect(s.currentResourceVersion()).toBe('4');
    s = await reopen();
    expect(s.currentResourceVersion()).toBe('4');
    expect((await s.list('configmaps')).items).toEqual([]);
    const again = await s.create('configmaps', cm('a'));
    expect(again.metadata.resourceVersion).toBe('5');
    await s.delete(ref('a'));
    s = await reopen();
    expect(s.currentResourceVersion()).toBe('6');
  });

  it('the datafile survives a torn last line (crash in the middle of an append)', async () => {
    let s = await reopen();
    for (let i = 0; i < 3; i++) await s.create('configmaps', cm(`c${i}`));
    await s.close();
    const file = join(dir, 'objects.db');
    writeFileSync(file, readFileSync(file, 'utf8') + '{"_id":"configmaps/default/torn","v":21,"o":"{\\"apiVe');
    s = await reopen();
    expect((await s.list('configmaps')).items).toHaveLength(3);
    expect(s.currentResourceVersion()).toBe('3');
  });

  it('durable mode fsyncs before acknowledging and shares fsyncs between concurrent writers', async () => {
    let s = await reopen({ durable: true });
    await Promise.all(Array.from({ length: 300 }, (_, i) => s.create('configmaps', cm(`c${i}`, { i: String(i) }))));
    const { fsyncs } = s.stats();
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThan(300);
    await s.delete(ref('c0'));
    expect(s.stats().fsyncs).toBeGreaterThan(fsyncs);
    s = await reopen({ durable: true });
    expect((await s.list('configmaps')).items).toHaveLength(299);
    expect(s.currentResourceVersion()).toBe('301');
  });

  it('compacts once garbage passes the bounded policy, keeping every object', async () => {
    let s = await reopen({ compaction: { ratio: 2, minGarbageBytes: 10_000 } });
    for (let i = 0; i < 20; i++) await s.create('configmaps', cm(`c${i}`, { v: '0' }));
    let rounds = 0;
    while (s.stats().compactions === 0 && rounds < 100) {
      rounds++;
      for (let i = 0; i < 20; i++) await s.update('configmaps', cm(`c${i}`, { v: String(rounds) }));
    }
    expect(s.stats().compactions).toBe(1);
    await s.compact();
    const stats = s.stats();
    const fileSize = readFileSync(join(dir, 'objects.db'), 'utf8').length;
    expect(fileSize).toBeLessThan(stats.liveBytes * 2);
    s = await reopen();
    const items = (await s.list('configmaps')).items;
    expect(items).toHaveLength(20);
    expect(items.every((o) => (o.data as { v: string }).v === String(rounds))).toBe(true);
  });

  it('takes over the lock of a process that died', async () => {
    writeFileSync(join(dir, 'LOCK'), '999999999');
    const s = await reopen();
    expect(s.currentResourceVersion()).toBe('0');
  });
});
