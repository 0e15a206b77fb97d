// What one simulated device costs inside `flotilla sim`, with the real kubelet (the default) and with
// --lightweight (a fake kubelet) side by side: for each fleet size, a real `flotilla server` and a
// `flotilla sim` process; the sim's RSS and CPU idle with no pods, then with one pod per device
// (a DaemonSet), and how long the fleet took to run those pods. Per device = (RSS − a bare Node
// process's RSS) / devices. Bounded: every wait has a limit, sizes ≤ 10,000.
// Usage: npm run build && node -r ./test/setup/swc-register.js bench/sim-footprint.ts [nodes…=1000 5000] [--steady S=30] [--real-only]

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../bin/api-client';
import { BIN, metrics, start, startServer, stopProc, usage, waitFor, type Proc } from './fleet-fixtures';

type Mode = 'real' | 'lightweight';

interface Figures {
  mode: Mode;
  nodes: number;
  joinedMs: number;
  idleRss: number;
  idleCores: number;
  podsRunningMs: number;
  podsRss: number;
  podsCores: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const lastStatus = (sim: Proc): Record<string, unknown> | undefined => sim.lines.filter((l) => l.msg === 'sim status').at(-1);

/** CPU (cores) and the RSS at the end of a `seconds` window. */
async function window(pid: number, seconds: number): Promise<{ rss: number; cores: number }> {
  const u0 = usage(pid);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const u1 = usage(pid);
  return { rss: u1.rss, cores: (u1.cpuS - u0.cpuS) / ((Date.now() - t0) / 1000) };
}

/** RSS of a bare Node process that only keeps itself alive (what every sim process pays anyway). */
async function bareRss(): Promise<number> {
  const p = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(1500);
  const { rss } = usage(p.pid ?? 0);
  p.kill('SIGKILL');
  return rss;
}

async function run(mode: Mode, nodes: number, steadyS: number): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), `flotilla-bench-sim-${mode}-`));
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let sim: Proc | undefined;
  try {
    server = await startServer(join(dir, 'server'), ['--mqtt-port', '0']);
    const kubeconfig = join(dir, 'server', 'kubeconfig.yaml');
    const tok = spawnSync(process.execPath, [BIN, 'token', 'create', '--data-dir', join(dir, 'server'), '--usages', String(nodes)], { encoding: 'utf8' });
    if (tok.status !== 0) throw new Error(tok.stderr);
    const t0 = Date.now();
    sim = start(['sim', '--token', tok.stdout.trim(), '--nodes', String(nodes), '--data-dir', join(dir, 'sim'), '--status-every', '2', '--log-level', 'warn', '--concurrency', '200', ...(mode === 'lightweight' ? ['--lightweight'] : [])]);
    const s = sim;
    const srv = server;
    await waitFor('sim ready', Math.max(300_000, nodes * 60), () => s.lines.find((l) => l.msg === 'sim ready'));
    await waitFor('all nodes Ready', 300_000, async () => ((await metrics(kubeconfig, srv.port)).flotilla_nodes_ready === nodes ? true : undefined));
    const joinedMs = Date.now() - t0;
    await sleep(5_000);
    const pid = s.proc.pid ?? 0;
    const idle = await window(pid, steadyS);

    const api = ApiClient.fromKubeconfig(kubeconfig);
    const t1 = Date.now();
    await api.request('POST', '/apis/apps/v1/namespaces/default/daemonsets', {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'probe', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'probe' } }, template: { metadata: { labels: { app: 'probe' } }, spec: { containers: [{ name: 'probe', image: 'registry.local/probe:1' }] } } },
    });
    await waitFor(`${nodes} pods running on the devices`, 300_000, () => (Number(lastStatus(s)?.running) >= nodes ? true : undefined));
    const podsRunningMs = Date.now() - t1;
    await sleep(5_000);
    const withPods = await window(pid, steadyS);
    return { mode, nodes, joinedMs, idleRss: idle.rss, idleCores: idle.cores, podsRunningMs, podsRss: withPods.rss, podsCores: withPods.cores };
  } finally {
    await stopProc(sim, 30_000);
    await stopProc(server?.p, 20_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;
const pct = (cores: number): string => `${(cores * 100).toFixed(1)} %`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const steadyAt = args.indexOf('--steady');
  const steadyS = steadyAt >= 0 ? Math.min(120, Number(args[steadyAt + 1])) : 30;
  const sizes = args.filter((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--steady').map(Number).filter((n) => n >= 1 && n <= 10_000);
  const modes: Mode[] = args.includes('--real-only') ? ['real'] : ['lightweight', 'real'];
  const bare = await bareRss();
  console.log(`flotilla sim footprint — node ${process.version}, one sim process per run, heartbeat 10 s, windows of ${steadyS} s; bare Node process RSS ${mib(bare)}`);
  for (const nodes of sizes.length > 0 ? sizes : [1000, 5000]) {
    const results = new Map<Mode, Figures>();
    for (const mode of modes) {
      const f = await run(mode, nodes, steadyS);
      results.set(mode, f);
      const per = (rss: number): string => `${((rss - bare) / nodes / 1024).toFixed(1)} KiB`;
      console.log(`\n[${mode}] ${nodes} devices: joined and Ready ${(f.joinedMs / 1000).toFixed(1)} s`);
      console.log(`  no pods:          sim RSS ${mib(f.idleRss)} (${per(f.idleRss)} per device), CPU ${pct(f.idleCores)} of a core (${((f.idleCores * 1e6) / nodes).toFixed(1)} µs/s per device)`);
      console.log(`  one pod a device: ${nodes} pods running ${(f.podsRunningMs / 1000).toFixed(1)} s after the DaemonSet; sim RSS ${mib(f.podsRss)} (${per(f.podsRss)} per device), CPU ${pct(f.podsCores)} (${((f.podsCores * 1e6) / nodes).toFixed(1)} µs/s per device)`);
    }
    const l = results.get('lightweight');
    const r = results.get('real');
    if (l && r) {
      console.log(`\n${nodes} devices, real kubelet vs lightweight: RSS with pods ${(r.podsRss / l.podsRss).toFixed(2)}× (+${(((r.podsRss - l.podsRss) / nodes) / 1024).toFixed(1)} KiB per device), CPU with pods ${(r.podsCores / Math.max(l.podsCores, 1e-6)).toFixed(2)}×, pods running ${(r.podsRunningMs / l.podsRunningMs).toFixed(2)}× as long`);
      const at10k = (f: Figures): number => bare + ((f.podsRss - bare) / nodes) * 10_000;
      console.log(`  extrapolated to 10,000 devices with one pod each: real ${mib(at10k(r))}, ${pct((r.podsCores / nodes) * 10_000)} of a core; lightweight ${mib(at10k(l))}, ${pct((l.podsCores / nodes) * 10_000)}`);
    }
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
