// Per-container counters from Podman (libpod stats, one call for all running containers; Podman
// reads the cgroups, the agent spawns nothing), mapped to pods by Flotilla's container labels.

import { LABEL_CONTAINER_NAME, LABEL_POD_NAME, LABEL_POD_NAMESPACE } from '../runtime/types';
import { PodmanHttp } from '../runtime/podman/http';
import type { ContainerStat, ContainerStatsSource } from './metrics';

interface ListedContainer {
  Id: string;
  Labels?: Record<string, string>;
}

interface StatsReport {
  Stats?: Array<{ ContainerID: string; CPUNano?: number; MemUsage?: number; NetInput?: number; NetOutput?: number }> | null;
}

/** `nodeLabel`: only containers carrying these labels (e.g. this agent's io.flotilla.node=<name>). */
export function podmanContainerStats(socketPath: string, nodeLabels: Record<string, string> = {}): ContainerStatsSource {
  const http = new PodmanHttp(socketPath);
  return async (): Promise<ContainerStat[]> => {
    const label = [LABEL_POD_NAME, ...Object.entries(nodeLabels).map(([k, v]) => `${k}=${v}`)];
    const listed = await http.json<ListedContainer[]>('GET', '/containers/json', { query: { filters: JSON.stringify({ label, status: ['running'] }) } });
    if (listed.length === 0) return [];
    const report = await http.json<StatsReport>('GET', '/containers/stats', { query: { stream: false } });
    const byId = new Map((report.Stats ?? []).map((s) => [s.ContainerID, s]));
    return listed.flatMap((c) => {
      const s = byId.get(c.Id);
      const l = c.Labels ?? {};
      const pod = l[LABEL_POD_NAME];
      const container = l[LABEL_CONTAINER_NAME];
      if (!s || !pod || !container) return [];
      return [{ namespace: l[LABEL_POD_NAMESPACE] ?? 'default', pod, container, cpuNanos: s.CPUNano ?? 0, memoryBytes: s.MemUsage ?? 0, rxBytes: s.NetInput ?? 0, txBytes: s.NetOutput ?? 0 }];
    });
  };
}
