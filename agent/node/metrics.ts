// cAdvisor-style metrics on a Raspberry Pi budget: node CPU, memory, filesystem, network,
// temperature and Pi throttling from /proc and /sys (a few small reads, no processes), and
// per-container CPU/memory/network from the container runtime's stats (one API call). CPU is a
// rate between two samples, so the first call only primes the counters.

import { readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerMetrics, MetricsMessage, PodMetricsReport } from '../../shared/channel/messages';
import type { MetricsSource } from '../sync/types';

/** One running container's cumulative counters, from the runtime. */
export interface ContainerStat {
  namespace: string;
  pod: string;
  container: string;
  /** Cumulative CPU time in ns. */
  cpuNanos: number;
  memoryBytes: number;
  rxBytes?: number;
  txBytes?: number;
}

export type ContainerStatsSource = () => Promise<ContainerStat[]>;

export interface NodeMetricsOptions {
  /** Filesystem root for /proc and /sys (tests point it at a fake tree). Default "/". */
  root?: string;
  /** Filesystem whose usage is reported (the data dir). */
  fsPath: string;
  containers?: ContainerStatsSource;
  now?: () => number;
}

interface Counters {
  time: number;
  cpuBusy: number;
  cpuTotal: number;
  containers: Map<string, number>;
}

function read(root: string, path: string): string | undefined {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
}

export function parseProcStat(text: string): { busy: number; total: number; cpus: number } {
  const lines = text.split('\n');
  const first = (lines[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = first.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (first[3] ?? 0) + (first[4] ?? 0);
  const cpus = lines.filter((l) => /^cpu\d+\s/.test(l)).length || 1;
  return { busy: total - idle, total, cpus };
}

export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!name || rest === undefined || name.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return { rx, tx };
}

export class NodeMetricsSampler implements MetricsSource {
  private previous: Counters | undefined;
  private readonly root: string;
  private readonly now: () => number;

  constructor(private readonly options: NodeMetricsOptions) {
    this.root = options.root ?? '/';
    this.now = options.now ?? Date.now;
  }

  async sample(): Promise<Omit<MetricsMessage, 'kind'> | undefined> {
    const time = this.now();
    const stat = parseProcStat(read(this.root, 'proc/stat') ?? '');
    const containers = this.options.containers ? await this.options.containers().catch(() => []) : [];
    const counters: Counters = { time, cpuBusy: stat.busy, cpuTotal: stat.total, containers: new Map(containers.map((c) => [`${c.namespace}/${c.pod}/${c.container}`, c.cpuNanos])) };
    const prev = this.previous;
    this.previous = counters;
    if (!prev || time <= prev.time) return undefined;
    const seconds = (time - prev.time) / 1000;
    const dTotal = stat.total - prev.cpuTotal;
    const cpuNanoCores = dTotal > 0 ? ((stat.busy - prev.cpuBusy) / dTotal) * stat.cpus * 1e9 : 0;
    const meminfo = read(this.root, 'proc/meminfo') ?? '';
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(meminfo)?.[1] ?? 0) * 1024;
    const memTotal = kb('MemTotal');
    const memAvailable = kb('MemAvailable');
    let fsUsed = 0;
    let fsCapacity = 0;
    try {
      const fs = statfsSync(this.options.fsPath);
      fsCapacity = fs.blocks * fs.bsize;
      fsUsed = (fs.blocks - fs.bfree) * fs.bsize;
    } catch {
      /* not there */
    }
    const net = parseNetDev(read(this.root, 'proc/net/dev') ?? '');
    const temp = Number(read(this.root, 'sys/class/thermal/thermal_zone0/temp'));
    const throttled = read(this.root, 'sys/devices/platform/soc/soc:firmware/get_throttled');
    const pods = new Map<string, PodMetricsReport>();
    for (const c of containers) {
      const key = `${c.namespace}/${c.pod}/${c.container}`;
      const before = prev.containers.get(key);
      const metrics: ContainerMetrics = {
        name: c.container,
        cpuNanoCores: before === undefined ? 0 : Math.max(0, (c.cpuNanos - before) / seconds),
        memoryWorkingSetBytes: c.memoryBytes,
        ...(c.rxBytes !== undefined ? { networkRxBytes: c.rxBytes } : {}),
        ...(c.txBytes !== undefined ? { networkTxBytes: c.txBytes } : {}),
      };
      const podKey = `${c.namespace}/${c.pod}`;
      const pod = pods.get(podKey) ?? { namespace: c.namespace, name: c.pod, containers: [] };
      pod.containers.push(metrics);
      pods.set(podKey, pod);
    }
    return {
      time: new Date(time).toISOString(),
      windowSeconds: Math.round(seconds),
      node: {
        cpuNanoCores: Math.round(cpuNanoCores),
        memoryWorkingSetBytes: Math.max(0, memTotal - memAvailable),
        memoryAvailableBytes: memAvailable,
        fsUsedBytes: fsUsed,
        fsCapacityBytes: fsCapacity,
        networkRxBytes: net.rx,
        networkTxBytes: net.tx,
        ...(Number.isFinite(temp) && temp > 0 ? { temperatureCelsius: temp / 1000 } : {}),
        ...(throttled !== undefined && /^(0x)?[0-9a-f]+$/i.test(throttled.trim()) ? { throttledFlags: parseInt(throttled.trim(), 16) } : {}),
      },
      pods: [...pods.values()],
    };
  }
}
