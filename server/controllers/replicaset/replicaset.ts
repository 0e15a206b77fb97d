// The ReplicaSet controller: keeps spec.replicas pods of the template running. Creates in slow-start
// batches, deletes the least valuable pods first, replaces replicas lost on silent devices,
// tracks its in-flight writes with expectations, and reports status.

import type { Node, Pod } from '../../../shared/api/core';
import type { ReplicaSet } from '../../../shared/api/workloads';
import type { Cached } from '../../informer/informer';
import type { EventSink } from '../../events/recorder';
import { informerWatch, objectKey, type InformerWatch, type Reconciler, type ReconcileResult } from '../controller';
import { BY_CONTROLLER, BY_NODE, ORPHANS_BY_NAMESPACE, type ControllerContext } from '../context';
import { claim } from '../util/claim';
import { Expectations } from '../util/expectations';
import { isNodeUnreachable } from '../util/fleet';
import { controllerRefOf, isPodActive, msUntilAvailable, podFromTemplate } from '../util/pods';
import { deletePod, slowStartBatch } from '../util/pod-writes';
import { labelSelectorAsSelector, labelSelectorMatches } from '../../../shared/api/selectors';
import { deletionOrder, lostVerdict } from './ranking';
import { replicaSetStatus, writeReplicaSetStatus } from './status';

/** Kubernetes' burstReplicas: at most this many creates or deletes per sync. */
export const BURST_REPLICAS = 500;

type Failure = { reason: 'FailedCreate' | 'FailedDelete'; message: string };

export class ReplicaSetReconciler implements Reconciler {
  readonly name = 'replicaset';
  readonly primary = 'replicasets.apps';
  readonly watches = [];
  readonly informerWatches: InformerWatch[];
  private readonly expectations: Expectations;
  private readonly events: EventSink;
  /**
   * Per ReplicaSet, the batch size its last create round ended with when every create succeeded:
   * the next round starts there instead of at 1. Any failure starts the next round at 1 again, so
   * a broken template still fails once, not `burst` times (the point of slow start).
   */
  private readonly warmBatch = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {
    this.expectations = new Expectations(ctx.clock);
    this.events = ctx.events('replicaset-controller');
    const { replicaSets, pods, nodes } = ctx.informers;
    this.informerWatches = [
      informerWatch(replicaSets, (_t, rs) => [objectKey(rs.metadata.namespace, rs.metadata.name)]),
      informerWatch(pods, (type, pod, old) => this.keysForPod(type, pod, old)),
      informerWatch(nodes, (_t, node, old) => this.keysForNode(node, old)),
    ];
  }

  private keysForPod(type: string, pod: Cached<Pod>, old: Cached<Pod> | undefined): string[] {
    const ns = pod.metadata.namespace;
    const podKey = objectKey(ns, pod.metadata.name);
    const keys: string[] = [];
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.kind !== 'ReplicaSet') return [];
      const key = objectKey(ns, ref.name);
      if (type === 'ADDED') this.expectations.creationObserved(key);
      if (type === 'DELETED' || (pod.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp)) this.expectations.deletionObserved(key, podKey);
      keys.push(key);
    } else {
      // An orphan (rare: pods a ReplicaSet creates carry its controllerRef) may be adopted.
      for (const rs of this.ctx.informers.replicaSets.list(ns)) {
        if (labelSelectorMatches(rs.spec.selector, pod.metadata.labels)) keys.push(objectKey(ns, rs.metadata.name));
      }
    }
    const oldRef = old && controllerRefOf(old);
    if (oldRef && oldRef.kind === 'ReplicaSet' && oldRef.uid !== ref?.uid) keys.push(objectKey(ns, oldRef.name));
    return keys;
  }

  /** A device going silent or coming back: the ReplicaSets with pods there take a look. */
  private keysForNode(node: Cached<Node>, old: Cached<Node> | undefined): string[] {
    if (old && isNodeUnreachable(old) === isNodeUnreachable(node)) return [];
    const keys = new Set<string>();
    for (const pod of this.ctx.informers.pods.byIndex(BY_NODE, node.metadata.name ?? '')) {
      const ref = controllerRefOf(pod);
      if (ref?.kind === 'ReplicaSet') keys.add(objectKey(pod.metadata.namespace, ref.name));
    }
    return [...keys];
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const { informers, store, clock } = this.ctx;
    const rs = informers.replicaSets.get(key);
    if (!rs) {
      this.expectations.forget(key);
      this.warmBatch.delete(key);
      return;
    }
    const ns = rs.metadata.namespace ?? '';
    const pods = await claim<Pod>({
      owner: rs,
      selector: rs.spec.selector,
      owned: informers.pods.byIndex(BY_CONTROLLER, rs.metadata.uid ?? ''),
      orphans: informers.pods.byIndex(ORPHANS_BY_NAMESPACE, ns),
      store,
      resource: 'pods',
    });
    const active = pods.filter(isPodActive);
    const now = clock.now();
    let failure: Failure | undefined;
    let recheck: number | undefined;
    if (this.expectations.satisfied(key) && !rs.metadata.deletionTimestamp) {
      const out = await this.manage(key, rs, active, now);
      failure = out.failure;
      recheck = out.recheckInMs;
    }
    // Status from the cache as it is after our own writes (each awaited write is in the cache), so
    // it never counts a pod this sync just deleted: the Deployment's budget relies on that.
    const selector = labelSelectorAsSelector(rs.spec.selector);
    const after = informers.pods.byIndex(BY_CONTROLLER, rs.metadata.uid ?? '').filter((p) => isPodActive(p) && selector.matches(p.metadata.labels ?? {}));
    await writeReplicaSetStatus(store, rs, replicaSetStatus(rs, after, { nowMs: now, nodeOf: (n) => informers.nodes.get(n), ...(failure ? { failure } : {}) }));
    for (const p of after) {
      const left = msUntilAvailable(p, { minReadySeconds: rs.spec.minReadySeconds, nowMs: now });
      if (left !== undefined) recheck = Math.min(recheck ?? left, left);
    }
    if (failure) throw new Error(`replicaset ${key}: ${failure.message}`);
    return recheck !== undefined ? { requeueAfterMs: recheck + 1 } : undefined;
  }

  private async manage(key: string, rs: Cached<ReplicaSet>, active: readonly Cached<Pod>[], now: number): Promise<{ failure?: Failure; recheckInMs?: number }> {
    const nodeOf = (name: string) => this.ctx.informers.nodes.get(name);
    const lost: Cached<Pod>[] = [];
    const usable: Cached<Pod>[] = [];
    let recheckInMs: number | undefined;
    for (const p of active) {
      const verdict = lostVerdict(p, { node: p.spec.nodeName ? nodeOf(p.spec.nodeName) : undefined, nowMs: now });
      if (verdict.lost) lost.push(p);
      else usable.push(p);
      if (verdict.recheckInMs !== undefined) recheckInMs = Math.min(recheckInMs ?? verdict.recheckInMs, verdict.recheckInMs);
    }
    const diff = usable.length - (rs.spec.replicas ?? 1);
    const doomed = diff > 0 ? deletionOrder(usable, nodeOf).slice(0, Math.min(diff, BURST_REPLICAS)) : [];
    const toDelete = [...lost, ...doomed];
    const toCreate = diff < 0 ? Math.min(-diff, BURST_REPLICAS) : 0;
    if (toDelete.length === 0 && toCreate === 0) return { ...(recheckInMs !== undefined ? { recheckInMs } : {}) };
    this.expectations.expect(key, toCreate, toDelete.map((p) => objectKey(p.metadata.namespace, p.metadata.name)));
    const deleteError = await this.deletePods(key, rs, toDelete, new Set(lost));
    const createError = toCreate > 0 ? await this.createPods(key, rs, toCreate) : undefined;
    const failure: Failure | undefined = createError
      ? { reason: 'FailedCreate', message: createError }
      : deleteError
        ? { reason: 'FailedDelete', message: deleteError }
        : undefined;
    return { ...(failure ? { failure } : {}), ...(recheckInMs !== undefined ? { recheckInMs } : {}) };
  }

  private async createPods(key: string, rs: Cached<ReplicaSet>, count: number): Promise<string | undefined> {
    const template = rs.spec.template;
    if (!template) {
      this.expectations.creationObserved(key, count);
      return 'spec.template is missing';
    }
    const ns = rs.metadata.namespace ?? '';
    const initial = this.warmBatch.get(key) ?? 1;
    const { successes, error, lastBatch } = await slowStartBatch({ count, initial }, async () => {
      const pod = podFromTemplate(template, { namespace: ns, generateName: `${rs.metadata.name ?? ''}-`, owner: rs as ReplicaSet });
      const created = await this.ctx.store.create('pods', pod);
      this.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name ?? ''}`);
    });
    if (successes < count) this.expectations.creationObserved(key, count - successes);
    if (error === undefined) {
      this.warmBatch.set(key, Math.max(initial, lastBatch));
      return undefined;
    }
    this.warmBatch.delete(key);
    const message = error instanceof Error ? error.message : String(error);
    this.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${message}`);
    return message;
  }

  private async deletePods(key: string, rs: Cached<ReplicaSet>, pods: readonly Cached<Pod>[], lost: ReadonlySet<Cached<Pod>>): Promise<string | undefined> {
    let firstError: string | undefined;
    await Promise.all(
      pods.map(async (p) => {
        const podKey = objectKey(p.metadata.namespace, p.metadata.name);
        try {
          const deleted = await deletePod(this.ctx.store, p);
          if (!deleted) this.expectations.deletionObserved(key, podKey);
          else if (lost.has(p)) this.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name ?? ''} (node ${p.spec.nodeName ?? ''} unreachable; replacing it)`);
          else this.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name ?? ''}`);
        } catch (err) {
          this.expectations.deletionObserved(key, podKey);
          const message = err instanceof Error ? err.message : String(err);
          firstError ??= message;
          this.events.record(rs, 'Warning', 'FailedDelete', `Error deleting: ${message}`);
        }
      }),
    );
    return firstError;
  }
}
