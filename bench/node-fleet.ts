// Fleet scale of the node channel, with the embedded broker and with mosquitto side by side: N
// simulated devices (`flotilla sim`, a separate process) join one `flotilla server` (a separate
// process) with a join token, heartbeat every 10 s; then a reconnect storm (the server restarts
// under them). Figures: time until all Ready, server (+ broker) RSS and CPU at steady state,
// heartbeat-to-store latency p99, idle uplink per device, reconnect time and pod restarts.
// Usage: npm run build && node -r ./test/setup/swc-register.js bench/node-fleet.ts [nodes=2000] [steadySeconds=30]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKubeconfig } from '../server/auth/kubeconfig';
import { startMosquitto, type Mosquitto } from '../test/helpers/mosquitto';
import { BIN, metrics, start, startServer, usage, waitFor, type Proc } from './fleet-fixtures';

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
  storm?: { readyMs: number; reconnected: number; restarts: number; pods: number };
}

async function run(broker: 'embedded' | 'mosquitto', nodes: number, steadyS: number): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), `flotilla-bench-fleet-${broker}-`));
  let mosquitto: Mosquitto | undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let sim: Proc | undefined;
  try {
    const extra: string[] = [];
    if (broker === 'mosquitto') {
      mosquitto = await startMosquitto(dir);
      extra.push('--mqtt-url', `mqtt://127.0.0.1:${mosquitto.port}`, '--mosquitto-password-file', mosquitto.passwordFile, '--mosquitto-acl-file', mosquitto.aclFile, '--mosquitto-reload', mosquitto.reloadCommand);
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
    await waitFor('all nodes Ready', 300_000, async () => ((await metrics(kubeconfig, srv.port)).flotilla_nodes_ready === nodes ? true : undefined));
    const readyMs = Date.now() - t0;

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
    };

    if (broker === 'embedded' && srv.mqttPort !== undefined) {
      // Pods on a tenth of the fleet (at most 1,000), running before the storm.
      const podCount = Math.min(1000, Math.ceil(nodes / 10));
      await createPods(kubeconfig, srv.port, podCount, nodes);
      const podsUp = await waitFor('pods running on the fleet', 120_000, () => {
        const last = simProc.lines.filter((l) => l.msg === 'sim status').at(-1);
        return last && Number(last.starts) >= podCount ? last : undefined;
      });
      // Reconnect storm: the server (and its embedded broker) restarts under the fleet.
      const sessionsBefore = Number(simProc.lines.filter((l) => l.msg === 'sim status').at(-1)?.sessions ?? 0);
      srv.p.proc.kill('SIGTERM');
      await srv.p.exited;
      const t1 = Date.now();
      server = await startServer(join(dir, 'server'), ['--mqtt-port', String(srv.mqttPort)]);
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
      figures.storm = { readyMs, reconnected, restarts, pods: podCount };
    }
    return figures;
  } finally {
    sim?.proc.kill('SIGTERM');
    if (sim) await Promise.race([sim.exited, new Promise((r) => setTimeout(r, 20_000))]);
    sim?.proc.kill('SIGKILL');
    server?.p.proc.kill('SIGTERM');
    if (server) await Promise.race([server.p.exited, new Promise((r) => setTimeout(r, 20_000))]);
    server?.p.proc.kill('SIGKILL');
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (b: number | undefined): string => (b === undefined ? '-' : `${(b / 1048576).toFixed(0)} MiB`);

async function main(): Promise<void> {
  const nodes = Number(process.argv[2] ?? 2000);
  const steadyS = Number(process.argv[3] ?? 30);
  console.log(`node channel fleet benchmark — ${nodes} simulated devices (one sim process), heartbeat 10 s, node ${process.version}, loopback`);
  const results: Figures[] = [];
  for (const broker of ['embedded', 'mosquitto'] as const) {
    const f = await run(broker, nodes, steadyS);
    results.push(f);
    const cores = f.serverCores + (f.brokerCores ?? 0);
    console.log(`\n[${broker}] joined ${(f.joinedMs / 1000).toFixed(1)} s, all Ready ${(f.readyMs / 1000).toFixed(1)} s`);
    console.log(`  steady state (${steadyS} s): server RSS ${mb(f.serverRss)}, CPU ${(f.serverCores * 100).toFixed(1)} % of a core${f.brokerCores !== undefined ? `; mosquitto RSS ${mb(f.brokerRss)}, CPU ${(f.brokerCores * 100).toFixed(1)} %` : ''}`);
    console.log(`  lease writes ${f.heartbeatsPerS.toFixed(0)}/s, heartbeat→store p99 ${f.p99Ms.toFixed(1)} ms (goal ≤ 1000 ms: ${(f.p99Ms / 1000).toFixed(3)}× the goal)`);
    console.log(`  nodes per core at steady state: ${(nodes / Math.max(cores, 1e-9)).toFixed(0)} (KubeEdge ≈ ${KUBEEDGE_NODES_PER_CORE.toFixed(0)}/core: ${(nodes / Math.max(cores, 1e-9) / KUBEEDGE_NODES_PER_CORE).toFixed(1)}×; goal 5,000/core)`);
    console.log(`  idle uplink per device: ${(f.uplinkBitsPerS / 1000).toFixed(3)} kbit/s MQTT bytes on the wire (KubeEdge 0.25 kbit/s: ${(f.uplinkBitsPerS / 1000 / KUBEEDGE_IDLE_KBPS).toFixed(2)}×; goal ≤ 0.1)`);
    if (f.storm) console.log(`  reconnect storm (server restart): ${f.storm.reconnected} sessions re-opened, all Ready ${(f.storm.readyMs / 1000).toFixed(1)} s after the restart (goal ≤ 60 s), pods started or stopped during the storm ${f.storm.restarts} of ${f.storm.pods} running`);
  }
  const [e, m] = results;
  if (e && m) console.log(`\nembedded vs mosquitto: server+broker CPU ${((e.serverCores) / (m.serverCores + (m.brokerCores ?? 0))).toFixed(2)}×, p99 ${(e.p99Ms / m.p99Ms).toFixed(2)}×, all Ready ${(e.readyMs / m.readyMs).toFixed(2)}×`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
