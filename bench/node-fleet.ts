// Fleet scale of the node channel, with the embedded broker and with mosquitto side by side: N
// simulated devices (`flotilla sim`, a separate process) join one `flotilla server` (a separate
// process) with a join token, heartbeat every 10 s; then a reconnect storm (the server restarts
// under them). Figures: time until all Ready, server (+ broker) RSS and CPU at steady state,
// heartbeat-to-store latency p99, idle uplink per device, reconnect time and pod restarts, and what
// the devices saw while joining (connects the broker refused, other failed dials).
// Usage: npm run build && node -r ./test/setup/swc-register.js bench/node-fleet.ts [nodes=2000] [steadySeconds=30] [brokers=embedded,mosquitto]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKubeconfig } from '../server/auth/kubeconfig';
import { startMosquitto, type Mosquitto } from '../test/helpers/mosquitto';
import { BIN, metrics, start, startServer, stopProc, usage, waitFor, type Proc } from './fleet-fixtures';

const KUBEEDGE_NODES_PER_CORE = 100_000 / 188;
const KUBEEDGE_IDLE_KBPS = 0.25;

/** Creates `count` pods spread over the simulated nodes, through the API (50 in flight). */
async function createPods(kubeconfig: string, port: number, count: number, nodes: number): Promise<void> {
  const kc = readKubeconfig(kubeconfig);
  const post = (i: number): Promise<void> =>
    new Promise((res, rej) => {
      const body = Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `bench-${i}`, namespace: 'default' }, spec: { nodeName: `sim-${String((i % nodes) + 1).padStart(5, '0')}`, containers: [{ name: 'c', image: 'busybox' }] } }));
      const req = request({ host: '127.0.0.1', port, path: '/api/v1/namespaces/default/pods', method: 'POST', ca: kc.caPem, headers: { Authorization: `Bearer ${kc.token}`, 'Content-Type': 'application/json', 'Content-Length': body.length } }, (r) => {
        r.resume();
        r.on('end', () => (r.statusCode === 201 ? res() : rej(new Error(`POST pod ${i}: ${r.statusCode}`))));
      });
      req.on('error', rej);
      req.end(body);
    });
  let next = 0;
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (next < count) await post(next++ * Math.max(1, Math.floor(nodes / count)));
  }));
}

interface Figures {
  broker: string;
  nodes: number;
  joinedMs: number;
  readyMs: number;
  serverRss: number;
  serverCores: number;
  brokerRss?: number;
  brokerCores?: number;
  p99Ms: number;
  heartbeatsPerS: number;
  uplinkBitsPerS: number;
  /** Dials the broker refused (bad credentials / not authorised) and other failed dials, while joining. */
  refusedDials: number;
  failedDials: number;
  /** Nodes not Ready when the 300 s bound ran out (the rest of the figures are then NaN). */
  notReady?: number;
  /** Rewrites+reloads of mosquitto's files while joining (mosquitto only). */
  reloads?: number;
  /** The last of them: from asking for the reload to the probe login getting in; probe logins refused so far. */
  reloadDetail?: { lastReloadMs: number; probeRetries: number };
  load: string;
  storm?: { what: string; readyMs: number; reconnected: number; restarts: number; pods: number };
}

const REFUSED = 'the broker refused this device (was its Node deleted?); retrying';
const LINK_DOWN = 'node channel link down; reconnecting';
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function run(broker: 'embedded' | 'mosquitto', nodes: number, steadyS: number): Promise<Figures> {
  const startLoad = load();
  const dir = mkdtempSync(join(tmpdir(), `flotilla-bench-fleet-${broker}-`));
  let mosquitto: Mosquitto | undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let sim: Proc | undefined;
  try {
    const extra: string[] = [];
    const mosquittoArgs = (m: Mosquitto): string[] => ['--mqtt-url', `mqtt://127.0.0.1:${m.port}`, '--mosquitto-password-file', m.passwordFile, '--mosquitto-acl-file', m.aclFile, '--mosquitto-reload', m.reloadCommand];
    if (broker === 'mosquitto') {
      mosquitto = await startMosquitto(dir);
      extra.push(...mosquittoArgs(mosquitto));
    } else extra.push('--mqtt-port', '0');
    server = await startServer(join(dir, 'server'), extra);
    const kubeconfig = join(dir, 'server', 'kubeconfig.yaml');
    const tok = spawnSync(process.execPath, [BIN, 'token', 'create', '--data-dir', join(dir, 'server'), '--usages', String(nodes)], { encoding: 'utf8' });
    if (tok.status !== 0) throw new Error(tok.stderr);
    if (mosquitto) await new Promise((r) => setTimeout(r, 500)); // the token reaches mosquitto's password file
    const t0 = Date.now();
    sim = start(['sim', '--token', tok.stdout.trim(), '--nodes', String(nodes), '--data-dir', join(dir, 'sim'), '--status-every', '5', '--log-level', 'warn', '--concurrency', '200']);
    const simProc = sim;
    await waitFor('sim ready', Math.max(600_000, nodes * 120), () => simProc.lines.find((l) => l.msg === 'sim ready'));
    const joinedMs = Date.now() - t0;
    const srv = server;
    const allReady = await waitFor('all nodes Ready', 300_000, async () => ((await metrics(kubeconfig, srv.port)).flotilla_nodes_ready === nodes ? true : undefined)).catch(() => false);
    const readyMs = Date.now() - t0;
    const refusedDials = simProc.lines.filter((l) => l.msg === REFUSED).length;
    const failedDials = simProc.lines.filter((l) => l.msg === LINK_DOWN).length;
    const atReady = await metrics(kubeconfig, srv.port);
    const reloads = atReady.flotilla_mosquitto_reloads;
    const reloadDetail = reloads !== undefined ? { lastReloadMs: atReady.flotilla_mosquitto_last_reload_ms ?? NaN, probeRetries: atReady.flotilla_mosquitto_probe_retries ?? NaN } : undefined;
    if (!allReady) {
      // Not all Ready within the bound: report what the devices saw, skip the rest.
      return { broker, nodes, joinedMs, readyMs: NaN, notReady: nodes - (atReady.flotilla_nodes_ready ?? 0), serverRss: NaN, serverCores: NaN, p99Ms: NaN, heartbeatsPerS: NaN, uplinkBitsPerS: NaN, refusedDials, failedDials, ...(reloads !== undefined ? { reloads } : {}), ...(reloadDetail ? { reloadDetail } : {}), load: `${startLoad} at the start, ${load()} at the end` };
    }

    await new Promise((r) => setTimeout(r, 10_000)); // settle
    const pid = srv.p.proc.pid ?? 0;
    const u0 = usage(pid);
    const b0 = mosquitto?.proc.pid ? usage(mosquitto.proc.pid) : undefined;
    const m0 = await metrics(kubeconfig, srv.port);
    const bytes0 = simProc.lines.filter((l) => l.msg === 'sim status').at(-1);
    const w0 = Date.now();
    await new Promise((r) => setTimeout(r, steadyS * 1000));
    const bytes1 = await waitFor('a fresh sim status', 10_000, () => {
      const last = simProc.lines.filter((l) => l.msg === 'sim status').at(-1);
      return last !== bytes0 ? last : undefined;
    });
    const w1 = Date.now();
    const u1 = usage(pid);
    const b1 = mosquitto?.proc.pid ? usage(mosquitto.proc.pid) : undefined;
    const m1 = await metrics(kubeconfig, srv.port);
    const seconds = (w1 - w0) / 1000;
    const upBytes = Number(bytes1.uplinkBytes) - Number(bytes0?.uplinkBytes ?? 0);
    const figures: Figures = {
      broker,
      nodes,
      joinedMs,
      readyMs,
      serverRss: u1.rss,
      serverCores: (u1.cpuS - u0.cpuS) / seconds,
      ...(b0 && b1 ? { brokerRss: b1.rss, brokerCores: (b1.cpuS - b0.cpuS) / seconds } : {}),
      p99Ms: m1.flotilla_heartbeat_store_latency_p99_ms ?? NaN,
      heartbeatsPerS: ((m1.flotilla_heartbeats_written ?? 0) - (m0.flotilla_heartbeats_written ?? 0)) / seconds,
      uplinkBitsPerS: (upBytes * 8) / seconds / nodes,
      refusedDials,
      failedDials,
      ...(reloads !== undefined ? { reloads } : {}),
      ...(reloadDetail ? { reloadDetail } : {}),
      load: `${startLoad} at the start, ${load()} at steady state`,
    };

    {
      // Pods on a tenth of the fleet (at most 1,000), running before the storm.
      const podCount = Math.min(1000, Math.ceil(nodes / 10));
      await createPods(kubeconfig, srv.port, podCount, nodes);
      const podsUp = await waitFor('pods running on the fleet', 120_000, () => {
        const last = simProc.lines.filter((l) => l.msg === 'sim status').at(-1);
        return last && Number(last.starts) >= podCount ? last : undefined;
      });
      // Reconnect storm: the server (and its embedded broker) restarts under the fleet; with mosquitto,
      // the server and mosquitto both restart (mosquitto without persistence: every session is new).
      const sessionsBefore = Number(simProc.lines.filter((l) => l.msg === 'sim status').at(-1)?.sessions ?? 0);
      srv.p.proc.kill('SIGTERM');
      await srv.p.exited;
      let t1 = Date.now();
      if (mosquitto) {
        const port = mosquitto.port;
        await mosquitto.stop();
        t1 = Date.now();
        mosquitto = await startMosquitto(dir, { port });
        server = await startServer(join(dir, 'server'), mosquittoArgs(mosquitto));
      } else {
        if (srv.mqttPort === undefined) throw new Error('the server did not report its MQTT port');
        server = await startServer(join(dir, 'server'), ['--mqtt-port', String(srv.mqttPort)]);
      }
      const again = server;
      const reconnected = await waitFor('every device reconnected', 120_000, () => {
        const last = simProc.lines.filter((l) => l.msg === 'sim status').at(-1);
        return last && Number(last.sessions) >= sessionsBefore + nodes && Number(last.connected) === nodes ? Number(last.sessions) - sessionsBefore : undefined;
      });
      await waitFor('all Ready after the storm', 120_000, async () => ((await metrics(kubeconfig, again.port)).flotilla_nodes_ready === nodes ? true : undefined));
      const readyMs = Date.now() - t1;
      await new Promise((r) => setTimeout(r, 6000)); // two status lines: late starts/stops would show
      const after = simProc.lines.filter((l) => l.msg === 'sim status').at(-1);
      const restarts = Number(after?.starts) - Number(podsUp.starts) + (Number(after?.stops) - Number(podsUp.stops));
      figures.storm = { what: mosquitto ? 'server and mosquitto restart' : 'server restart', readyMs, reconnected, restarts, pods: podCount };
    }
    return figures;
  } finally {
    await stopProc(sim, 20_000);
    await stopProc(server?.p, 20_000);
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (b: number | undefined): string => (b === undefined ? '-' : `${(b / 1048576).toFixed(0)} MiB`);

async function main(): Promise<void> {
  const nodes = Number(process.argv[2] ?? 2000);
  const steadyS = Number(process.argv[3] ?? 30);
  const brokers = (process.argv[4] ?? 'embedded,mosquitto').split(',').filter((b): b is 'embedded' | 'mosquitto' => b === 'embedded' || b === 'mosquitto');
  console.log(`node channel fleet benchmark — ${nodes} simulated devices (one sim process), heartbeat 10 s, node ${process.version}, loopback, load average ${load()}`);
  const results: Figures[] = [];
  for (const broker of brokers) {
    const f = await run(broker, nodes, steadyS);
    results.push(f);
    const cores = f.serverCores + (f.brokerCores ?? 0);
    console.log(`\n[${broker}] joined ${(f.joinedMs / 1000).toFixed(1)} s, ${f.notReady ? `NOT all Ready: ${f.notReady} of ${nodes} still not Ready 300 s after` : `all Ready ${(f.readyMs / 1000).toFixed(1)} s`} (load average ${f.load})`);
    console.log(`  while joining: ${f.refusedDials} dials refused by the broker, ${f.failedDials} other failed dials${f.reloads !== undefined ? `, ${f.reloads} mosquitto reloads` : ''}${f.reloadDetail ? ` (the last confirmed ${f.reloadDetail.lastReloadMs.toFixed(0)} ms after it was asked for; ${f.reloadDetail.probeRetries} probe logins refused)` : ''}`);
    if (f.notReady) continue;
    console.log(`  steady state (${steadyS} s): server RSS ${mb(f.serverRss)}, CPU ${(f.serverCores * 100).toFixed(1)} % of a core${f.brokerCores !== undefined ? `; mosquitto RSS ${mb(f.brokerRss)}, CPU ${(f.brokerCores * 100).toFixed(1)} %` : ''}`);
    console.log(`  lease writes ${f.heartbeatsPerS.toFixed(0)}/s, heartbeat→store p99 ${f.p99Ms.toFixed(1)} ms (goal ≤ 1000 ms: ${(f.p99Ms / 1000).toFixed(3)}× the goal)`);
    console.log(`  nodes per core at steady state: ${(nodes / Math.max(cores, 1e-9)).toFixed(0)} (KubeEdge ≈ ${KUBEEDGE_NODES_PER_CORE.toFixed(0)}/core: ${(nodes / Math.max(cores, 1e-9) / KUBEEDGE_NODES_PER_CORE).toFixed(1)}×; goal 5,000/core)`);
    console.log(`  idle uplink per device: ${(f.uplinkBitsPerS / 1000).toFixed(3)} kbit/s MQTT bytes on the wire (KubeEdge 0.25 kbit/s: ${(f.uplinkBitsPerS / 1000 / KUBEEDGE_IDLE_KBPS).toFixed(2)}×; goal ≤ 0.1)`);
    if (f.storm) console.log(`  reconnect storm (${f.storm.what}): ${f.storm.reconnected} sessions re-opened, all Ready ${(f.storm.readyMs / 1000).toFixed(1)} s after the restart (goal ≤ 60 s), pods started or stopped during the storm ${f.storm.restarts} of ${f.storm.pods} running`);
  }
  const [e, m] = results;
  if (e && m) console.log(`\nembedded vs mosquitto: server+broker CPU ${((e.serverCores) / (m.serverCores + (m.brokerCores ?? 0))).toFixed(2)}×, p99 ${(e.p99Ms / m.p99Ms).toFixed(2)}×, all Ready ${(e.readyMs / m.readyMs).toFixed(2)}×`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
