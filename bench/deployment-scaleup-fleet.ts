// Bench: a Deployment scaled from 0 to 10,000 replicas over 1,000 simulated devices, end to end
// over the node channel: a real `flotilla server` process (store, controllers, scheduler, embedded
// broker) and a `flotilla sim` process whose devices each run the real kubelet on a fake runtime
// and report over MQTT. Phases come from a watch on the API (created, scheduled, Running as the
// devices reported it) and from the sim (running on the devices); store writes from the
// resourceVersion; CPU of both processes. The peer line is kube-controller-manager's default
// client QPS, as in bench/deployment-scaleup.ts (which runs the control plane alone, in-process).
// Usage: npm run build && node -r ./test/setup/swc-register.js bench/deployment-scaleup-fleet.ts [replicas=10000] [nodes=1000] [--lightweight]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../shared/api/core';
import type { Deployment } from '../shared/api/workloads';
import { ApiClient } from '../bin/api-client';
import { listObjects, watchObjects, type Watch } from '../test/helpers/api-watch';
import { BIN, metrics, start, startServer, stopProc, usage, waitFor, type Proc } from './fleet-fixtures';

const args = process.argv.slice(2);
const numbers = args.filter((a) => /^\d+$/.test(a)).map(Number);
const REPLICAS = Math.min(numbers[0] ?? 10_000, 20_000);
const NODES = Math.min(numbers[1] ?? 1_000, 10_000);
const LIGHTWEIGHT = args.includes('--lightweight');
const LIMIT_MS = 300_000;
const KCM_QPS = 20;

const fmt = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-scaleup-fleet-'));
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let sim: Proc | undefined;
  const watches: Watch[] = [];
  try {
    server = await startServer(join(dir, 'server'), ['--mqtt-port', '0']);
    const srv = server;
    const kubeconfig = join(dir, 'server', 'kubeconfig.yaml');
    const tok = spawnSync(process.execPath, [BIN, 'token', 'create', '--data-dir', join(dir, 'server'), '--usages', String(NODES)], { encoding: 'utf8' });
    if (tok.status !== 0) throw new Error(tok.stderr);
    sim = start(['sim', '--token', tok.stdout.trim(), '--nodes', String(NODES), '--data-dir', join(dir, 'sim'), '--status-every', '1', '--log-level', 'warn', '--concurrency', '200', ...(LIGHTWEIGHT ? ['--lightweight'] : [])]);
    const s = sim;
    await waitFor('sim ready', 300_000, () => s.lines.find((l) => l.msg === 'sim ready'));
    await waitFor('all nodes Ready', 300_000, async () => ((await metrics(kubeconfig, srv.port)).flotilla_nodes_ready === NODES ? true : undefined));

    const api = ApiClient.fromKubeconfig(kubeconfig);
    const path = '/apis/apps/v1/namespaces/default/deployments';
    await api.request('POST', path, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'fleet-app', namespace: 'default' },
      spec: { replicas: 0, selector: { matchLabels: { app: 'fleet-app' } }, template: { metadata: { labels: { app: 'fleet-app' } }, spec: { containers: [{ name: 'app', image: 'registry.local/app:v1', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } },
    });
    await sleep(1_000);

    const at: Record<string, number> = {};
    const seen = { created: 0, scheduled: 0, running: 0 };
    const scheduled = new Set<string>();
    const running = new Set<string>();
    let t0 = 0;
    const mark = (phase: keyof typeof seen): void => {
      if (++seen[phase] === REPLICAS) at[phase] = performance.now() - t0;
    };
    const listed = await listObjects<Pod>(kubeconfig, '/api/v1/namespaces/default/pods');
    const rv0 = Number(listed.resourceVersion);
    watches.push(watchObjects<Pod>(kubeconfig, '/api/v1/namespaces/default/pods', listed.resourceVersion, (e) => {
      const key = e.object.metadata.name ?? '';
      if (e.type === 'ADDED') mark('created');
      if (e.object.spec?.nodeName && !scheduled.has(key) && scheduled.add(key)) mark('scheduled');
      if (e.object.status?.phase === 'Running' && !running.has(key) && running.add(key)) mark('running');
    }));
    watches.push(watchObjects<Deployment>(kubeconfig, path, listed.resourceVersion, (e) => {
      if ((e.object.status?.availableReplicas ?? 0) >= REPLICAS) at.available ??= performance.now() - t0;
    }));
    await sleep(500);
    const [server0, sim0] = [usage(srv.p.proc.pid ?? 0), usage(s.proc.pid ?? 0)];
    const d = await api.request<Deployment>('GET', `${path}/fleet-app`);
    t0 = performance.now();
    await api.request('PUT', `${path}/fleet-app`, { ...d, spec: { ...d.spec, replicas: REPLICAS } });
    const outcome = await Promise.race([
      (async () => {
        await waitFor('available', LIMIT_MS, () => (at.available !== undefined ? true : undefined));
        await waitFor('running on the devices', 60_000, () => {
          const last = s.lines.filter((l) => l.msg === 'sim status').at(-1);
          return Number(last?.running) >= REPLICAS ? (at.devices ??= performance.now() - t0) : undefined;
        });
        return 'ok' as const;
      })(),
      sleep(LIMIT_MS).then(() => 'timeout' as const),
    ]);
    const elapsed = performance.now() - t0;
    const [server1, sim1] = [usage(srv.p.proc.pid ?? 0), usage(s.proc.pid ?? 0)];
    const rv1 = Number((await listObjects(kubeconfig, '/api/v1/namespaces/default/pods?limit=1')).resourceVersion);
    const broken = watches.map((w) => w.broken()).find((b) => b !== undefined);

    console.log(`Deployment scale-up 0 → ${REPLICAS} replicas over ${NODES} simulated devices over MQTT (flotilla server + flotilla sim${LIGHTWEIGHT ? ' --lightweight' : ', real kubelets'}), node ${process.version}`);
    if (outcome === 'timeout') console.log(`  DID NOT FINISH within ${fmt(LIMIT_MS)}: ${JSON.stringify(seen)}`);
    if (broken) console.log(`  (a watch broke: ${broken}; phase times may be missing)`);
    console.log(`  all pods created              ${fmt(at.created)}`);
    console.log(`  all pods scheduled            ${fmt(at.scheduled)}`);
    console.log(`  all pods Running (API)        ${fmt(at.running)}`);
    console.log(`  Deployment available          ${fmt(at.available)}`);
    console.log(`  all running on the devices    ${fmt(at.devices)} (the sim's own count, 1 s status lines)`);
    console.log(`  pods Running per second       ${at.running !== undefined ? ((REPLICAS / at.running) * 1000).toFixed(0) : '-'}`);
    console.log(`  store writes                  ${rv1 - rv0} (${(((rv1 - rv0) / elapsed) * 1000).toFixed(0)}/s over ${fmt(elapsed)}: pods, bindings, pod statuses, ReplicaSet/Deployment status, Events, Leases)`);
    console.log(`  CPU during the scale-up       server ${(server1.cpuS - server0.cpuS).toFixed(1)} s, sim ${(sim1.cpuS - sim0.cpuS).toFixed(1)} s; RSS server ${(server1.rss / 1048576).toFixed(0)} MiB, sim ${(sim1.rss / 1048576).toFixed(0)} MiB`);
    console.log('');
    console.log(`Peer: kube-controller-manager's default --kube-api-qps ${KCM_QPS} alone needs ≥ ${fmt((REPLICAS / KCM_QPS) * 1000)} for the ${REPLICAS} pod creates (quoted, not run here).`);
    if (at.created !== undefined) console.log(`  Flotilla created them in ${fmt(at.created)}: ${(((REPLICAS / at.created) * 1000) / KCM_QPS).toFixed(0)}× that rate; all Running on the devices after ${fmt(at.devices)}.`);
    if (outcome === 'timeout') process.exitCode = 1;
  } finally {
    for (const w of watches) w.stop();
    await stopProc(sim, 30_000);
    await stopProc(server?.p, 20_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
