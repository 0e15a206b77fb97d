// The node lifecycle controller: a node whose Lease (renewed by its heartbeats) is older than the
// grace period becomes Ready=Unknown with the node.kubernetes.io/unreachable taints, as Kubernetes
// does; the first fresh heartbeat makes it Ready again. Pods stay where they are unless a pod's
// toleration of the unreachable NoExecute taint sets tolerationSeconds: then it is evicted when
// they run out. Every Ready transition is recorded as an Event.

import type { Lease, NodeCondition, Pod, Taint } from '../../shared/api/core';
import type { KubeObject } from '../../shared/api/types';
import type { Clock } from '../../shared/clock';
import { isFlotillaError } from '../../shared/errors';
import type { Logger } from 'pino';
import type { ReconcileResult, Reconciler } from '../controllers/controller';
import { tolerationsFor } from '../controllers/util/fleet';
import type { EventSink } from '../events/recorder';
import type { Informer } from '../informer/informer';
import type { Store, StoreEvent } from '../store/types';
import { conditionOf, isoSeconds, LEASE_NAMESPACE, setCondition, taintsOf, TAINT_NOT_READY, TAINT_UNREACHABLE, withTaints } from './node-object';

export const LEASE_RESOURCE = 'leases.coordination.k8s.io';
export const DEFAULT_GRACE_PERIOD_MS = 50_000;

export interface LifecycleOptions {
  clock: Clock;
  /** --node-monitor-grace-period: how old a Lease may get before the node is Unknown. */
  gracePeriodMs?: number;
  events: EventSink;
  logger: Logger;
  /** Pods with a spec.nodeName index named "nodeName". */
  pods: Informer;
}

const PRESSURE = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];

function renewTimeOf(lease: KubeObject | undefined): number | undefined {
  const t = (lease as Lease | undefined)?.spec?.renewTime;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Seconds a pod tolerates the unreachable NoExecute taint: undefined = forever (or no toleration:
 * Flotilla never evicts those). As Kubernetes' getMinTolerationTime: of the tolerations that match
 * the taint, the shortest tolerationSeconds wins; only when none of them sets one, forever.
 */
export function evictionAfterSeconds(pod: Pod): number | undefined {
  const found = tolerationsFor(pod.spec.tolerations, { key: TAINT_UNREACHABLE, effect: 'NoExecute' });
  const seconds = found.map((t) => t.tolerationSeconds).filter((s): s is number => typeof s === 'number');
  return seconds.length === 0 ? undefined : Math.max(0, Math.min(...seconds));
}

export class NodeLifecycleReconciler implements Reconciler {
  readonly name = 'node-lifecycle';
  readonly primary = 'nodes';
  readonly watches = [
    // DELETED too: reconcile forgets the node, so one joining again under its name starts afresh.
    { resource: 'nodes', keysFor: (e: StoreEvent) => [e.object.metadata.name ?? ''] },
    // A renewed Lease matters only to a node that is not Ready yet (it becomes Ready now); a Ready
    // node is looked at again when its Lease would expire (requeueAfter). At 10,000 nodes that saves
    // 1,000 reconciles a second.
    { resource: LEASE_RESOURCE, keysFor: (e: StoreEvent) => (e.object.metadata.namespace === LEASE_NAMESPACE && !this.ready.has(e.object.metadata.name ?? '') ? [e.object.metadata.name ?? ''] : []) },
  ];
  private readonly grace: number;
  /** Nodes last seen Ready=True by reconcile. */
  private readonly ready = new Set<string>();
  /**
   * When this controller first looked at each node. Like Kubernetes' nodeHealthMap probeTimestamp,
   * the grace period never starts before it: after a server restart (or any downtime longer than
   * the grace period) every device gets a full grace period to heartbeat again, instead of the whole
   * fleet going Unknown at once — with its unreachable NoExecute taints evicting pods that
   * tolerate them only briefly — because Leases could not be renewed while the server was down.
   */
  private readonly firstSeen = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly options: LifecycleOptions,
  ) {
    this.grace = options.gracePeriodMs ?? DEFAULT_GRACE_PERIOD_MS;
  }

  async reconcile(name: string): Promise<ReconcileResult | void> {
    const node = await this.store.get({ resource: 'nodes', name });
    if (!node || node.metadata.deletionTimestamp) {
      this.ready.delete(name);
      this.firstSeen.delete(name);
      return;
    }
    const lease = await this.store.get({ resource: LEASE_RESOURCE, namespace: LEASE_NAMESPACE, name });
    const now = this.options.clock.now();
    let seen = this.firstSeen.get(name);
    if (seen === undefined) this.firstSeen.set(name, (seen = now));
    const renewed = renewTimeOf(lease);
    const created = Date.parse(node.metadata.creationTimestamp ?? '');
    const basis = Math.max(renewed ?? (Number.isFinite(created) ? created : now), seen);
    const fresh = now - basis < this.grace;
    // A node that never sent a heartbeat keeps whatever it has until the grace period since its creation ends.
    if (fresh && renewed === undefined) return { requeueAfterMs: basis + this.grace - now + 1 };

    let transition: 'ready' | 'unknown' | undefined;
    const mark = (current: KubeObject): KubeObject => (fresh ? this.markReady(current, now) : this.markUnknown(current, now));
    // JSON comparison: objects from the store may come from another realm (structuredClone under jest).
    if (JSON.stringify(mark(node)) !== JSON.stringify(node)) {
      await this.store.guaranteedUpdate({ resource: 'nodes', name }, (current) => {
        const next = mark(current);
        const was = conditionOf(current, 'Ready')?.status;
        const is = conditionOf(next, 'Ready')?.status;
        transition = was === is ? undefined : is === 'True' ? 'ready' : 'unknown';
        return next;
      });
    }
    if (fresh) this.ready.add(name);
    else this.ready.delete(name);
    if (transition === 'ready') this.options.events.record(node, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
    if (transition === 'unknown') {
      this.options.events.record(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      this.options.logger.warn({ node: name, lastHeartbeat: renewed === undefined ? undefined : isoSeconds(renewed) }, 'node stopped sending heartbeats: Ready=Unknown');
    }
    if (fresh) return { requeueAfterMs: basis + this.grace - now + 1 };
    const nextEviction = await this.evict(name, now);
    return nextEviction === undefined ? undefined : { requeueAfterMs: nextEviction };
  }

  private markReady(node: KubeObject, now: number): KubeObject {
    const status = (node.status ?? {}) as { conditions?: NodeCondition[] };
    let conditions = status.conditions ?? [];
    const ready = conditionOf(node, 'Ready');
    if (ready?.status !== 'True') conditions = setCondition(conditions, { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'flotilla agent is posting ready status', lastHeartbeatTime: isoSeconds(now) }, now);
    for (const type of PRESSURE) {
      const c = conditions.find((x) => x.type === type);
      if (c?.status === 'Unknown') conditions = setCondition(conditions, { type, status: 'False', reason: 'KubeletHasSufficientResources', message: 'agent is reachable again', lastHeartbeatTime: isoSeconds(now) }, now);
    }
    const untainted = withTaints(withTaints(node, TAINT_UNREACHABLE, []), TAINT_NOT_READY, []);
    return { ...untainted, status: { ...status, conditions } };
  }

  private markUnknown(node: KubeObject, now: number): KubeObject {
    const status = (node.status ?? {}) as { conditions?: NodeCondition[] };
    let conditions = status.conditions ?? [];
    const unknown = (type: string): NodeCondition => {
      const prior = conditions.find((c) => c.type === type);
      return { type, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', ...(prior?.lastHeartbeatTime ? { lastHeartbeatTime: prior.lastHeartbeatTime } : {}) };
    };
    for (const type of ['Ready', ...PRESSURE]) {
      const c = conditions.find((x) => x.type === type);
      if ((c || type === 'Ready') && c?.status !== 'Unknown') conditions = setCondition(conditions, unknown(type), now);
    }
    const added = isoSeconds(now);
    const taints: Taint[] = [
      { key: TAINT_UNREACHABLE, effect: 'NoSchedule', timeAdded: added },
      { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: added },
    ];
    return { ...withTaints(withTaints(node, TAINT_NOT_READY, []), TAINT_UNREACHABLE, taints), status: { ...status, conditions } };
  }

  /** Evicts pods whose tolerationSeconds ran out; returns ms until the next one is due. */
  private async evict(name: string, now: number): Promise<number | undefined> {
    const node = await this.store.get({ resource: 'nodes', name });
    const taint = node ? taintsOf(node).find((t) => t.key === TAINT_UNREACHABLE && t.effect === 'NoExecute') : undefined;
    const since = taint?.timeAdded ? Date.parse(taint.timeAdded) : now;
    let next: number | undefined;
    for (const pod of this.options.pods.byIndex('nodeName', name) as Pod[]) {
      const seconds = evictionAfterSeconds(pod);
      if (seconds === undefined || pod.metadata.deletionTimestamp) continue;
      const due = since + seconds * 1000 - now;
      if (due > 0) {
        next = Math.min(next ?? due, due);
        continue;
      }
      try {
        // The agent is unreachable and cannot confirm a graceful stop: remove the pod now; the
        // agent stops it when it is back and sees it gone from its desired state.
        await this.store.delete({ resource: 'pods', namespace: pod.metadata.namespace, name: pod.metadata.name ?? '' }, { preconditions: { uid: pod.metadata.uid } });
        this.options.events.record(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}: node ${name} is unreachable`);
      } catch (err) {
        if (!isFlotillaError(err, 'NotFound') && !isFlotillaError(err, 'Conflict')) throw err;
      }
    }
    return next;
  }
}

/** The "nodeName" pod index the lifecycle controller and the desired-state publisher use. */
export function podNodeName(pod: KubeObject): string[] {
  const n = (pod.spec as { nodeName?: unknown } | undefined)?.nodeName;
  return typeof n === 'string' && n ? [n] : [];
}
