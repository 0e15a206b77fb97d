// An in-process cluster for end-to-end tests with the real kubectl: the Kubernetes API over HTTPS
// (kubectl sends tokens only over TLS) on a real NedbStore, the controller manager, simulated
// kubelets and the test binder, on a FakeClock driven at wall-clock pace so `kubectl rollout
// status`, `wait` and `drain` see a live cluster. Everything is torn down by close().

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { FakeClock } from '../../shared/clock';
import { createApiHandler } from '../../server/api';
import { renderKubeconfig } from '../../server/auth/kubeconfig';
import { SimFleet } from '../../server/controllers/fake/sim-fleet';
import { ensureSystemNamespaces } from '../../server/controllers/namespace';
import { ensurePki } from '../../server/pki/pki';
import { openStore, type NedbStore } from '../../server/store';
import type { KubectlResult } from './kubectl';

export interface SimCluster {
  kubeconfig: string;
  fleet: SimFleet;
  store: NedbStore;
  /** kubectl without blocking this process's event loop (the cluster runs in it). */
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  kubectlOk(args: string[], input?: string): Promise<string>;
  close(): Promise<void>;
}

const TOKEN = 'sim-admin-token';

export async function startSimCluster(options: { nodes?: number; startDelayMs?: number } = {}): Promise<SimCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-sim-cluster-'));
  const clock = new FakeClock(Date.now());
  const store = await openStore({ dir: join(dir, 'store'), clock });
  await ensureSystemNamespaces(store);
  const api = createApiHandler({
    store,
    authenticate: async (t) => (t === TOKEN ? { name: 'admin', role: 'admin' } : undefined),
    logger: pino({ level: 'silent' }),
    now: () => new Date(clock.now()),
  });
  const pki = ensurePki(join(dir, 'pki'));
  const https: Server = createServer({ cert: pki.certPem, key: pki.keyPem }, api);
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  writeFileSync(kubeconfig, renderKubeconfig({ server: `https://127.0.0.1:${(https.address() as AddressInfo).port}`, caPem: pki.caCertPem, token: TOKEN }), { mode: 0o600 });
  const fleet = new SimFleet({ clock, store, startDelayMs: options.startDelayMs ?? 300, stopDelayMs: 200, runMs: 1000 });
  await fleet.start();
  await fleet.addNodes(options.nodes ?? 3);
  let last = Date.now();
  const driver = setInterval(() => {
    const now = Date.now();
    clock.advance(now - last);
    last = now;
  }, 20);
  const children = new Set<ReturnType<typeof spawn>>();
  const kubectl = (args: string[], input?: string): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const proc = spawn('kubectl', ['--kubeconfig', kubeconfig, '--request-timeout=20s', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      children.add(proc);
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => proc.kill('SIGKILL'), 90_000);
      proc.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      proc.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      proc.on('close', (code) => {
        clearTimeout(timer);
        children.delete(proc);
        resolve({ status: code ?? -1, stdout, stderr });
      });
      proc.stdin.end(input ?? '');
    });
  return {
    kubeconfig,
    fleet,
    store,
    kubectl,
    async kubectlOk(args, input) {
      const r = await kubectl(args, input);
      if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    async close() {
      for (const c of children) c.kill('SIGKILL');
      clearInterval(driver);
      await fleet.stop();
      const closed = new Promise<void>((r) => https.close(() => r()));
      https.closeAllConnections();
      await closed;
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
