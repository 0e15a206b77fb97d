// What the device tells the server about itself: labels (kubernetes.io/arch|os|hostname, the board),
// capacity and allocatable, nodeInfo and addresses. systeminformation is asked once at start (some
// of its calls spawn processes); the periodic status uses cheap reads of /proc, statfs and os.

import { readFileSync, statfsSync } from 'node:fs';
import { cpus, hostname, networkInterfaces, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import si from 'systeminformation';
import type { NodeAddress, NodeCondition, NodeSystemInfo } from '../../shared/api/core';
import type { JoinFacts, NodeStatusMessage } from '../../shared/channel/messages';
import { boardLabels, detectBoard, kubernetesArch } from '../../hardware';
import type { NodeInfoSource } from '../sync/types';

/** Flotilla's version from the nearest package.json named "flotilla" (works from source and dist). */
export const AGENT_VERSION = ((): string => {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'flotilla' && pkg.version) return pkg.version;
    } catch {
      /* keep looking up */
    }
  }
  return '0.0.0';
})();

const MAX_PODS = 110;
const MEMORY_RESERVED = 128 * 1024 * 1024;
const MEMORY_PRESSURE_BYTES = 100 * 1024 * 1024;
const DISK_PRESSURE_FREE = 0.1;

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** MemAvailable from /proc/meminfo, in bytes (cheap: one small file). */
export function memAvailableBytes(meminfo = readText('/proc/meminfo')): number {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo);
  return m?.[1] ? Number(m[1]) * 1024 : 0;
}

/** A label value: ≤ 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
export function labelValue(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

export interface NodeFactsOptions {
  nodeName: string;
  /** Where pods' data lives: its filesystem is the node's ephemeral storage. */
  dataDir: string;
  /** "podman://4.3.1" and the like; asked once. */
  runtimeVersion: () => Promise<string>;
  /** Extra labels and capacity (device resources from hardware/). */
  extraLabels?: Record<string, string>;
  extraCapacity?: Record<string, string>;
}

export class NodeFacts implements NodeInfoSource {
  private static?: { nodeInfo: NodeSystemInfo; labels: Record<string, string> };

  constructor(private readonly options: NodeFactsOptions) {}

  private async staticFacts(): Promise<{ nodeInfo: NodeSystemInfo; labels: Record<string, string> }> {
    if (this.static) return this.static;
    const [os, system, runtime] = await Promise.all([si.osInfo(), si.system(), this.options.runtimeVersion().catch(() => 'unknown://')]);
    const arch = kubernetesArch(process.arch);
    const board = detectBoard();
    const model = board.model || system.model || '';
    const nodeInfo: NodeSystemInfo = {
      machineID: readText('/etc/machine-id') || system.uuid || '',
      systemUUID: system.uuid || readText('/sys/class/dmi/id/product_uuid') || '',
      bootID: readText('/proc/sys/kernel/random/boot_id'),
      kernelVersion: os.kernel,
      osImage: [os.distro, os.release, os.codename ? `(${os.codename})` : ''].filter(Boolean).join(' '),
      containerRuntimeVersion: runtime,
      kubeletVersion: `v1.32.0-flotilla.${AGENT_VERSION}`,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: arch,
    };
    const labels: Record<string, string> = {
      'kubernetes.io/arch': arch,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/hostname': this.options.nodeName,
      ...boardLabels(board),
      ...(model ? { 'flotilla.io/board-model': labelValue(model) } : {}),
      ...this.options.extraLabels,
    };
    this.static = { nodeInfo, labels };
    return this.static;
  }

  private capacity(): { capacity: Record<string, string>; allocatable: Record<string, string>; fsFree: number } {
    const memory = totalmem();
    let storage = 0;
    let fsFree = 1;
    try {
      const fs = statfsSync(this.options.dataDir);
      storage = fs.blocks * fs.bsize;
      fsFree = fs.blocks > 0 ? fs.bavail / fs.blocks : 1;
    } catch {
      /* data dir not there yet */
    }
    const capacity = { cpu: String(cpus().length), memory: `${Math.floor(memory / 1024)}Ki`, 'ephemeral-storage': `${Math.floor(storage / 1024)}Ki`, pods: String(MAX_PODS), ...this.options.extraCapacity };
    const allocatable = { ...capacity, memory: `${Math.floor(Math.max(0, memory - MEMORY_RESERVED) / 1024)}Ki` };
    return { capacity, allocatable, fsFree };
  }

  private addresses(): NodeAddress[] {
    const out: NodeAddress[] = [];
    for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) if (!a.internal && a.family === 'IPv4') out.push({ type: 'InternalIP', address: a.address });
    out.push({ type: 'Hostname', address: hostname() });
    return out;
  }

  async facts(): Promise<JoinFacts> {
    const s = await this.staticFacts();
    return { labels: s.labels, capacity: this.capacity().capacity, nodeInfo: s.nodeInfo, addresses: this.addresses() };
  }

  async status(): Promise<Omit<NodeStatusMessage, 'kind'>> {
    const s = await this.staticFacts();
    const { capacity, allocatable, fsFree } = this.capacity();
    const available = memAvailableBytes();
    const cond = (type: string, bad: boolean, reason: string, message: string): NodeCondition => ({ type, status: bad ? 'True' : 'False', reason: bad ? reason : `KubeletHasSufficient${type.replace('Pressure', '')}`, message });
    return {
      labels: s.labels,
      capacity,
      allocatable,
      nodeInfo: s.nodeInfo,
      addresses: this.addresses(),
      conditions: [
        // Messages stay constant while the status does: the status is resent only when it changes.
        cond('MemoryPressure', available > 0 && available < MEMORY_PRESSURE_BYTES, 'KubeletHasInsufficientMemory', available > 0 && available < MEMORY_PRESSURE_BYTES ? 'less than 100 MiB of memory available' : 'kubelet has sufficient memory available'),
        cond('DiskPressure', fsFree < DISK_PRESSURE_FREE, 'KubeletHasDiskPressure', fsFree < DISK_PRESSURE_FREE ? 'less than 10% of the data filesystem free' : 'kubelet has no disk pressure'),
        cond('PIDPressure', false, 'KubeletHasInsufficientPID', 'kubelet has sufficient PID available'),
      ],
    };
  }
}
