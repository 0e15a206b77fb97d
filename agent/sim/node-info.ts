// The facts and status a simulated device reports: those of its board size (labels, capacity,
// allocatable), the fleet's extra labels, and fixed nodeInfo. Nothing is read from the host.

import { createHash } from 'node:crypto';
import type { JoinFacts } from '../../shared/channel/messages';
import type { NodeInfoSource } from '../sync/types';
import { DEFAULT_SIZE, simSize, sizeResources, type SimSize } from './sizes';

export interface SimNodeFacts {
  /** Default a Pi 4 with 4 GB. */
  size?: SimSize;
  /** Added to the node's own labels (and winning over them). */
  labels?: Record<string, string>;
  /** The node's InternalIP (status.hostIP of its pods). */
  address?: string;
}

/** A made-up address for the i-th simulated node (1-based), unique within 16 million nodes. */
export function simAddress(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

export function simInfo(node: string, options: SimNodeFacts = {}): NodeInfoSource {
  const size = options.size ?? simSize(DEFAULT_SIZE);
  const id = createHash('sha256').update(node).digest('hex').slice(0, 32);
  const { capacity, allocatable } = sizeResources(size);
  const facts: JoinFacts = {
    labels: {
      'kubernetes.io/arch': size.board.arch,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/hostname': node,
      'flotilla.io/board': size.board.id,
      'flotilla.io/simulated': 'true',
      'flotilla.io/sim-size': size.name,
      ...options.labels,
    },
    capacity,
    nodeInfo: {
      machineID: id,
      systemUUID: id,
      bootID: id,
      kernelVersion: '6.6.51+rpt-rpi-v8',
      osImage: 'Debian GNU/Linux 12 (bookworm) (simulated)',
      containerRuntimeVersion: 'fake://0.1.0',
      kubeletVersion: 'v1.32.0-flotilla.sim',
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: size.board.arch,
    },
    addresses: [...(options.address ? [{ type: 'InternalIP' as const, address: options.address }] : []), { type: 'Hostname' as const, address: node }],
  };
  const status = { ...facts, allocatable, conditions: [] };
  return { facts: async () => facts, status: async () => status };
}
