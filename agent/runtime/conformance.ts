// The one test suite every Runtime implementation passes (fake and Podman): call it from a test file.
/// <reference types="jest" />

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Labels } from '../../shared/api/types';
import { execStreamConformance } from './conformance-exec';
import { HELLO, HTTP_PORT, execProbe, workloads, type Workload } from './conformance-workloads';
import * as L from './types';
import type { ContainerSpec, LogLine, Runtime, RuntimeEvent, SandboxSpec } from './types';

export interface ConformanceTarget {
  runtime: Runtime;
  /** A local image with busybox (sh, httpd, wget, sleep) whose /www/index.html says HELLO. */
  busyboxImage: string;
  /** The infra image the runtime uses; must be absent before the suite's first sandbox. */
  pauseImage: string;
  /** Stamped on every sandbox the suite creates; unique per run so that cleanup can find them. */
  labels: Labels;
  /** Called after the suite's own cleanup, even when tests failed. */
  cleanup(): Promise<void>;
}

export function runtimeConformance(name: string, factory: () => Promise<ConformanceTarget>): void {
  describe(`Runtime conformance: ${name}`, () => {
    let t: ConformanceTarget;
    let rt: Runtime;
    const sandboxes: string[] = [];
    let seq = 0;

    beforeAll(async () => {
      t = await factory();
      rt = t.runtime;
    });

    afterAll(async () => {
      if (!t) return;
      try {
        await Promise.all(sandboxes.map((id) => rt.removeSandbox(id)));
      } finally {
        await t.cleanup();
      }
    });

    async function sandbox(extra: Partial<SandboxSpec> = {}): Promise<{ id: string; uid: string }> {
      const uid = randomUUID();
      const id = await rt.runSandbox({ uid, name: `conf-${++seq}`, namespace: 'conformance', labels: t.labels, ...extra });
      sandboxes.push(id);
      return { id, uid };
    }

    function spec(workload: Workload, extra: Partial<ContainerSpec> = {}): ContainerSpec {
      return { name: `c${++seq}`, image: t.busyboxImage, command: workload.command, stopGraceSeconds: 2, ...extra };
    }

    async function run(sandboxId: string, workload: Workload, extra: Partial<ContainerSpec> = {}): Promise<string> {
      const id = await rt.createContainer(sandboxId, spec(workload, extra));
      await rt.startContainer(id);
      return id;
    }

    async function logText(id: string, opts: Parameters<Runtime['logs']>[1] = {}): Promise<LogLine[]> {
      const out: LogLine[] = [];
      for await (const line of rt.logs(id, opts)) out.push(line);
      return out;
    }

    it('runs a sandbox on the pause image, loading it when missing', async () => {
      expect(await rt.imageExists(t.pauseImage)).toBe(false);
      const { id, uid } = await sandbox();
      const status = await rt.sandboxStatus(id);
      expect(status).toMatchObject({ id, uid, namespace: 'conformance', state: 'ready', infraImage: t.pauseImage, attempt: 0 });
      expect(status.labels).toMatchObject({ ...t.labels, [L.LABEL_POD_UID]: uid, [L.LABEL_POD_NAMESPACE]: 'conformance' });
      expect(await rt.imageExists(t.pauseImage)).toBe(true);
      expect(await rt.listContainers({ sandboxId: id })).toEqual([]);
    });

    it('lists sandboxes and containers by label', async () => {
      const a = await sandbox();
      const b = await sandbox();
      const ca = await rt.createContainer(a.id, spec(workloads.sleeper, { name: 'main', labels: { role: 'a' } }));
      await rt.createContainer(b.id, spec(workloads.sleeper, { name: 'main', labels: { role: 'b' } }));
      expect((await rt.listSandboxes({ labels: { [L.LABEL_POD_UID]: a.uid } })).map((s) => s.id)).toEqual([a.id]);
      const ours = (await rt.listSandboxes({ labels: t.labels })).map((s) => s.id);
      expect(ours).toEqual(expect.arrayContaining([a.id, b.id]));
      const inA = await rt.listContainers({ labels: { [L.LABEL_POD_UID]: a.uid, [L.LABEL_CONTAINER_NAME]: 'main' } });
      expect(inA.map((c) => c.id)).toEqual([ca]);
      expect(inA[0]).toMatchObject({ sandboxId: a.id, name: 'main', attempt: 0, state: 'created', image: t.busyboxImage });
      expect((await rt.listContainers({ sandboxId: b.id })).map((c) => c.labels['role'])).toEqual(['b']);
    });

    it('snapshots sandboxes and containers in one read, and knows the pod IP', async () => {
      const { id, uid } = await sandbox();
      const c = await rt.createContainer(id, spec(workloads.sleeper, { name: 'main' }));
      const snap = await rt.snapshot({ labels: { [L.LABEL_POD_UID]: uid } });
      expect(snap.sandboxes.map((s) => [s.id, s.uid, s.state, s.infraImage, s.attempt])).toEqual([[id, uid, 'ready', t.pauseImage, 0]]);
      expect(snap.containers.map((x) => [x.id, x.sandboxId, x.name, x.state])).toEqual([[c, id, 'main', 'created']]);
      expect((await rt.sandboxStatus(id)).ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    });

    it('reports a sandbox that stops as an event carrying its labels, filtering events by label', async () => {
      const { id, uid } = await sandbox();
      const other = await sandbox();
      const abort = new AbortController();
      const giveUp = setTimeout(() => abort.abort(), 20_000);
      const events = rt.events({ signal: abort.signal, labels: { [L.LABEL_POD_UID]: uid } });
      const seen: string[] = [];
      const stopped = (async () => {
        for await (const e of events) {
          seen.push(e.id);
          if (e.type === 'SandboxStopped' && e.id === id) return e;
        }
        return undefined;
      })();
      await rt.stopSandbox(other.id, 1);
      await rt.stopSandbox(id, 1);
      try {
        expect(await stopped).toMatchObject({ type: 'SandboxStopped', id, labels: expect.objectContaining({ [L.LABEL_POD_UID]: uid }) });
        expect(seen).not.toContain(other.id);
      } finally {
        clearTimeout(giveUp);
        abort.abort();
      }
      expect((await rt.snapshot({ labels: { [L.LABEL_POD_UID]: uid } })).sandboxes.map((s) => s.state)).toEqual(['notready']);
    });

    it('creates a sandbox without starting it, then starts it with the containers created meanwhile', async () => {
      const uid = randomUUID();
      const id = await rt.createSandbox({ uid, name: `conf-${++seq}`, namespace: 'conformance', labels: t.labels });
      sandboxes.push(id);
      expect((await rt.sandboxStatus(id)).state).toBe('notready');
      const c = await rt.createContainer(id, spec(workloads.sleeper));
      expect((await rt.containerStatus(c)).state).toBe('created');
      await rt.startSandbox(id);
      expect((await rt.sandboxStatus(id)).state).toBe('ready');
      expect((await rt.containerStatus(c)).state).toBe('running');
      await rt.startSandbox(id);
    });

    it('lets containers of one sandbox talk over localhost', async () => {
      const { id } = await sandbox();
      await run(id, workloads.httpd);
      const client = await run(id, workloads.wgetLocalhost);
      expect(await rt.waitContainer(client)).toBe(0);
      expect((await logText(client)).map((l) => l.line)).toContain(HELLO);
    });

    it('passes the environment and bind-mounts host paths', async () => {
      const { id } = await sandbox();
      const env = await run(id, workloads.printEnv, { env: { GREETING: 'hi there' } });
      expect(await rt.waitContainer(env)).toBe(0);
      expect((await logText(env)).map((l) => l.line)).toEqual(['greeting=hi there']);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-conformance-'));
      try {
        writeFileSync(path.join(dir, 'in.txt'), 'from the host\n');
        const c = await run(id, workloads.useMount, { mounts: [{ hostPath: dir, containerPath: '/data' }] });
        expect(await rt.waitContainer(c)).toBe(0);
        expect((await logText(c)).map((l) => l.line)).toEqual(['from the host']);
        expect(readFileSync(path.join(dir, 'out.txt'), 'utf8')).toBe('written\n');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('publishes a sandbox port on the host', async () => {
      const hostPort = await freePort();
      const { id } = await sandbox({ ports: [{ containerPort: HTTP_PORT, hostPort, protocol: 'TCP' }] });
      expect((await rt.sandboxStatus(id)).ports).toEqual([{ containerPort: HTTP_PORT, hostPort, protocol: 'TCP' }]);
      await run(id, workloads.httpd);
      expect(await httpGetWithRetry(`http://127.0.0.1:${hostPort}/`, 10_000)).toBe(`${HELLO}\n`);
    });

    it('reports exit codes and times', async () => {
      const { id } = await sandbox();
      const c = await run(id, workloads.exit3);
      expect(await rt.waitContainer(c)).toBe(3);
      const status = await rt.containerStatus(c);
      expect(status).toMatchObject({ id: c, sandboxId: id, state: 'exited', exitCode: 3, reason: 'Error' });
      expect(status.startedAt).toBeInstanceOf(Date);
      expect(status.finishedAt?.getTime()).toBeGreaterThanOrEqual(status.startedAt?.getTime() ?? Infinity);
      expect(status.imageId).toMatch(/^[0-9a-f]{64}$/);
      const listed = await rt.listContainers({ sandboxId: id });
      expect(listed.map((s) => [s.id, s.state, s.exitCode])).toEqual([[c, 'exited', 3]]);
    });

    it('stops with SIGTERM first, then SIGKILL after the grace period', async () => {
      const { id } = await sandbox();
      const polite = await run(id, workloads.trapTerm);
      const stubborn = await run(id, workloads.ignoreTerm);
      await waitForLog(polite, 'ready');
      await waitForLog(stubborn, 'ready');
      const followed = logText(polite, { follow: true });
      await rt.stopContainer(polite, 10);
      expect(await rt.containerStatus(polite)).toMatchObject({ state: 'exited', exitCode: 7 });
      expect((await followed).map((l) => l.line)).toEqual(['ready', 'got-term']);
      await rt.stopContainer(stubborn, 1);
      expect(await rt.containerStatus(stubborn)).toMatchObject({ state: 'exited', exitCode: 137 });
      await rt.stopContainer(stubborn, 1); // idempotent
    });

    it('demultiplexes logs, with tail and timestamps', async () => {
      const { id } = await sandbox();
      const c = await run(id, workloads.twoStreams);
      expect(await rt.waitContainer(c)).toBe(0);
      const all = await logText(c);
      expect(all.filter((l) => l.stream === 'stdout').map((l) => l.line)).toEqual(['out1', 'out2']);
      expect(all.filter((l) => l.stream === 'stderr').map((l) => l.line)).toEqual(['err1']);
      expect(all.every((l) => l.time === undefined)).toBe(true);
      const stamped = await logText(c, { timestamps: true });
      expect(stamped.map((l) => l.line).sort()).toEqual(['err1', 'out1', 'out2']);
      expect(stamped.every((l) => l.time instanceof Date && !Number.isNaN(l.time.getTime()))).toBe(true);
      expect(await logText(c, { tailLines: 1 })).toHaveLength(1);
    });

    it('execs in a running container and returns output and exit code', async () => {
      const { id } = await sandbox();
      const c = await run(id, workloads.sleeper);
      expect(await rt.exec(c, execProbe, { timeoutMs: 10_000 })).toEqual({ exitCode: 4, stdout: 'to-out\n', stderr: 'to-err\n' });
    });

    describe('interactive exec', () => execStreamConformance({ runtime: () => rt, sleeper: async () => run((await sandbox()).id, workloads.sleeper) }));

    it('emits events for a container that starts and dies', async () => {
      const { id } = await sandbox();
      const abort = new AbortController();
      const events = rt.events({ signal: abort.signal });
      const c = await run(id, workloads.exit3);
      const seen: RuntimeEvent[] = [];
      try {
        for await (const e of events) {
          if (e.id === c) seen.push(e);
          if (e.type === 'ContainerDied' && e.id === c) break;
        }
      } finally {
        abort.abort();
      }
      expect(seen.map((e) => e.type)).toEqual(expect.arrayContaining(['ContainerStarted', 'ContainerDied']));
      const died = seen.find((e) => e.type === 'ContainerDied');
      expect(died).toMatchObject({ type: 'ContainerDied', id: c, exitCode: 3, labels: expect.objectContaining({ [L.LABEL_CONTAINER_NAME]: expect.any(String) }) });
    });

    it('pulls per policy and reports a missing image under Never as NotFound', async () => {
      expect(await rt.pullImage(t.busyboxImage, 'IfNotPresent')).toMatch(/^[0-9a-f]{64}$/);
      expect(await rt.pullImage(t.busyboxImage, 'Never')).toMatch(/^[0-9a-f]{64}$/);
      const missing = `localhost/flotilla/not-there:${seq}`;
      expect(await rt.imageExists(missing)).toBe(false);
      await expect(rt.pullImage(missing, 'Never')).rejects.toMatchObject({ code: 'NotFound' });
    });

    it('removes idempotently and reports unknown ids as NotFound', async () => {
      const { id } = await sandbox();
      const c = await run(id, workloads.sleeper);
      await rt.removeContainer(c);
      await rt.removeContainer(c);
      await expect(rt.containerStatus(c)).rejects.toMatchObject({ code: 'NotFound' });
      await rt.removeSandbox(id);
      await rt.removeSandbox(id);
      await expect(rt.sandboxStatus(id)).rejects.toMatchObject({ code: 'NotFound' });
      expect((await rt.listSandboxes({ labels: t.labels })).map((s) => s.id)).not.toContain(id);
      expect((await rt.version()).runtimeVersion).toMatch(/\S/);
    });

    async function waitForLog(id: string, line: string): Promise<void> {
      for (let i = 0; i < 100; i++) {
        if ((await logText(id)).some((l) => l.line === line)) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`container ${id} never logged ${JSON.stringify(line)}`);
    }
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** GET the URL until it answers 200 (the server inside the container may still be starting). */
async function httpGetWithRetry(url: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<string>((resolve, reject) => {
        http.get(url, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
        }).on('error', reject);
      });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
