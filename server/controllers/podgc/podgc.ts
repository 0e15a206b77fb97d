// The pod garbage collector (Kubernetes' podgc, its orphaned-pods part): a pod bound to a Node that
// no longer exists is force-deleted. Without it the pods of a deleted device stay in the store for
// good — Running as last reported, counted as replicas by their ReplicaSet (never replaced), or
// Terminating forever because no kubelet will ever confirm their graceful deletion.

import type { Pod } from '../../../shared/api/core';
import { isFlotillaError } from '../../../shared/errors';
import type { Cached } from '../../informer/informer';
import { informerWatch, type InformerWatch, type Reconciler, type ReconcileResult } from '../controller';
import { BY_NODE, type ControllerContext } from '../context';

/**
 * How long a Node must be missing before its pods go (Kubernetes' podgc quarantineTime): a pod may
 * be created bound to a device that is still joining, and the node cache may lag the store.
 */
export const QUARANTINE_MS = 40_000;

/** Keys are node names; reconcile(node) deletes that node's pods once it has been gone long enough. */
export class PodGcReconciler implements Reconciler {
  readonly name = 'podgc';
  readonly primary = 'nodes';
  readonly watches = [];
  readonly informerWatches: InformerWatch[];
  /** node name → when reconcile first found it missing from the store (cleared when it exists). */
  private readonly missingSince = new Map<string, number>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly quarantineMs = QUARANTINE_MS,
  ) {
    const { nodes, pods } = ctx.informers;
    this.informerWatches = [
      informerWatch(nodes, (type, node) => (type === 'DELETED' ? [node.metadata.name ?? ''] : [])),
      informerWatch(pods, (type, pod) => {
        const node = pod.spec?.nodeName;
        return type !== 'DELETED' && node && !nodes.get(node) ? [node] : [];
      }),
    ];
  }

  async reconcile(node: string): Promise<ReconcileResult | void> {
    const { informers, store, clock, logger } = this.ctx;
    const pods = informers.pods.byIndex(BY_NODE, node);
    // The store decides, not a cache that may not have seen the Node yet.
    if (pods.length === 0 || informers.nodes.get(node) || (await store.get({ resource: 'nodes', name: node }))) {
      this.missingSince.delete(node);
      return;
    }
    const now = clock.now();
    let since = this.missingSince.get(node);
    if (since === undefined) this.missingSince.set(node, (since = now));
    if (now - since < this.quarantineMs) return { requeueAfterMs: since + this.quarantineMs - now };
    this.missingSince.delete(node);
    for (const pod of pods) await this.forceDelete(pod, node);
    logger.info({ node, pods: pods.length }, 'podgc: deleted the pods of a node that no longer exists');
  }

  private async forceDelete(pod: Cached<Pod>, node: string): Promise<void> {
    const ref = { resource: 'pods', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '' };
    try {
      await this.ctx.store.delete(ref, { gracePeriodSeconds: 0, ...(pod.metadata.uid ? { preconditions: { uid: pod.metadata.uid } } : {}) });
    } catch (err) {
      if (isFlotillaError(err, 'NotFound') || isFlotillaError(err, 'Conflict')) return;
      this.ctx.logger.warn({ err, node, pod: `${ref.namespace}/${ref.name}` }, 'podgc: deleting an orphaned pod failed');
      throw err;
    }
  }
}
