// End-to-end: the kubelet in-process on real Podman, for what the agent's log does not show: logs of the
// current and the previous instance, exec, securityContext, resource limits, workingDir, a shared PID
// namespace, and healing after Podman's API service restarts while a container is killed behind its back.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Container, Pod } from '../shared/api/core';
import type { Log } from '../agent/log';
import type { PodStatusUpdate } from '../agent/kubelet/api';
import { Kubelet } from '../agent/kubelet/kubelet';
import { LABEL_POD_UID } from '../agent/runtime/types';
import { PodmanRuntime } from '../agent/runtime/podman/podman-runtime';
import { preparePodman, removeNodePods, required, type PodmanEnv } from './helpers/podman-env';

jest.setTimeout(60_000);

const run = randomUUID().slice(0, 8);
/** One node name per kubelet: two kubelets on one node name would collect each other's pods. */
const nodes: string[] = [];
let prepared: PodmanEnv | undefined;
let tmp: string;
const kubelets: Kubelet[] = [];
const services: ChildProcess[] = [];

const busybox = (): string => required(prepared, 'FLOTILLA_TEST_BUSYBOX_IMAGE');
const pod = (name: string, containers: Container[], spec: Partial<Pod['spec']> = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `${run}-${name}` },
  spec: { containers, terminationGracePeriodSeconds: 1, ...spec },
});

async function startKubelet(socketPath: string, logs: string[] = []): Promise<{ kubelet: Kubelet; runtime: PodmanRuntime; updates: PodStatusUpdate[] }> {
  const runtime = new PodmanRuntime({ socketPath });
  const log: Log = { debug: () => undefined, info: () => undefined, warn: (_o, m) => void logs.push(m), error: (_o, m) => void logs.push(m) };
  const nodeName = `e2e-kubelet-${run}-${nodes.length}`;
  nodes.push(nodeName);
  const kubelet = new Kubelet({ runtime, nodeName, dataDir: path.join(tmp, `data-${kubelets.length}`), log, crashLoopBackoff: { initialMs: 2000, maxMs: 60_000 }, relistMs: 1000 });
  kubelets.push(kubelet);
  const updates: PodStatusUpdate[] = [];
  kubelet.onPodStatus((u) => updates.push(u));
  await kubelet.start();
  return { kubelet, runtime, updates };
}

function waitForStatus(updates: PodStatusUpdate[], kubelet: Kubelet, name: string, pred: (u: PodStatusUpdate) => boolean, timeoutMs = 30_000): Promise<PodStatusUpdate> {
  return new Promise((resolve, reject) => {
    const hit = kubelet.podStatuses().find((u) => u.name === name && pred(u));
    if (hit) return resolve(hit);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for a status of ${name}; last: ${JSON.stringify(updates.filter((u) => u.name === name).at(-1)?.status)}`));
    }, timeoutMs);
    const off = kubelet.onPodStatus((u) => {
      if (u.name !== name || !pred(u)) return;
      clearTimeout(timer);
      off();
      resolve(u);
    });
  });
}

async function lines(iter: AsyncIterable<{ line: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of iter) out.push(l.line);
  return out;
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    http.get({ socketPath: socket, path: '/v4.0.0/libpod/_ping' }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', () => resolve(false));
  });
}

async function startService(socket: string): Promise<ChildProcess> {
  const child = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { env: { ...process.env, CONTAINERS_CONF: prepared?.env['CONTAINERS_CONF'] }, detached: true, stdio: 'ignore' });
  services.push(child);
  for (let i = 0; i < 100 && !(await ping(socket)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return child;
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}

beforeAll(() => {
  prepared = preparePodman();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'flotilla-e2e-kubelet-'));
});

afterAll(async () => {
  await Promise.all(kubelets.map((k) => k.stop()));
  const socketPath = prepared?.env['FLOTILLA_PODMAN_SOCKET'];
  if (socketPath) for (const node of nodes) await removeNodePods(new PodmanRuntime({ socketPath }), node);
  for (const s of services) await stopService(s);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  prepared?.stop();
});

describe('Kubelet on Podman', () => {
  it('serves logs of the current and the previous instance, and exec', async () => {
    const { kubelet } = await startKubelet(required(prepared, 'FLOTILLA_PODMAN_SOCKET'));
    const counter = 'n=$(cat /data/n 2>/dev/null || echo 0); echo run-$n; echo $((n+1)) > /data/n; exit 1';
    const p = pod('logs', [
      { name: 'counter', image: busybox(), command: ['sh', '-c', counter], volumeMounts: [{ name: 'data', mountPath: '/data' }] },
      { name: 'shell', image: busybox(), command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'] },
    ], { volumes: [{ name: 'data', emptyDir: {} }] });
    await kubelet.setDesiredState('server', { version: 1, pods: [p], configMaps: [], secrets: [] });
    const u = await waitForStatus([], kubelet, 'logs', (s) => {
      const c = s.status.containerStatuses?.find((x) => x.name === 'counter');
      return (c?.restartCount ?? 0) >= 1 && c?.state.waiting?.reason === 'CrashLoopBackOff';
    });
    const n = u.status.containerStatuses?.find((x) => x.name === 'counter')?.restartCount ?? 0;
    const ref = { namespace: 'default', name: 'logs', container: 'counter' };
    expect(await lines(kubelet.logs(ref))).toEqual([`run-${n}`]);
    expect(await lines(kubelet.logs(ref, { previous: true }))).toEqual([`run-${n - 1}`]);
    expect(await kubelet.exec({ namespace: 'default', name: 'logs', container: 'shell' }, ['sh', '-c', 'echo hi; echo oops >&2; exit 3'])).toEqual({ exitCode: 3, stdout: 'hi\n', stderr: 'oops\n' });
    await expect(kubelet.exec({ namespace: 'default', name: 'logs' }, ['true'])).rejects.toThrow('a container name must be specified for pod logs, choose one of: [counter shell]');
    await kubelet.stop();
  });

  it('applies securityContext, resource limits, workingDir and a shared PID namespace', async () => {
    const { kubelet, runtime } = await startKubelet(required(prepared, 'FLOTILLA_PODMAN_SOCKET'));
    const sleeper = (name: string, extra: Partial<Container> = {}): Container => ({ name, image: busybox(), command: ['sleep', '4242'], ...extra });
    const p = pod('secure', [
      sleeper('user', { securityContext: { runAsUser: 1000, runAsGroup: 2000, capabilities: { drop: ['ALL'] } }, workingDir: '/tmp' }),
      sleeper('limited', { resources: { limits: { memory: '64Mi', cpu: '250m' } } }),
    ], { shareProcessNamespace: true });
    await kubelet.setDesiredState('server', { version: 2, pods: [p], configMaps: [], secrets: [] });
    await waitForStatus([], kubelet, 'secure', (u) => u.status.phase === 'Running' && (u.status.containerStatuses ?? []).every((c) => c.ready));
    const exec = async (container: string, cmd: string): Promise<string> => (await kubelet.exec({ namespace: 'default', name: 'secure', container }, ['sh', '-c', cmd])).stdout.trim();
    expect(await exec('user', 'id -u; id -g; pwd')).toBe('1000\n2000\n/tmp');
    expect(await exec('user', 'grep CapEff /proc/self/status')).toMatch(/CapEff:\s+0+$/);
    expect(await exec('limited', 'ps -o pid,args')).toMatch(/^\s*1\s+\/pause$/m);
    expect((await exec('limited', 'ps -o args')).match(/sleep 4242/g)).toHaveLength(2);
    const [limited] = await runtime.listContainers({ labels: { [LABEL_POD_UID]: `${run}-secure`, 'io.flotilla.container.name': 'limited' } });
    const inspect = await runtime.client.http.json<{ HostConfig: { Memory: number; CpuQuota: number; CpuPeriod: number } }>('GET', `/containers/${limited?.id ?? ''}/json`);
    expect(inspect.HostConfig).toMatchObject({ Memory: 64 * 1024 * 1024, CpuQuota: 25_000, CpuPeriod: 100_000 });
    await kubelet.stop();
  });

  it('lets every container of a pod read its secret volume, whatever user it runs as, with nothing world-readable on disk', async () => {
    const { kubelet } = await startKubelet(required(prepared, 'FLOTILLA_PODMAN_SOCKET'));
    const reader = (name: string, runAsUser?: number): Container => ({
      name, image: busybox(), command: ['sleep', '4242'], volumeMounts: [{ name: 'creds', mountPath: '/run/creds' }],
      ...(runAsUser !== undefined ? { securityContext: { runAsUser } } : {}),
    });
    // Two non-root users (as two images with their own USER would be), and root.
    const p = pod('secret-readers', [reader('alice', 1000), reader('bob', 2000), reader('root')], { volumes: [{ name: 'creds', secret: { secretName: 'db' } }] });
    const secret = { apiVersion: 'v1' as const, kind: 'Secret' as const, metadata: { name: 'db', namespace: 'default' }, data: { password: Buffer.from('s3cret').toString('base64') } };
    await kubelet.setDesiredState('server', { version: 3, pods: [p], configMaps: [], secrets: [secret] });
    await waitForStatus([], kubelet, 'secret-readers', (u) => u.status.phase === 'Running' && (u.status.containerStatuses ?? []).every((c) => c.ready));
    for (const container of ['alice', 'bob', 'root']) {
      expect({ container, ...(await kubelet.exec({ namespace: 'default', name: 'secret-readers', container }, ['cat', '/run/creds/password'])) }).toMatchObject({ container, exitCode: 0, stdout: 's3cret' });
    }
    const volume = path.join(tmp, `data-${kubelets.length - 1}`, 'pods', `${run}-secret-readers`, 'volumes', 'secret', 'creds');
    const worldBits = spawnSync('find', [volume, '-perm', '/o=rwx', '!', '-type', 'l'], { encoding: 'utf8' });
    expect(worldBits.stdout).toBe('');
    await kubelet.stop();
  });

  it('heals after Podman restarts under it while a container was killed behind its back', async () => {
    const socket = path.join(tmp, 'podman.sock');
    let service = await startService(socket);
    expect(existsSync(socket)).toBe(true);
    const warnings: string[] = [];
    const { kubelet } = await startKubelet(socket, warnings);
    await kubelet.setDesiredState('server', { version: 1, pods: [pod('phoenix', [{ name: 'c', image: busybox(), command: ['sleep', '4242'] }])], configMaps: [], secrets: [] });
    const up = await waitForStatus([], kubelet, 'phoenix', (u) => u.status.phase === 'Running');
    const id = (up.status.containerStatuses?.[0]?.containerID ?? '').replace('podman://', '');
    await stopService(service);
    const env = { ...process.env, CONTAINERS_CONF: prepared?.env['CONTAINERS_CONF'] };
    const killed = spawnSync('podman', ['kill', id], { env, encoding: 'utf8' });
    expect(killed.stderr).toBe('');
    service = await startService(socket);
    const healed = await waitForStatus([], kubelet, 'phoenix', (u) => u.status.containerStatuses?.[0]?.restartCount === 1 && u.status.containerStatuses[0].state.running !== undefined);
    expect(healed.status.containerStatuses?.[0]?.lastState.terminated?.exitCode).toBe(137);
    expect(warnings).toContain('Podman event stream lost; reconnecting');
    await kubelet.stop();
  });
});
