// The real `flotilla server` process: first start (PKI, kubeconfig, health), restart keeps every
// object and resourceVersion, kill -9 during a burst of concurrent writes loses no acknowledged
// write, SIGTERM shuts down cleanly, and `flotilla token create` talks to it.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../bin/api-client';
import { FLOTILLA_BIN, startServerProcess, stopAll, type ServerProcess } from './helpers/server-process';

jest.setTimeout(120_000);

interface Obj {
  metadata: { name: string; resourceVersion: string; uid: string };
  data?: Record<string, string>;
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'flotilla-e2e-'));
  dirs.push(d);
  return d;
}

afterAll(() => {
  stopAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function configMap(name: string, value: string): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { value } };
}

describe('flotilla server process', () => {
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = tempDir();
    server = await startServerProcess(dataDir);
  });

  afterAll(async () => {
    await server.stop();
  });

  it('creates its CA, serving certificate and an admin kubeconfig (0600) on first start', () => {
    for (const f of ['pki/ca.crt', 'pki/ca.key', 'pki/server.crt', 'pki/server.key', 'kubeconfig.yaml']) expect(existsSync(join(dataDir, f))).toBe(true);
    expect(statSync(join(dataDir, 'kubeconfig.yaml')).mode & 0o077).toBe(0);
  });

  it('answers the health endpoints over HTTPS trusted through the kubeconfig CA', async () => {
    const client = ApiClient.fromKubeconfig(server.kubeconfig);
    for (const path of ['/readyz', '/livez', '/healthz']) {
      await expect(client.request('GET', path)).resolves.toBeUndefined();
    }
  });

  it('has the system namespaces and refuses requests without a token (401 Status)', async () => {
    const client = ApiClient.fromKubeconfig(server.kubeconfig);
    const list = await client.request<{ items: Obj[] }>('GET', '/api/v1/namespaces');
    expect(list.items.map((n) => n.metadata.name)).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-node-lease']));
    const anonymous = new ApiClient({ server: `https://127.0.0.1:${server.port}`, caPem: '', token: '' });
    await expect(anonymous.request('GET', '/api/v1/namespaces')).rejects.toThrow(/401|certificate/);
  });

  it('`flotilla token create` prints a token that works with its role', async () => {
    const r = spawnSync(process.execPath, [FLOTILLA_BIN, 'token', 'create', '--role', 'viewer', '--data-dir', dataDir], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^[a-z0-9]{8}\.[a-z0-9]{40}$/);
    const admin = ApiClient.fromKubeconfig(server.kubeconfig);
    const viewer = new ApiClient({ server: `https://127.0.0.1:${server.port}`, caPem: (await import('node:fs')).readFileSync(join(dataDir, 'pki/ca.crt'), 'utf8'), token });
    await expect(viewer.request('GET', '/api/v1/namespaces/default/configmaps')).resolves.toBeDefined();
    await expect(viewer.request('POST', '/api/v1/namespaces/default/configmaps', configMap('nope', 'x'))).rejects.toThrow(/403/);
    await expect(admin.request('POST', '/api/v1/namespaces/default/configmaps', configMap('yes', 'x'))).resolves.toBeDefined();
  });

  it('`flotilla token create` names a bad role', () => {
    const r = spawnSync(process.execPath, [FLOTILLA_BIN, 'token', 'create', '--role', 'root', '--data-dir', dataDir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('"root"');
  });
});

describe('durability', () => {
  it('brings every object back with the same resourceVersion after a clean restart', async () => {
    const dataDir = tempDir();
    let server = await startServerProcess(dataDir);
    let client = ApiClient.fromKubeconfig(server.kubeconfig);
    const before: Obj[] = [];
    for (let i = 0; i < 20; i++) before.push(await client.request<Obj>('POST', '/api/v1/namespaces/default/configmaps', configMap(`cm-${i}`, String(i))));
    await client.request('DELETE', '/api/v1/namespaces/default/configmaps/cm-19');
    const rvAfterDelete = (await client.request<{ metadata: { resourceVersion: string } }>('GET', '/api/v1/namespaces/default/configmaps')).metadata.resourceVersion;
    expect(await server.stop()).toBe(0);

    server = await startServerProcess(dataDir);
    client = ApiClient.fromKubeconfig(server.kubeconfig);
    for (const obj of before.slice(0, 19)) {
      const got = await client.request<Obj>('GET', `/api/v1/namespaces/default/configmaps/${obj.metadata.name}`);
      expect(got.metadata).toEqual(expect.objectContaining({ resourceVersion: obj.metadata.resourceVersion, uid: obj.metadata.uid }));
    }
    await expect(client.request('GET', '/api/v1/namespaces/default/configmaps/cm-19')).rejects.toThrow(/404/);
    const next = await client.request<Obj>('POST', '/api/v1/namespaces/default/configmaps', configMap('after', 'x'));
    expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(Number(rvAfterDelete));
    expect(await server.stop()).toBe(0);
  });

  for (const durable of [false, true]) {
    it(`keeps every acknowledged write after kill -9 in a burst of concurrent writes${durable ? ' (durable mode)' : ''}`, async () => {
      const dataDir = tempDir();
      const args = durable ? ['--durable'] : [];
      let server = await startServerProcess(dataDir, args);
      let client = ApiClient.fromKubeconfig(server.kubeconfig);
      const acked = new Map<string, string>();
      let stop = false;
      const writer = async (w: number): Promise<void> => {
        for (let i = 0; !stop; i++) {
          const name = `w${w}-${i}`;
          try {
            const obj = await client.request<Obj>('POST', '/api/v1/namespaces/default/configmaps', configMap(name, 'v'));
            acked.set(name, obj.metadata.resourceVersion);
          } catch {
            return;
          }
        }
      };
      const writers = Array.from({ length: 16 }, (_, w) => writer(w));
      while (acked.size < 300) await new Promise((r) => setTimeout(r, 10));
      await server.kill9();
      stop = true;
      await Promise.all(writers);

      server = await startServerProcess(dataDir, args);
      client = ApiClient.fromKubeconfig(server.kubeconfig);
      const list = await client.request<{ items: Obj[] }>('GET', '/api/v1/namespaces/default/configmaps');
      const stored = new Map(list.items.map((o) => [o.metadata.name, o.metadata.resourceVersion]));
      const lost = [...acked].filter(([name, rv]) => stored.get(name) !== rv);
      expect(lost).toEqual([]);
      expect(acked.size).toBeGreaterThanOrEqual(300);
      await server.stop();
    });
  }
});
