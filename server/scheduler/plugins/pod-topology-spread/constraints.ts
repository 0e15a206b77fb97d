// The explicit spread constraints of a pod (spec.topologySpreadConstraints) compiled for counting,
// and how pods are counted for them.

import { labelSelectorAsSelector } from '../../../../shared/api/selectors';
import type { Labels } from '../../../../shared/api/types';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  /** Pods in `namespace` whose labels match count. */
  selector: (labels: Readonly<Labels> | undefined) => boolean;
  namespace: string;
  /** Does the incoming pod itself match (it adds 1 to the domain it lands in)? */
  selfMatch: boolean;
}

/** The pod's explicit constraints of one kind: hard = DoNotSchedule, soft = ScheduleAnyway. */
export function constraintsOf(pod: PodInfo, hard: boolean): Constraint[] {
  const explicit = pod.pod.spec.topologySpreadConstraints ?? [];
  if (explicit.length === 0) return [];
  const namespace = pod.pod.metadata.namespace ?? '';
  const wanted = hard ? 'DoNotSchedule' : 'ScheduleAnyway';
  return explicit
    .filter((c) => c.whenUnsatisfiable === wanted)
    .map((c) => {
      const compiled = labelSelectorAsSelector(c.labelSelector);
      const selector = (labels: Readonly<Labels> | undefined): boolean => compiled.matches(labels ?? {});
      return { maxSkew: c.maxSkew, topologyKey: c.topologyKey, minDomains: c.minDomains ?? 1, selector, namespace, selfMatch: selector(pod.pod.metadata.labels) };
    });
}

export function hasAllKeys(node: NodeInfo, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) if (node.labels[c.topologyKey] === undefined) return false;
  return true;
}

/** Pods on `node` counted by `c` (terminating pods do not count). */
export function countOnNode(c: Constraint, node: NodeInfo): number {
  let n = 0;
  for (const p of node.pods.values()) {
    const meta = p.pod.metadata;
    if (meta.namespace === c.namespace && !meta.deletionTimestamp && c.selector(meta.labels)) n++;
  }
  return n;
}
