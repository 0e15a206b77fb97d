// Which replicas a ReplicaSet gives up first (controller.ActivePodsWithRanks), and which replicas
// are lost on a silent device and must be replaced elsewhere (Flotilla's fleet rule).

import type { Node, Pod } from '../../../shared/api/core';
import type { Cached } from '../../informer/informer';
import { isNodeUnreachable, TAINT_UNREACHABLE, tolerationsFor, unreachableSinceMs } from '../util/fleet';
import { createdMs, isPodReady, nodeNameOf } from '../util/pods';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function readySinceMs(pod: Cached<Pod>): number {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

function restarts(pod: Cached<Pod>): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

/**
 * Orders pods so the first ones are the best to delete: unbound; on an unreachable node; Pending
 * before Unknown before Running; not ready; on a node crowded with siblings; ready for less time;
 * restarted more; newer.
 */
export function deletionOrder(pods: readonly Cached<Pod>[], nodeOf: (name: string) => Cached<Node> | undefined): Cached<Pod>[] {
  const perNode = new Map<string, number>();
  for (const p of pods) {
    const n = nodeNameOf(p);
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  const key = (p: Cached<Pod>) => {
    const n = nodeNameOf(p);
    const node = n ? nodeOf(n) : undefined;
    return {
      bound: n ? 1 : 0,
      reachable: node && isNodeUnreachable(node) ? 0 : 1,
      phase: PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0,
      ready: isPodReady(p) ? 1 : 0,
      crowd: n ? -(perNode.get(n) ?? 0) : 0,
      readySince: isPodReady(p) ? -readySinceMs(p) : 0,
      restarts: -restarts(p),
      created: -createdMs(p),
    };
  };
  const keyed = pods.map((p) => ({ p, k: key(p) }));
  keyed.sort((a, b) => {
    for (const f of ['bound', 'reachable', 'phase', 'ready', 'crowd', 'readySince', 'restarts', 'created'] as const) {
      if (a.k[f] !== b.k[f]) return a.k[f] - b.k[f];
    }
    return 0;
  });
  return keyed.map((x) => x.p);
}

export interface LostVerdict {
  lost: boolean;
  /** When not lost yet but will be (a toleration running out): ms until it is. */
  recheckInMs?: number;
}

/**
 * Flotilla's rule for a replica whose device went silent (node Ready=Unknown or unreachable taint):
 * - a NoExecute toleration of node.kubernetes.io/unreachable decides, as in Kubernetes: without
 *   tolerationSeconds the pod stays forever; with it, it is replaced once the shortest such time
 *   has passed since the device went silent;
 * - without such a toleration, a pod that was running stays where it is (the device keeps running
 *   it from its local desired state; devices are their own place), and a pod that never started
 *   there is replaced on a reachable node, so a rollout never waits on a silent device.
 * A lost pod is deleted (it stays Terminating until its device returns and stops it) and the
 * ReplicaSet creates a replacement; nothing on a reachable node is ever lost.
 */
export function lostVerdict(pod: Cached<Pod>, { node, nowMs }: { node: Cached<Node> | undefined; nowMs: number }): LostVerdict {
  if (!node || !isNodeUnreachable(node)) return { lost: false };
  const tolerations = tolerationsFor(pod.spec?.tolerations, { key: TAINT_UNREACHABLE, effect: 'NoExecute' });
  if (tolerations.length > 0) {
    // taints.getMinTolerationTime: the shortest tolerationSeconds wins; only all-unbounded means forever.
    const bounded = tolerations.flatMap((t) => (t.tolerationSeconds === undefined ? [] : [Math.max(0, t.tolerationSeconds)]));
    if (bounded.length === 0) return { lost: false };
    const seconds = Math.min(...bounded);
    const left = (unreachableSinceMs(node) ?? nowMs) + seconds * 1000 - nowMs;
    return left <= 0 ? { lost: true } : { lost: false, recheckInMs: left };
  }
  return { lost: pod.status?.phase !== 'Running' };
}

/**
 * Readiness as the ReplicaSet counts it. On a reachable node, the pod's Ready condition. On an
 * unreachable one, what the device last reported: if Ready turned False when the device went
 * silent (a node lifecycle that marks such pods NotReady, as Kubernetes' does), the pod is
 * presumed still ready — its device keeps running it from its local desired state.
 */
export function countsReady(pod: Cached<Pod>, node: Cached<Node> | undefined): boolean {
  if (isPodReady(pod)) return true;
  if (!node || !isNodeUnreachable(node) || pod.status?.phase !== 'Running') return false;
  const ready = pod.status.conditions?.find((c) => c.type === 'Ready');
  const since = unreachableSinceMs(node);
  const flipped = ready?.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return since !== undefined && !Number.isNaN(flipped) && flipped >= since - 1000;
}
