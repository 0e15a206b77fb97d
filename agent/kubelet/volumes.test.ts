// Volumes on a temp dir: emptyDir, hostPath types, configMap items and updates through ..data, secret permissions.

import { mkdtempSync, promises as fs, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConfigMap, Pod, Secret, Volume } from '../../shared/api/core';
import type { ConfigLookup } from './config-lookup';
import { podGroup, SECRET_GROUP_ID, VolumeManager } from './volumes';

let tmp: string;
beforeEach(() => (tmp = mkdtempSync(path.join(os.tmpdir(), 'flotilla-volumes-'))));
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const podWith = (volumes: Volume[], extra: Partial<Pod['spec']> = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'uid-1' }, spec: { containers: [{ name: 'c', image: 'x' }], volumes, ...extra },
});

function lookup(cms: ConfigMap[], secrets: Secret[] = []): ConfigLookup {
  return {
    configMap: (ns, name) => cms.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
    secret: (ns, name) => secrets.find((s) => s.metadata.namespace === ns && s.metadata.name === name),
  };
}

const cm = (data: Record<string, string>): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'ns' }, data });
const secret = (data: Record<string, string>): Secret => ({
  apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'ns' }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
});
const mode = (p: string): number => statSync(p).mode & 0o777;

describe('VolumeManager', () => {
  it('makes an emptyDir anyone in the pod can write, and removes it with the pod', async () => {
    const vm = new VolumeManager(path.join(tmp, 'pods'));
    const paths = await vm.prepare(podWith([{ name: 'scratch', emptyDir: {} }]), lookup([]));
    const dir = paths.get('scratch') ?? '';
    expect(dir.startsWith(path.join(tmp, 'pods', 'uid-1'))).toBe(true);
    expect(mode(dir)).toBe(0o777);
    expect(await vm.podUids()).toEqual(['uid-1']);
    await vm.remove('uid-1');
    expect(await vm.podUids()).toEqual([]);
  });

  it('projects a ConfigMap and swaps updates in through ..data', async () => {
    const vm = new VolumeManager(tmp);
    const pod = podWith([{ name: 'conf', configMap: { name: 'cfg', items: [{ key: 'a', path: 'sub/a.txt' }, { key: 'b', path: 'b.txt', mode: 0o600 }] } }]);
    const dir = (await vm.prepare(pod, lookup([cm({ a: 'A1', b: 'B1', c: 'C1' })]))).get('conf') ?? '';
    expect(readFileSync(path.join(dir, 'sub', 'a.txt'), 'utf8')).toBe('A1');
    expect(mode(path.join(dir, 'b.txt'))).toBe(0o600);
    expect(mode(path.join(dir, 'sub', 'a.txt'))).toBe(0o644);
    const first = readlinkSync(path.join(dir, '..data'));
    await vm.prepare(pod, lookup([cm({ a: 'A1', b: 'B1' })]));
    expect(readlinkSync(path.join(dir, '..data'))).toBe(first);
    await vm.prepare(pod, lookup([cm({ a: 'A2', b: 'B1' })]));
    expect(readlinkSync(path.join(dir, '..data'))).not.toBe(first);
    expect(readFileSync(path.join(dir, 'sub', 'a.txt'), 'utf8')).toBe('A2');
    expect((await fs.readdir(dir)).sort()).toEqual(['..data', readlinkSync(path.join(dir, '..data')), 'b.txt', 'sub'].sort());
  });

  it('leaves no half-written copy behind when an update cannot be written (disk full), and keeps the old one', async () => {
    const vm = new VolumeManager(tmp);
    const pod = podWith([{ name: 'conf', configMap: { name: 'cfg' } }]);
    const dir = (await vm.prepare(pod, lookup([cm({ a: 'A1', b: 'B1' })]))).get('conf') ?? '';
    const entries = (await fs.readdir(dir)).sort();
    const writeFile = fs.writeFile.bind(fs);
    const full = jest.spyOn(fs, 'writeFile').mockImplementation(async (file, ...rest) => {
      if (String(file).endsWith(`${path.sep}b`)) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return writeFile(file, ...rest);
    });
    for (let retry = 0; retry < 3; retry++) await expect(vm.prepare(pod, lookup([cm({ a: 'A2', b: 'B2' })]))).rejects.toThrow(/ENOSPC/);
    full.mockRestore();
    expect((await fs.readdir(dir)).sort()).toEqual(entries);
    expect(readFileSync(path.join(dir, 'a'), 'utf8')).toBe('A1');
    // A copy a crash left half-written goes at the next sync, even when nothing changed.
    await fs.mkdir(path.join(dir, '..2030-01-01T00_00_00_000Z.deadbeef'));
    await vm.prepare(pod, lookup([cm({ a: 'A1', b: 'B1' })]));
    expect((await fs.readdir(dir)).sort()).toEqual(entries);
  });

  it("keeps secrets private: readable by the pod's group (every container has it), never by others", async () => {
    const vm = new VolumeManager(tmp);
    const pod = podWith([{ name: 's', secret: { secretName: 'creds' } }]);
    const dir = (await vm.prepare(pod, lookup([], [secret({ password: 'pw' })]))).get('s') ?? '';
    expect(readFileSync(path.join(dir, 'password'), 'utf8')).toBe('pw');
    expect(podGroup(pod)).toBe(SECRET_GROUP_ID);
    expect([mode(dir), statSync(dir).gid]).toEqual([0o750, SECRET_GROUP_ID]);
    expect([mode(path.join(dir, 'password')), statSync(path.join(dir, 'password')).gid]).toEqual([0o640, SECRET_GROUP_ID]);
    const loose = (await vm.prepare(podWith([{ name: 't', secret: { secretName: 'creds', defaultMode: 0o777 } }]), lookup([], [secret({ k: 'v' })]))).get('t') ?? '';
    expect(mode(path.join(loose, 'k'))).toBe(0o770);
    const strict = (await vm.prepare(podWith([{ name: 'u', secret: { secretName: 'creds', defaultMode: 0o400 } }]), lookup([], [secret({ k: 'v' })]))).get('u') ?? '';
    expect(mode(path.join(strict, 'k'))).toBe(0o400);
    const withFsGroup = podWith([{ name: 'f', secret: { secretName: 'creds' } }], { securityContext: { fsGroup: 3000 } });
    const owned = (await vm.prepare(withFsGroup, lookup([], [secret({ k: 'v' })]))).get('f') ?? '';
    expect([podGroup(withFsGroup), statSync(path.join(owned, 'k')).gid]).toEqual([3000, 3000]);
    expect(podGroup(podWith([{ name: 'e', emptyDir: {} }]))).toBeUndefined();
  });

  it.each<[string, Volume, string]>([
    ['a missing ConfigMap', { name: 'v', configMap: { name: 'nope' } }, 'MountVolume.SetUp failed for volume "v" : configmap "nope" not found'],
    ['a missing Secret', { name: 'v', secret: { secretName: 'nope' } }, 'secret "nope" not found'],
    ['a missing item key', { name: 'v', configMap: { name: 'cfg', items: [{ key: 'zz', path: 'z' }] } }, "couldn't find key zz in ConfigMap ns/cfg"],
    ['an escaping item path', { name: 'v', configMap: { name: 'cfg', items: [{ key: 'a', path: '../evil' }] } }, 'volume item path must be relative'],
    ['a hostPath that is not a directory', { name: 'v', hostPath: { path: '/nonexistent/flotilla', type: 'Directory' } }, 'is not a directory'],
    ['an unsupported source', { name: 'v', persistentVolumeClaim: { claimName: 'x' } }, 'unsupported volume source'],
  ])('fails clearly on %s', async (_name, volume, message) => {
    const vm = new VolumeManager(tmp);
    await expect(vm.prepare(podWith([volume]), lookup([cm({ a: 'A' })]))).rejects.toThrow(message);
  });

  it('skips missing optional sources and creates hostPaths on request', async () => {
    const vm = new VolumeManager(tmp);
    const host = path.join(tmp, 'host', 'data');
    const paths = await vm.prepare(podWith([{ name: 'o', configMap: { name: 'nope', optional: true } }, { name: 'h', hostPath: { path: host, type: 'DirectoryOrCreate' } }]), lookup([]));
    expect((await fs.readdir(paths.get('o') ?? '')).filter((e) => !e.startsWith('..'))).toEqual([]);
    expect(paths.get('h')).toBe(host);
    expect(statSync(host).isDirectory()).toBe(true);
  });
});
