// The spread constraints that apply to a pod and how pods are counted for them. Explicit
// spec.topologySpreadConstraints win; a pod without any that has a controlling owner gets
// Kubernetes' system defaults (ScheduleAnyway: maxSkew 3 per hostname, 5 per zone), counting the
// pods of the same controller — what kube-scheduler derives from the owner's selector.

import type { Snapshot } from '../../framework/interface';
import { compileLabelSelector, type LabelMatcher } from '../../framework/labels';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  /** Counts pods of one controller through the cache's per-node counters (system defaults). */
  controllerUid: string | undefined;
  /** Otherwise: pods in `namespace` whose labels match. */
  selector: LabelMatcher;
  namespace: string;
  /** Does the incoming pod itself match (it adds 1 to the domain it lands in)? */
  selfMatch: boolean;
}

/**
 * The pod's constraints of one kind: hard = DoNotSchedule, soft = ScheduleAnyway. `systemDefaulted`
 * is true when they are the system defaults (then nodes need not carry every topology key).
 */
export function constraintsOf(pod: PodInfo, hard: boolean): { constraints: Constraint[]; systemDefaulted: boolean } {
  const spec = pod.pod.spec;
  const namespace = pod.pod.metadata.namespace ?? '';
  const explicit = spec.topologySpreadConstraints ?? [];
  if (explicit.length > 0) {
    const wanted = hard ? 'DoNotSchedule' : 'ScheduleAnyway';
    const constraints = explicit
      .filter((c) => c.whenUnsatisfiable === wanted)
      .map((c) => {
        const selector = compileLabelSelector(c.labelSelector);
        return { maxSkew: c.maxSkew, topologyKey: c.topologyKey, minDomains: c.minDomains ?? 1, controllerUid: undefined, selector, namespace, selfMatch: selector(pod.pod.metadata.labels) };
      });
    return { constraints, systemDefaulted: false };
  }
  if (hard || !pod.controllerUid) return { constraints: [], systemDefaulted: true };
  const base = { minDomains: 1, controllerUid: pod.controllerUid, selector: () => false, namespace, selfMatch: true };
  return {
    constraints: [
      { ...base, maxSkew: 3, topologyKey: LABEL_HOSTNAME },
      { ...base, maxSkew: 5, topologyKey: LABEL_ZONE },
    ],
    systemDefaulted: true,
  };
}

export function hasAllKeys(node: NodeInfo, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) if (node.labels[c.topologyKey] === undefined) return false;
  return true;
}

/** Pods on `node` counted by `c` (terminating pods do not count). */
export function countOnNode(c: Constraint, node: NodeInfo, snapshot: Snapshot): number {
  if (c.controllerUid) return snapshot.controllerPodCounts(c.controllerUid)?.get(node.name) ?? 0;
  let n = 0;
  for (const p of node.pods.values()) {
    const meta = p.pod.metadata;
    if (meta.namespace === c.namespace && !meta.deletionTimestamp && c.selector(meta.labels)) n++;
  }
  return n;
}
