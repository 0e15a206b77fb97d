// Serves what the MetricsStore holds: the metrics.k8s.io/v1beta1 API (NodeMetrics, PodMetrics) so
// that `kubectl top nodes|pods` work, and /metrics in the Prometheus text format for the fleet
// plus the node channel's own figures.

import type { ServerResponse } from 'node:http';
import type { ResourceDefinition } from '../api/registry';
import type { MetricsStore, NodeSample } from './metrics-store';

export const METRICS_GROUP = 'metrics.k8s.io';

/** Registered so that discovery lists metrics.k8s.io (kubectl top checks it); reads are served by serveMetricsApi. */
export function metricsResources(): ResourceDefinition[] {
  const base = { group: METRICS_GROUP, version: 'v1beta1', verbs: ['get' as const, 'list' as const] };
  return [
    { ...base, kind: 'NodeMetrics', plural: 'nodes', singular: '', namespaced: false },
    { ...base, kind: 'PodMetrics', plural: 'pods', singular: '', namespaced: true },
  ];
}

const cpu = (nanoCores: number): string => `${Math.max(0, Math.round(nanoCores))}n`;
const memory = (bytes: number): string => `${Math.max(0, Math.round(bytes / 1024))}Ki`;

function nodeMetrics(name: string, s: NodeSample): object {
  return {
    metadata: { name, creationTimestamp: new Date().toISOString() },
    timestamp: s.time,
    window: `${Math.round(s.windowSeconds)}s`,
    usage: { cpu: cpu(s.node.cpuNanoCores), memory: memory(s.node.memoryWorkingSetBytes) },
  };
}

function podMetrics(s: NodeSample): Array<{ namespace: string; name: string; body: object }> {
  return s.pods.map((p) => ({
    namespace: p.namespace,
    name: p.name,
    body: {
      metadata: { name: p.name, namespace: p.namespace, creationTimestamp: new Date().toISOString() },
      timestamp: s.time,
      window: `${Math.round(s.windowSeconds)}s`,
      containers: p.containers.map((c) => ({ name: c.name, usage: { cpu: cpu(c.cpuNanoCores), memory: memory(c.memoryWorkingSetBytes) } })),
    },
  }));
}

function send(res: ServerResponse, code: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function notFound(res: ServerResponse, kind: string, name: string): void {
  send(res, 404, { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: `${kind}.${METRICS_GROUP} "${name}" not found`, reason: 'NotFound', details: { name, group: METRICS_GROUP, kind }, code: 404 });
}

/**
 * Answers GET /apis/metrics.k8s.io/v1beta1/{nodes[/name] | pods | namespaces/{ns}/pods[/name]}.
 * Returns false when the path is not one of those (discovery is left to the API handler).
 */
export function serveMetricsApi(path: string, metrics: MetricsStore, res: ServerResponse): boolean {
  const m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/(?:namespaces\/([^/]+)\/)?(nodes|pods)(?:\/([^/]+))?\/?$/.exec(path);
  if (!m) return false;
  const [, namespace, resource, name] = m;
  const version = `${METRICS_GROUP}/v1beta1`;
  if (resource === 'nodes') {
    if (namespace) return false;
    const items = metrics.nodes().flatMap((n) => {
      const s = metrics.latest(n);
      return s ? [nodeMetrics(n, s)] : [];
    });
    if (name) {
      const s = metrics.latest(name);
      if (!s) notFound(res, 'nodes', name);
      else send(res, 200, { kind: 'NodeMetrics', apiVersion: version, ...nodeMetrics(name, s) });
      return true;
    }
    send(res, 200, { kind: 'NodeMetricsList', apiVersion: version, metadata: {}, items: items.map((i) => ({ kind: 'NodeMetrics', apiVersion: version, ...i })) });
    return true;
  }
  const all = metrics.nodes().flatMap((n) => {
    const s = metrics.latest(n);
    return s ? podMetrics(s) : [];
  });
  const inNs = all.filter((p) => namespace === undefined || p.namespace === namespace);
  if (name) {
    const p = inNs.find((x) => x.name === name);
    if (!p) notFound(res, 'pods', name);
    else send(res, 200, { kind: 'PodMetrics', apiVersion: version, ...p.body });
    return true;
  }
  send(res, 200, { kind: 'PodMetricsList', apiVersion: version, metadata: {}, items: inNs.map((p) => ({ kind: 'PodMetrics', apiVersion: version, ...p.body })) });
  return true;
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Prometheus text exposition (0.0.4) of the fleet's latest samples plus extra gauges. */
export function prometheusText(metrics: MetricsStore, extra: Record<string, { help: string; value: number }>): string {
  const out: string[] = [];
  const family = (name: string, help: string, type: 'gauge' | 'counter', rows: Array<[Record<string, string>, number]>): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of rows) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`).join(',');
      out.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
    }
  };
  const latest = metrics.nodes().flatMap((n) => {
    const s = metrics.latest(n);
    return s ? [[n, s] as const] : [];
  });
  const nodeRows = (f: (s: NodeSample) => number | undefined): Array<[Record<string, string>, number]> =>
    latest.flatMap(([n, s]) => {
      const v = f(s);
      return v === undefined ? [] : [[{ node: n }, v] as [Record<string, string>, number]];
    });
  family('flotilla_node_cpu_usage_cores', 'CPU in use on the node, in cores', 'gauge', nodeRows((s) => s.node.cpuNanoCores / 1e9));
  family('flotilla_node_memory_working_set_bytes', 'Memory in use on the node', 'gauge', nodeRows((s) => s.node.memoryWorkingSetBytes));
  family('flotilla_node_memory_available_bytes', 'Memory available on the node', 'gauge', nodeRows((s) => s.node.memoryAvailableBytes));
  family('flotilla_node_filesystem_used_bytes', 'Root filesystem bytes used', 'gauge', nodeRows((s) => s.node.fsUsedBytes));
  family('flotilla_node_filesystem_capacity_bytes', 'Root filesystem size', 'gauge', nodeRows((s) => s.node.fsCapacityBytes));
  family('flotilla_node_network_receive_bytes_total', 'Bytes received on all non-loopback interfaces', 'counter', nodeRows((s) => s.node.networkRxBytes));
  family('flotilla_node_network_transmit_bytes_total', 'Bytes sent on all non-loopback interfaces', 'counter', nodeRows((s) => s.node.networkTxBytes));
  family('flotilla_node_temperature_celsius', 'SoC temperature, where the board has a sensor', 'gauge', nodeRows((s) => s.node.temperatureCelsius));
  family('flotilla_node_throttled_flags', 'Raspberry Pi get_throttled bits (under-voltage, throttling)', 'gauge', nodeRows((s) => s.node.throttledFlags));
  const containerRows = (f: (c: { cpuNanoCores: number; memoryWorkingSetBytes: number }) => number): Array<[Record<string, string>, number]> =>
    latest.flatMap(([n, s]) => s.pods.flatMap((p) => p.containers.map((c) => [{ node: n, namespace: p.namespace, pod: p.name, container: c.name }, f(c)] as [Record<string, string>, number])));
  family('flotilla_container_cpu_usage_cores', 'CPU in use by the container, in cores', 'gauge', containerRows((c) => c.cpuNanoCores / 1e9));
  family('flotilla_container_memory_working_set_bytes', 'Memory in use by the container', 'gauge', containerRows((c) => c.memoryWorkingSetBytes));
  for (const [name, { help, value }] of Object.entries(extra)) family(name, help, 'gauge', [[{}, value]]);
  return out.join('\n') + '\n';
}
