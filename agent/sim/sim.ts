// `flotilla sim`: N simulated devices in one process. Each is a full NodeChannelAgent (the same
// channel code as a real agent: join by claim, supervised link, heartbeats, statuses, desired
// state) over its own MQTT connection, beside the real kubelet (agent/kubelet: desired state
// persisted in the node's data dir, pod workers, PLEG, status computation, restarts) on its own
// in-memory fake runtime whose containers start at once and act out their command (programs.ts).
// `lightweight` swaps the kubelet for a fake that reports every pod Running at once.

import { join } from 'node:path';
import type { Logger } from 'pino';
import type { KubeletApi } from '../kubelet/api';
import { Kubelet } from '../kubelet/kubelet';
import { FakeRuntime } from '../runtime/fake/fake-runtime';
import { NodeChannelAgent } from '../sync/channel-agent';
import { FakeKubelet } from '../sync/fake/fake-kubelet';
import type { ChannelIntervals } from '../sync/types';
import { simAddress, simInfo } from './node-info';
import { simProgram } from './programs';
import { parseSizes, type SimSize } from './sizes';

export interface SimOptions {
  token: string;
  nodes: number;
  /** Overrides the token's broker URL. */
  broker?: string;
  /** Each node keeps its credentials, desired state and volumes in DATA_DIR/<node>. */
  dataDir: string;
  /** Node names are <prefix>-00001 … Default "sim". */
  prefix?: string;
  /** The board size of each node, in node order (length `nodes`). Default: all Pi 4 with 4 GB. */
  sizes?: SimSize[];
  /** Labels every node reports besides its own. */
  labels?: Record<string, string>;
  /** A fake kubelet (every pod Running at once, nothing else) instead of the real one: less CPU and memory per node. */
  lightweight?: boolean;
  /** Joins/connects in flight at once. Default 100. */
  concurrency?: number;
  intervals?: Partial<ChannelIntervals>;
  log: Logger;
}

export function simNodeName(prefix: string, i: number): string {
  return `${prefix}-${String(i).padStart(5, '0')}`;
}

/** One simulated device: its channel, its kubelet, and what counts its containers' starts and stops. */
interface SimNode {
  agent: NodeChannelAgent;
  kubelet: KubeletApi;
  stopKubelet(): Promise<void>;
  changes(): { starts: number; stops: number };
}

export interface Sim {
  agents: NodeChannelAgent[];
  /** Containers started and stopped on the fleet so far (a reconnect must change neither). */
  podChanges(): { starts: number; stops: number };
  /** Pods whose last reported phase is Running. */
  running(): number;
  connected(): number;
  stop(): Promise<void>;
}

async function startKubelet(node: string, i: number, options: SimOptions): Promise<Omit<SimNode, 'agent'>> {
  if (options.lightweight) {
    const fake = new FakeKubelet();
    return { kubelet: fake, stopKubelet: async () => undefined, changes: () => ({ starts: fake.starts, stops: fake.stops }) };
  }
  const runtime = new FakeRuntime({ pullable: 'any', programs: (spec) => simProgram(spec) });
  const kubelet = new Kubelet({ runtime, nodeName: node, dataDir: join(options.dataDir, node), hostIP: simAddress(i), log: options.log });
  await kubelet.start();
  return { kubelet, stopKubelet: () => kubelet.stop(), changes: () => ({ starts: runtime.starts, stops: runtime.stops }) };
}

export async function startSim(options: SimOptions): Promise<Sim> {
  const prefix = options.prefix ?? 'sim';
  const sizes = options.sizes ?? parseSizes(undefined, options.nodes);
  if (sizes.length !== options.nodes) throw new Error(`${sizes.length} board sizes given for ${options.nodes} nodes`);
  const nodes: SimNode[] = [];
  const failures: string[] = [];
  let next = 1;
  const worker = async (): Promise<void> => {
    for (let i = next++; i <= options.nodes; i = next++) {
      const node = simNodeName(prefix, i);
      let kubelet: Omit<SimNode, 'agent'> | undefined;
      try {
        kubelet = await startKubelet(node, i, options);
        const agent = new NodeChannelAgent({
          dataDir: join(options.dataDir, node),
          kubelet: kubelet.kubelet,
          info: simInfo(node, { ...(sizes[i - 1] ? { size: sizes[i - 1] } : {}), ...(options.labels ? { labels: options.labels } : {}), address: simAddress(i) }),
          log: options.log,
          token: options.token,
          nodeName: node,
          ...(options.broker ? { broker: options.broker } : {}),
          intervals: { metricsMs: 0, ...options.intervals },
        });
        await agent.start();
        nodes.push({ agent, ...kubelet });
      } catch (err) {
        await kubelet?.stopKubelet();
        failures.push(`${node}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.nodes, options.concurrency ?? 100) }, worker));
  if (failures.length > 0) options.log.error({ failed: failures.length, first: failures.slice(0, 5) }, 'some simulated nodes could not join');
  return {
    agents: nodes.map((n) => n.agent),
    connected: () => nodes.filter((n) => n.agent.connected).length,
    podChanges: () => nodes.reduce((sum, n) => {
      const c = n.changes();
      return { starts: sum.starts + c.starts, stops: sum.stops + c.stops };
    }, { starts: 0, stops: 0 }),
    running: () => nodes.reduce((sum, n) => sum + n.kubelet.podStatuses().filter((s) => !s.terminated && s.status.phase === 'Running').length, 0),
    async stop() {
      await Promise.all(nodes.map((n) => n.agent.stop()));
      await Promise.all(nodes.map((n) => n.stopKubelet()));
    },
  };
}
