// A short history of the metrics devices send (cAdvisor-style, throttled on the device), per node
// and per pod. Read by the metrics.k8s.io API (kubectl top) and the Prometheus /metrics endpoint.

import type { MetricsMessage, NodeMetrics, PodMetricsReport } from '../../shared/channel/messages';

export interface NodeSample {
  time: string;
  windowSeconds: number;
  node: NodeMetrics;
  pods: PodMetricsReport[];
}

export interface MetricsStoreOptions {
  /** Samples kept per node. Default 15. */
  keep?: number;
  /** The node a pod is bound to (undefined: no such pod). Given, a device's figures about pods not bound to it are dropped. */
  podNode?: (namespace: string, name: string) => string | undefined;
}

export class MetricsStore {
  private readonly history = new Map<string, NodeSample[]>();
  private readonly keep: number;

  constructor(private readonly options: MetricsStoreOptions = {}) {
    this.keep = options.keep ?? 15;
  }

  add(node: string, msg: MetricsMessage): void {
    const list = this.history.get(node) ?? [];
    const podNode = this.options.podNode;
    const pods = podNode ? msg.pods.filter((p) => podNode(p.namespace, p.name) === node) : msg.pods;
    list.push({ time: msg.time, windowSeconds: msg.windowSeconds, node: msg.node, pods });
    if (list.length > this.keep) list.splice(0, list.length - this.keep);
    this.history.set(node, list);
  }

  latest(node: string): NodeSample | undefined {
    return this.history.get(node)?.at(-1);
  }

  samples(node: string): readonly NodeSample[] {
    return this.history.get(node) ?? [];
  }

  nodes(): string[] {
    return [...this.history.keys()].sort();
  }

  forget(node: string): void {
    this.history.delete(node);
  }
}
