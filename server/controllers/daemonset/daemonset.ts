// The DaemonSet controller: one pod per eligible node, created bound to its node (spec.nodeName —
// no scheduler round trip, as Kubernetes did before 1.12), following node joins, label and taint
// changes; rolling updates by controller-revision-hash within maxUnavailable/maxSurge; revision
// history as ControllerRevisions (history.ts, for `kubectl rollout history|undo`); failed daemon
// pods replaced with backoff; status that only counts reachable devices (see status.ts).

import type { Node, Pod } from '../../../shared/api/core';
import type { DaemonSet } from '../../../shared/api/workloads';
import type { Cached } from '../../informer/informer';
import type { EventSink } from '../../events/recorder';
import { labelSelectorMatches } from '../../../shared/api/selectors';
import { informerWatch, objectKey, type InformerWatch, type Reconciler, type ReconcileResult } from '../controller';
import { BY_CONTROLLER, ORPHANS_BY_NAMESPACE, type ControllerContext } from '../context';
import { claim } from '../util/claim';
import { Expectations } from '../util/expectations';
import { isNodeUnreachable, nodeReadyStatus } from '../util/fleet';
import { computeHash } from '../util/hash';
import { controllerRefOf, createdMs, msUntilAvailable, podFromTemplate } from '../util/pods';
import { deletePod, slowStartBatch } from '../util/pod-writes';
import { daemonTolerations, nodeShouldRunDaemonPod } from './eligibility';
import { cleanupHistory, constructHistory, revisionHash, type History } from './history';
import { budgets, REVISION_HASH, rollingUpdatePlan } from './rolling';
import { daemonSetStatus, writeDaemonSetStatus } from './status';

const BURST = 250;
const FAILED_BACKOFF_MS = { initial: 1000, max: 15 * 60_000 };

/** What about a node concerns DaemonSets: labels, taints, cordon, readiness, reachability. */
function nodeShape(n: Cached<Node> | undefined): string {
  if (!n) return '';
  return JSON.stringify([n.metadata.labels, n.spec?.taints?.map((t) => [t.key, t.value, t.effect]), n.spec?.unschedulable, nodeReadyStatus(n), isNodeUnreachable(n)]);
}

export class DaemonSetReconciler implements Reconciler {
  readonly name = 'daemonset';
  readonly primary = 'daemonsets.apps';
  readonly watches = [];
  readonly informerWatches: InformerWatch[];
  private readonly expectations: Expectations;
  private readonly events: EventSink;
  private readonly failedBackoff = new Map<string, { nextMs: number; delayMs: number }>();

  constructor(private readonly ctx: ControllerContext) {
    this.expectations = new Expectations(ctx.clock);
    this.events = ctx.events('daemonset-controller');
    const { daemonSets, pods, nodes, controllerRevisions } = ctx.informers;
    const all = () => daemonSets.list().map((ds) => objectKey(ds.metadata.namespace, ds.metadata.name));
    this.informerWatches = [
      informerWatch(daemonSets, (_t, ds) => [objectKey(ds.metadata.namespace, ds.metadata.name)]),
      informerWatch(pods, (type, pod, old) => this.keysForPod(type, pod, old)),
      informerWatch(nodes, (type, node, old) => (type !== 'MODIFIED' || nodeShape(node) !== nodeShape(old) ? all() : [])),
      informerWatch(controllerRevisions, (_t, rev) => {
        const ref = controllerRefOf(rev);
        return ref?.kind === 'DaemonSet' ? [objectKey(rev.metadata.namespace, ref.name)] : [];
      }),
    ];
  }

  private keysForPod(type: string, pod: Cached<Pod>, old: Cached<Pod> | undefined): string[] {
    const ns = pod.metadata.namespace;
    const ref = controllerRefOf(pod);
    if (!ref) return this.ctx.informers.daemonSets.list(ns).filter((ds) => labelSelectorMatches(ds.spec.selector, pod.metadata.labels)).map((ds) => objectKey(ns, ds.metadata.name));
    if (ref.kind !== 'DaemonSet') return [];
    const key = objectKey(ns, ref.name);
    if (type === 'ADDED') this.expectations.creationObserved(key);
    if (type === 'DELETED' || (pod.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp)) this.expectations.deletionObserved(key, objectKey(ns, pod.metadata.name));
    return [key];
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const { informers, store, clock } = this.ctx;
    const ds = informers.daemonSets.get(key);
    if (!ds) {
      this.expectations.forget(key);
      return;
    }
    const now = clock.now();
    const history = ds.metadata.deletionTimestamp ? undefined : await this.history(ds);
    const hash = history ? revisionHash(history.cur) : computeHash(ds.spec.template, ds.status?.collisionCount);
    const mapPods = (pods: readonly Cached<Pod>[]) => {
      const m = new Map<string, Cached<Pod>[]>();
      for (const p of pods) {
        const terminalAndGoing = (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') && p.metadata.deletionTimestamp;
        if (terminalAndGoing) continue;
        const node = p.spec.nodeName ?? '';
        m.set(node, [...(m.get(node) ?? []), p]);
      }
      return m;
    };
    const owned = await claim<Pod>({
      owner: ds,
      selector: ds.spec.selector,
      owned: informers.pods.byIndex(BY_CONTROLLER, ds.metadata.uid ?? ''),
      orphans: informers.pods.byIndex(ORPHANS_BY_NAMESPACE, ds.metadata.namespace ?? ''),
      store,
      resource: 'pods',
    });
    const nodes = informers.nodes.list();
    let recheck: number | undefined;
    if (this.expectations.satisfied(key) && !ds.metadata.deletionTimestamp) {
      recheck = await this.sync(key, ds, nodes, mapPods(owned), hash, now);
      if (history) await cleanupHistory(ds, { store, old: history.old, pods: informers.pods.byIndex(BY_CONTROLLER, ds.metadata.uid ?? '') });
    }
    const after = informers.pods.byIndex(BY_CONTROLLER, ds.metadata.uid ?? '');
    const nodeToPods = mapPods(after);
    await writeDaemonSetStatus(store, ds, daemonSetStatus(ds, { nodes, nodeToPods, hash, nowMs: now }));
    for (const p of after) {
      const left = msUntilAvailable(p, { minReadySeconds: ds.spec.minReadySeconds, nowMs: now });
      if (left !== undefined) recheck = Math.min(recheck ?? left, left);
    }
    return recheck !== undefined ? { requeueAfterMs: recheck + 1 } : undefined;
  }

  private history(ds: Cached<DaemonSet>): Promise<History> {
    const { informers, store } = this.ctx;
    return constructHistory({
      ds,
      store,
      owned: informers.controllerRevisions.byIndex(BY_CONTROLLER, ds.metadata.uid ?? ''),
      orphans: informers.controllerRevisions.byIndex(ORPHANS_BY_NAMESPACE, ds.metadata.namespace ?? ''),
      pods: informers.pods.byIndex(BY_CONTROLLER, ds.metadata.uid ?? ''),
    });
  }

  /** manage + rollingUpdate in one pass over the same snapshot. Returns when to look again, if ever. */
  private async sync(key: string, ds: Cached<DaemonSet>, nodes: readonly Cached<Node>[], nodeToPods: Map<string, Cached<Pod>[]>, hash: string, now: number): Promise<number | undefined> {
    const create: string[] = [];
    const remove = new Map<string, Cached<Pod>>();
    let recheck: number | undefined;
    const known = new Set<string>();
    const eligibility = nodes.map((node) => ({ node, ...nodeShouldRunDaemonPod(node, ds) }));
    const desired = eligibility.filter((e) => e.shouldRun && !isNodeUnreachable(e.node)).length;
    // One pod per node; two (the old and its replacement) while surging. The oldest stay.
    const keep = budgets(ds, desired).maxSurge > 0 ? 2 : 1;
    for (const { node, shouldRun, shouldContinueRunning } of eligibility) {
      const name = node.metadata.name ?? '';
      known.add(name);
      const pods = nodeToPods.get(name) ?? [];
      if (shouldRun && pods.length === 0) {
        create.push(name);
      } else if (shouldContinueRunning) {
        const running: Cached<Pod>[] = [];
        for (const p of pods) {
          if (p.metadata.deletionTimestamp) continue;
          if (p.status?.phase === 'Failed' || (p.status?.phase === 'Succeeded' && ds.spec.template.spec.restartPolicy !== 'Never')) {
            const wait = this.failedPodWait(`${key}/${name}`, now);
            if (wait > 0) recheck = Math.min(recheck ?? wait, wait);
            else {
              this.events.record(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''} on node ${name}, will try to kill it`);
              remove.set(p.metadata.name ?? '', p);
            }
          } else running.push(p);
        }
        for (const p of running.sort((a, b) => createdMs(a) - createdMs(b)).slice(keep)) remove.set(p.metadata.name ?? '', p);
      } else {
        for (const p of pods) if (!p.metadata.deletionTimestamp) remove.set(p.metadata.name ?? '', p);
      }
    }
    // Pods bound to nodes that no longer exist have nowhere to run.
    for (const [name, pods] of nodeToPods) if (!known.has(name)) for (const p of pods) if (!p.metadata.deletionTimestamp) remove.set(p.metadata.name ?? '', p);
    // As Kubernetes: the rolling update only runs on a sync where the manage pass had nothing to do,
    // so it never plans on a snapshot that its own creates and deletes just made stale.
    if (remove.size === 0 && create.length === 0 && (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const wanted = eligibility.filter((e) => e.shouldRun).map((e) => e.node.metadata.name ?? '');
      const plan = rollingUpdatePlan({ ds, hash, nodeToPods, wanted, nodeOf: (n) => this.ctx.informers.nodes.get(n), desired, nowMs: now });
      for (const p of plan.deletePods) remove.set(p.metadata.name ?? '', p);
      create.push(...plan.createOn);
    }
    await this.syncNodes(key, ds, [...remove.values()].slice(0, BURST), create.slice(0, BURST), hash);
    return recheck;
  }

  /** Delay before the next failed pod on this node may be replaced (flowcontrol backoff, 1 s → 15 min). */
  private failedPodWait(id: string, now: number): number {
    const b = this.failedBackoff.get(id);
    if (b && now < b.nextMs) return b.nextMs - now;
    const delay = b ? Math.min(b.delayMs * 2, FAILED_BACKOFF_MS.max) : FAILED_BACKOFF_MS.initial;
    this.failedBackoff.set(id, { nextMs: now + delay, delayMs: delay });
    return 0;
  }

  private async syncNodes(key: string, ds: Cached<DaemonSet>, remove: readonly Cached<Pod>[], createOn: readonly string[], hash: string): Promise<void> {
    if (remove.length === 0 && createOn.length === 0) return;
    this.expectations.expect(key, createOn.length, remove.map((p) => objectKey(p.metadata.namespace, p.metadata.name)));
    const template = { ...ds.spec.template, spec: { ...ds.spec.template.spec, tolerations: daemonTolerations(ds.spec.template.spec) } };
    let next = 0;
    const { successes, error } = await slowStartBatch({ count: createOn.length, initial: 1 }, async () => {
      const node = createOn[next++] ?? '';
      const pod = podFromTemplate(template, { namespace: ds.metadata.namespace ?? '', generateName: `${ds.metadata.name ?? ''}-`, owner: ds as DaemonSet, nodeName: node, extraLabels: { [REVISION_HASH]: hash } });
      const created = await this.ctx.store.create('pods', pod);
      this.events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name ?? ''}`);
    });
    if (successes < createOn.length) this.expectations.creationObserved(key, createOn.length - successes);
    if (error !== undefined) this.events.record(ds, 'Warning', 'FailedCreate', `Error creating: ${error instanceof Error ? error.message : String(error)}`);
    await Promise.all(
      remove.map(async (p) => {
        const podKey = objectKey(p.metadata.namespace, p.metadata.name);
        try {
          if (await deletePod(this.ctx.store, p)) this.events.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name ?? ''}`);
          else this.expectations.deletionObserved(key, podKey);
        } catch (err) {
          this.expectations.deletionObserved(key, podKey);
          throw err;
        }
      }),
    );
    if (error !== undefined) throw error;
  }
}
