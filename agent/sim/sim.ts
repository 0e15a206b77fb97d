// `flotilla sim`: N simulated devices in one process, each a full NodeChannelAgent (the same channel
// code as a real agent: join by claim, supervised link, heartbeats, statuses, desired state) over
// its own MQTT connection, with a kubelet whose pods go Running at once. For scale tests and demos.

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { JoinFacts } from '../../shared/channel/messages';
import type { KubeletApi } from '../kubelet/api';
import { NodeChannelAgent } from '../sync/channel-agent';
import { FakeKubelet } from '../sync/fake/fake-kubelet';
import type { ChannelIntervals, NodeInfoSource } from '../sync/types';

export interface SimOptions {
  token: string;
  nodes: number;
  /** Overrides the token's broker URL. */
  broker?: string;
  /** Each node keeps its credentials in DATA_DIR/<node>. */
  dataDir: string;
  /** Node names are <prefix>-00001 … Default "sim". */
  prefix?: string;
  /** Joins/connects in flight at once. Default 100. */
  concurrency?: number;
  intervals?: Partial<ChannelIntervals>;
  /** The kubelet each node runs; default a fake whose pods are Running at once. */
  kubelet?: (node: string) => KubeletApi;
  log: Logger;
}

export function simNodeName(prefix: string, i: number): string {
  return `${prefix}-${String(i).padStart(5, '0')}`;
}

/** Static facts of a simulated Raspberry Pi 4: nothing is read from the host. */
export function simInfo(node: string): NodeInfoSource {
  const id = createHash('sha256').update(node).digest('hex').slice(0, 32);
  const facts: JoinFacts = {
    labels: { 'kubernetes.io/arch': 'arm64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': node, 'flotilla.io/board': 'raspberry-pi-4', 'flotilla.io/simulated': 'true' },
    capacity: { cpu: '4', memory: '3884316Ki', 'ephemeral-storage': '29970208Ki', pods: '110' },
    nodeInfo: {
      machineID: id,
      systemUUID: id,
      bootID: id,
      kernelVersion: '6.1.0-rpi7-rpi-v8',
      osImage: 'Debian GNU/Linux 12 (bookworm) (simulated)',
      containerRuntimeVersion: 'fake://0.1.0',
      kubeletVersion: 'v1.32.0-flotilla.sim',
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'arm64',
    },
    addresses: [{ type: 'Hostname', address: node }],
  };
  const status = { ...facts, allocatable: { ...facts.capacity, memory: '3753244Ki' }, conditions: [] };
  return { facts: async () => facts, status: async () => status };
}

export interface Sim {
  agents: NodeChannelAgent[];
  /** Pods started and stopped by the fleet's fake kubelets so far. */
  podChanges(): { starts: number; stops: number };
  connected(): number;
  stop(): Promise<void>;
}

export async function startSim(options: SimOptions): Promise<Sim> {
  const prefix = options.prefix ?? 'sim';
  const agents: NodeChannelAgent[] = [];
  const fakes: FakeKubelet[] = [];
  let next = 1;
  const failures: string[] = [];
  const fake = (): FakeKubelet => {
    const k = new FakeKubelet();
    fakes.push(k);
    return k;
  };
  const worker = async (): Promise<void> => {
    for (let i = next++; i <= options.nodes; i = next++) {
      const node = simNodeName(prefix, i);
      const agent = new NodeChannelAgent({
        dataDir: join(options.dataDir, node),
        kubelet: options.kubelet?.(node) ?? fake(),
        info: simInfo(node),
        log: options.log,
        token: options.token,
        nodeName: node,
        ...(options.broker ? { broker: options.broker } : {}),
        intervals: { metricsMs: 0, ...options.intervals },
      });
      try {
        await agent.start();
        agents.push(agent);
      } catch (err) {
        failures.push(`${node}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.nodes, options.concurrency ?? 100) }, worker));
  if (failures.length > 0) options.log.error({ failed: failures.length, first: failures.slice(0, 5) }, 'some simulated nodes could not join');
  return {
    agents,
    connected: () => agents.filter((a) => a.connected).length,
    podChanges: () => ({ starts: fakes.reduce((n, k) => n + k.starts, 0), stops: fakes.reduce((n, k) => n + k.stops, 0) }),
    async stop() {
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}
