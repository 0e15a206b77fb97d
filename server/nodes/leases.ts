// Heartbeats → the node's Lease in kube-node-lease (renewTime), as the kubelet's lease controller
// does. At most one write per node is in flight; heartbeats arriving meanwhile fold into one more
// write. Records heartbeat-to-store latency for /metrics and the fleet benchmark.

import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock';
import { isFlotillaError } from '../../shared/errors';
import type { Informer } from '../informer/informer';
import type { Store } from '../store/types';
import { LEASE_RESOURCE } from './lifecycle';
import { LEASE_NAMESPACE, microTime } from './node-object';

export const LEASE_DURATION_SECONDS = 40;

/** Latencies of the last `windowMs` (bounded in count), with percentiles over that window. */
export class LatencySample {
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  count = 0;

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 30_000,
    private readonly capacity = 100_000,
  ) {}

  add(ms: number): void {
    this.count++;
    this.times.push(this.now());
    this.values.push(ms);
    if (this.values.length > this.capacity) this.drop(this.values.length - this.capacity);
  }

  percentile(p: number): number {
    const cutoff = this.now() - this.windowMs;
    let old = 0;
    while (old < this.times.length && (this.times[old] ?? 0) < cutoff) old++;
    this.drop(old);
    if (this.values.length === 0) return 0;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  }

  private drop(n: number): void {
    this.times.splice(0, n);
    this.values.splice(0, n);
  }
}

export class LeaseRenewer {
  readonly latency: LatencySample;
  private readonly inflight = new Set<string>();
  /** node → receipt time of the oldest heartbeat not yet written */
  private readonly pending = new Map<string, number>();

  constructor(private readonly deps: { store: Store; nodes: Informer; clock: Clock; logger: Logger }) {
    this.latency = new LatencySample(() => deps.clock.now());
  }

  heartbeat(node: string): void {
    const now = this.deps.clock.now();
    if (!this.deps.nodes.get(node)) return; // a deleted node's last words
    if (this.inflight.has(node)) {
      if (!this.pending.has(node)) this.pending.set(node, now);
      return;
    }
    void this.renew(node, now);
  }

  private async renew(node: string, receivedAt: number): Promise<void> {
    this.inflight.add(node);
    try {
      await this.write(node, this.deps.clock.now());
      this.latency.add(this.deps.clock.now() - receivedAt);
    } catch (err) {
      this.deps.logger.warn({ err, node }, 'lease renewal failed');
    } finally {
      this.inflight.delete(node);
      const again = this.pending.get(node);
      if (again !== undefined) {
        this.pending.delete(node);
        void this.renew(node, again);
      }
    }
  }

  private async write(node: string, now: number): Promise<void> {
    const ref = { resource: LEASE_RESOURCE, namespace: LEASE_NAMESPACE, name: node };
    const spec = { holderIdentity: node, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) };
    try {
      await this.deps.store.guaranteedUpdate(ref, (lease) => ({ ...lease, spec: { ...(lease.spec as object), ...spec } }));
    } catch (err) {
      if (!isFlotillaError(err, 'NotFound')) throw err;
      const owner = this.deps.nodes.get(node);
      await this.deps.store.create(LEASE_RESOURCE, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: node, namespace: LEASE_NAMESPACE, ...(owner?.metadata.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node, uid: owner.metadata.uid }] } : {}) },
        spec: { ...spec, acquireTime: microTime(now) },
      });
    }
  }
}
