// A trivial scheduler stand-in for controller tests and benchmarks: binds every unbound pod to the
// next Ready, reachable, schedulable node whose labels match the pod's nodeSelector, round-robin.
// No resources, affinity or spreading: that is the real scheduler's job (server/scheduler/).

import type { Node, Pod } from '../../../shared/api/core';
import { isFlotillaError } from '../../../shared/errors';
import type { Cached, Informer } from '../../informer/informer';
import type { Store } from '../../store/types';
import { isNodeUnreachable, nodeReadyStatus } from '../util/fleet';

export interface TestBinderOptions {
  store: Store;
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  /** Concurrent binding writes. Default 64. */
  concurrency?: number;
}

export class TestBinder {
  private readonly queue = new Set<string>();
  private cursor = 0;
  private draining = false;
  private stopped = false;
  /** Pods bound so far. */
  bound = 0;
  /** Bindings issued and not yet settled. */
  inFlight = 0;

  constructor(private readonly o: TestBinderOptions) {}

  async start(): Promise<void> {
    await Promise.all([this.o.pods.start(), this.o.nodes.start()]);
    this.o.pods.onChange((type, pod) => {
      if (type !== 'DELETED' && !pod.spec.nodeName && !pod.metadata.deletionTimestamp) this.enqueue(`${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`);
    });
    this.o.nodes.onChange(() => {
      for (const p of this.o.pods.list()) if (!p.spec.nodeName && !p.metadata.deletionTimestamp) this.enqueue(`${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`);
    });
  }

  stop(): void {
    this.stopped = true;
  }

  private enqueue(key: string): void {
    this.queue.add(key);
    if (!this.draining) void this.drain();
  }

  private fits(node: Cached<Node>, pod: Cached<Pod>): boolean {
    if (nodeReadyStatus(node) !== 'True' || isNodeUnreachable(node) || node.spec?.unschedulable) return false;
    const labels = node.metadata.labels ?? {};
    return Object.entries(pod.spec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
  }

  private pick(pod: Cached<Pod>, nodes: Cached<Node>[]): string | undefined {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[(this.cursor + i) % nodes.length];
      if (node && this.fits(node, pod)) {
        this.cursor = (this.cursor + i + 1) % nodes.length;
        return node.metadata.name;
      }
    }
    return undefined;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.size > 0 && !this.stopped) {
        const batch = [...this.queue].slice(0, this.o.concurrency ?? 64);
        for (const k of batch) this.queue.delete(k);
        const nodes = this.o.nodes.list().sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
        await Promise.all(batch.map((key) => this.bind(key, nodes)));
      }
    } finally {
      this.draining = false;
    }
  }

  private async bind(key: string, nodes: Cached<Node>[]): Promise<void> {
    const pod = this.o.pods.get(key);
    if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp) return;
    const node = this.pick(pod, nodes);
    if (!node) return;
    this.inFlight++;
    try {
      await this.o.store.guaranteedUpdate({ resource: 'pods', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '' }, (cur) => {
        const spec = (cur as Pod).spec;
        if (cur.metadata.uid !== pod.metadata.uid || spec.nodeName || cur.metadata.deletionTimestamp) return cur;
        return { ...cur, spec: { ...spec, nodeName: node } };
      });
      this.bound++;
    } catch (err) {
      if (!isFlotillaError(err, 'NotFound')) throw err;
    } finally {
      this.inFlight--;
    }
  }
}
