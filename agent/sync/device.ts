// The node channel as a real device runs it: the kubelet's API, facts and metrics read from this
// machine (agent/node), per-container stats from Podman, and the supervised MQTT link. Called by
// `flotilla agent` when it has a join token or stored device credentials.

import { deviceCapacity, detectDevices } from '../../hardware';
import type { KubeletApi } from '../kubelet/api';
import { NodeFacts } from '../node/facts';
import { NodeMetricsSampler } from '../node/metrics';
import { podmanContainerStats } from '../node/podman-stats';
import { loadCredentials } from './device-credentials';
import { defaultNodeName, NodeChannelAgent } from './channel-agent';
import type { ChannelIntervals, ChannelLog } from './types';

export interface DeviceChannelOptions {
  kubelet: KubeletApi;
  dataDir: string;
  /** Join token: needed only the first time (no stored credentials yet). */
  token?: string;
  broker?: string;
  nodeName?: string;
  podmanSocket?: string;
  /** Labels the runtime puts on this agent's containers (its io.flotilla.node label). */
  containerLabels?: Record<string, string>;
  runtimeVersion?: () => Promise<string>;
  intervals?: Partial<ChannelIntervals>;
  log: ChannelLog;
}

/** Joins if needed and starts the link; resolves once it is supervised (not necessarily connected). */
export async function startDeviceChannel(options: DeviceChannelOptions): Promise<NodeChannelAgent> {
  const log = options.log;
  const nodeName = loadCredentials(options.dataDir)?.nodeName ?? options.nodeName ?? defaultNodeName();
  const devices = deviceCapacity(detectDevices());
  const info = new NodeFacts({
    nodeName,
    dataDir: options.dataDir,
    runtimeVersion: options.runtimeVersion ?? (async () => 'podman://unknown'),
    extraLabels: devices.labels,
    extraCapacity: devices.capacity,
  });
  const metrics = new NodeMetricsSampler({
    fsPath: options.dataDir,
    ...(options.podmanSocket ? { containers: podmanContainerStats(options.podmanSocket, options.containerLabels) } : {}),
  });
  const agent = new NodeChannelAgent({
    dataDir: options.dataDir,
    kubelet: options.kubelet,
    info,
    metrics,
    log,
    nodeName,
    ...(options.token ? { token: options.token } : {}),
    ...(options.broker ? { broker: options.broker } : {}),
    ...(options.intervals ? { intervals: options.intervals } : {}),
  });
  await agent.start();
  return agent;
}
