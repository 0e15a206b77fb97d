// Bench: where the wall time of starting 10 pods at once goes, with no kubelet at all — the libpod REST calls
// themselves (pod create, container creates, pod start), each timed, under N-way concurrency, in variants:
// how the pod starts (pods/start vs infra then containers one by one), its network (CNI bridge vs none),
// and Podman's own CPU time. It shows the floor any client of this Podman meets.
// Usage: node -r ./test/setup/swc-register.js bench/pod-start-breakdown.ts [rounds=3] [pods=10] [variants=all|name|name...]
//   FLOTILLA_BENCH_PODMAN_SOCKET / FLOTILLA_BENCH_BUSYBOX: another Podman service (e.g. one with netavark);
//   FLOTILLA_BENCH_CONCURRENCY: make at most this many pods at once (default all).

import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { PodmanHttp } from '../agent/runtime/podman/http';
import { PAUSE_COMMAND, PAUSE_IMAGE } from '../agent/runtime/podman/pause';
import { PodmanRuntime } from '../agent/runtime/podman/podman-runtime';
import { benchPodman, fmt, loadAverage, percentile } from './agent-fixtures';

const run = randomUUID().slice(0, 6);
const LABEL = 'io.flotilla.bench';

interface Variant {
  name: string;
  /** libpod pod netns: "bridge" (the default CNI network), "none", "host". */
  net: 'bridge' | 'none' | 'host';
  /** "pod": one pods/start; "split": infra start, then the containers' starts in parallel. */
  start: 'pod' | 'split';
  /** Create everything first (untimed), then time only the starts of all pods at once. */
  prestaged: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'bridge, pods/start', net: 'bridge', start: 'pod', prestaged: false },
  { name: 'bridge, split start', net: 'bridge', start: 'split', prestaged: false },
  { name: 'bridge, start only (pre-created)', net: 'bridge', start: 'pod', prestaged: true },
  { name: 'net none, pods/start', net: 'none', start: 'pod', prestaged: false },
  { name: 'net none, start only (pre-created)', net: 'none', start: 'pod', prestaged: true },
];

type Timings = Record<string, number[]>;

function record(t: Timings, key: string, ms: number): void {
  (t[key] ??= []).push(ms);
}

async function timed<T>(t: Timings, key: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    record(t, key, Date.now() - t0);
  }
}

/** Busy CPU time of the whole machine (all cores) in ms, from /proc/stat. */
function busyMs(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return ((cpu.reduce((a, b) => a + b, 0) - idle) * 1000) / 100;
}

/** The Podman service serving `socket` (its command line names the socket), for its CPU time. */
function servicePid(socket: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd.includes('service') && cmd.some((a) => a.endsWith(socket))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** CPU time (ms) of a process and its waited-for children (runc, CNI plugins; conmon double-forks away). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ').map(Number);
  // After the command: state is field 3; utime, stime, cutime, cstime are fields 14–17.
  return (((fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0)) * 1000) / 100;
}

interface Made {
  pod: string;
  infra: string;
  containers: string[];
}

/** CPU time (ms) of the conmon processes of these containers, with their waited-for children (`runc create`). */
function conmonCpuMs(containerIds: string[]): number {
  const wanted = new Set(containerIds);
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const i = cmd.indexOf('-c');
      if (cmd[0]?.endsWith('conmon') && i >= 0 && wanted.has(cmd[i + 1] ?? '')) total += processCpuMs(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function createPod(http: PodmanHttp, t: Timings, v: Variant, name: string, image: string): Promise<Made> {
  const body: Record<string, unknown> = {
    name, hostname: name, labels: { [LABEL]: run }, infra_image: PAUSE_IMAGE, infra_command: PAUSE_COMMAND, shared_namespaces: ['net', 'ipc', 'uts'],
    ...(v.net === 'bridge' ? {} : { netns: { nsmode: v.net } }),
  };
  const pod = (await timed(t, 'pods/create', () => http.json<{ Id: string }>('POST', '/pods/create', { body }))).Id;
  const containers = await Promise.all(
    ['app', 'sidecar'].map(async (c) => {
      const spec = { name: `${name}_${c}`, pod, image, entrypoint: ['sleep', '3600'], command: [], labels: { [LABEL]: run }, restart_policy: 'no', stop_timeout: 0 };
      return (await timed(t, 'containers/create', () => http.json<{ Id: string }>('POST', '/containers/create', { body: spec }))).Id;
    }),
  );
  const inspect = await http.json<{ InfraContainerID?: string }>('GET', `/pods/${pod}/json`);
  return { pod, infra: inspect.InfraContainerID ?? '', containers };
}

async function startPod(http: PodmanHttp, t: Timings, v: Variant, made: Made): Promise<void> {
  if (v.start === 'pod') {
    await timed(t, 'pods/start', () => http.call('POST', `/pods/${made.pod}/start`, { accept: [304] }));
    return;
  }
  await timed(t, 'infra start', () => http.call('POST', `/containers/${made.infra}/start`, { accept: [304] }));
  await Promise.all(made.containers.map((id) => timed(t, 'container start', () => http.call('POST', `/containers/${id}/start`, { accept: [304] }))));
}

/** Latest StartedAt of each pod's two containers, minus t0. */
async function latencies(http: PodmanHttp, made: Made[], t0: number): Promise<number[]> {
  return Promise.all(
    made.map(async (m) => {
      const inspects = await Promise.all(m.containers.map((id) => http.json<{ State: { Running: boolean; StartedAt: string } }>('GET', `/containers/${id}/json`)));
      if (inspects.some((c) => !c.State.Running)) throw new Error(`pod ${m.pod}: not all containers running`);
      return Math.max(...inspects.map((c) => Date.parse(c.State.StartedAt))) - t0;
    }),
  );
}

async function cleanup(http: PodmanHttp): Promise<void> {
  const pods = (await http.json<Array<{ Id: string }> | null>('GET', '/pods/json', { query: { filters: JSON.stringify({ label: [`${LABEL}=${run}`] }) } })) ?? [];
  await Promise.all(pods.map((p) => http.call('DELETE', `/pods/${p.Id}`, { query: { force: true } }).catch(() => undefined)));
}

/** At most `limit` of `items` in flight at once, results in order. */
async function limited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  const queue = [...items.entries()];
  const lane = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) results[next[0]] = await fn(next[1]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** How many pods are made at once (default: all): FLOTILLA_BENCH_CONCURRENCY. */
const concurrency = Number(process.env['FLOTILLA_BENCH_CONCURRENCY'] ?? Infinity);

async function round(http: PodmanHttp, v: Variant, pods: number, image: string, r: number, t: Timings, pid: number | undefined): Promise<{ latencies: number[]; cpuMs: number; podmanCpuMs: number; conmonCpuMs: number; wallMs: number }> {
  const names = Array.from({ length: pods }, (_, i) => `podstart-exp-${run}-${r}-${i}`);
  let made: Made[] = [];
  if (v.prestaged) made = await Promise.all(names.map((n) => createPod(http, {}, v, n, image)));
  const cpu0 = busyMs();
  const podman0 = processCpuMs(pid);
  const t0 = Date.now();
  if (v.prestaged) await Promise.all(made.map((m) => startPod(http, t, v, m)));
  else made = await limited(names, concurrency, async (n) => {
    const m = await createPod(http, t, v, n, image);
    await startPod(http, t, v, m);
    return m;
  });
  const wallMs = Date.now() - t0;
  const cpuMs = busyMs() - cpu0;
  const podmanCpuMs = processCpuMs(pid) - podman0;
  const conmons = conmonCpuMs(made.flatMap((m) => [m.infra, ...m.containers]));
  const result = { latencies: await latencies(http, made, t0), cpuMs, podmanCpuMs, conmonCpuMs: conmons, wallMs };
  await cleanup(http);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return result;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const pods = Number(process.argv[3] ?? 10);
  const only = process.argv[4];
  const socket = process.env['FLOTILLA_BENCH_PODMAN_SOCKET'];
  const podman = socket ? undefined : benchPodman();
  const http = new PodmanHttp(socket ?? podman?.socket ?? '');
  const image = process.env['FLOTILLA_BENCH_BUSYBOX'] ?? podman?.busybox ?? '';
  const runtime = new PodmanRuntime({ socketPath: http.socketPath });
  const pid = servicePid(http.socketPath);
  console.log(`pod start breakdown: ${pods} pods at once, ${rounds} rounds per variant, pod = pause infra + 2 × sleep (${image}); load ${loadAverage()}`);
  try {
    // Loads the pause image if missing, and warms Podman up.
    await runtime.createSandbox({ uid: `podstart-exp-${run}`, name: `podstart-exp-${run}`, namespace: 'bench', labels: { [LABEL]: run } });
    await cleanup(http);
    const variants = VARIANTS.filter((v) => !only || only === 'all' || only.split('|').some((o) => v.name.includes(o)));
    const results = variants.map(() => ({ t: {} as Timings, lat: [] as number[], cpu: [] as number[], pcpu: [] as number[], ccpu: [] as number[], wall: [] as number[] }));
    // Variants take turns round by round, so that the machine's other load falls on all of them alike.
    for (let r = 0; r < rounds; r++) {
      for (const [i, v] of variants.entries()) {
        const acc = results[i];
        if (!acc) continue;
        const res = await round(http, v, pods, image, r, acc.t, pid);
        acc.lat.push(...res.latencies);
        acc.cpu.push(res.cpuMs);
        acc.pcpu.push(res.podmanCpuMs);
        acc.ccpu.push(res.conmonCpuMs);
        acc.wall.push(res.wallMs);
      }
    }
    for (const [i, v] of variants.entries()) {
      const acc = results[i];
      if (!acc) continue;
      const calls = Object.entries(acc.t).map(([k, ms]) => `${k} p50 ${fmt(percentile(ms, 50))} max ${fmt(percentile(ms, 100))}`).join('; ');
      const base = results[0]?.lat ?? [];
      const ratio = `ratio to "${variants[0]?.name}": p50 ${(percentile(acc.lat, 50) / percentile(base, 50)).toFixed(2)}, p99 ${(percentile(acc.lat, 99) / percentile(base, 99)).toFixed(2)}`;
      console.log(`\n${v.name}: pod latency p50 ${fmt(percentile(acc.lat, 50))} p99 ${fmt(percentile(acc.lat, 99))} (n=${acc.lat.length}); wall p50 ${fmt(percentile(acc.wall, 50))}; ${ratio}`);
      console.log(`  CPU during the starts (p50 of rounds): machine ${fmt(percentile(acc.cpu, 50))}; Podman service + its waited-for children ${fmt(percentile(acc.pcpu, 50))}; the pods' conmons (+ runc create) ${fmt(percentile(acc.ccpu, 50))}`);
      console.log(`  calls: ${calls}`);
    }
    console.log(`\nload after: ${loadAverage()}`);
  } finally {
    await cleanup(http);
    podman?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
