// PodTopologySpread's system defaults (kube-scheduler's defaultConstraints): a pod without
// constraints of its own, controlled by a ReplicaSet, ReplicationController or StatefulSet, is
// spread ScheduleAnyway with maxSkew 3 across hostnames and 5 across zones, counting its
// controller's pods. Read from the cache's per-node and per-zone arrays: O(1) per node.

import type { ControllerCounts } from '../../framework/controller-counts';
import { StateKey, type CycleState } from '../../framework/cycle-state';
import type { Snapshot } from '../../framework/interface';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { SKIP, SUCCESS, type Status } from '../../framework/status';
import { requiredNodeMatchers } from '../node-affinity/node-affinity';
import { LABEL_HOSTNAME } from './constraints';
import { reverseMinMax } from './normalize';

const SPREAD_BY_DEFAULT = new Set(['ReplicaSet', 'ReplicationController', 'StatefulSet']);
export const DEFAULT_HOSTNAME_MAX_SKEW = 3;
export const DEFAULT_ZONE_MAX_SKEW = 5;

interface DefaultsState {
  counts: Readonly<ControllerCounts> | undefined;
  /** The controller's pods per zone id, on the nodes the pod may use. */
  perZone: ArrayLike<number>;
  hostWeight: number;
  zoneWeight: number;
}
const DEFAULTS_STATE = new StateKey<DefaultsState>('PodTopologySpread/defaults');
const NONE = new Int32Array(0);

export function spreadsByDefault(pod: PodInfo): boolean {
  return (pod.pod.spec.topologySpreadConstraints ?? []).length === 0 && pod.controllerUid !== undefined && SPREAD_BY_DEFAULT.has(pod.controllerKind ?? '');
}

export function preScoreDefaults(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Status {
  if (!pod.controllerUid) return SKIP;
  const counts = snapshot.controllerCounts(pod.controllerUid);
  // Domains among the candidates: each node is its own hostname; zones by id (nodes without a
  // zone label form the '' domain, as in Kubernetes, but earn no zone term).
  const seen = new Uint8Array(snapshot.zoneCount);
  let zones = 0;
  for (const n of nodes) {
    if (seen[n.zoneId] === 0) {
      seen[n.zoneId] = 1;
      zones++;
    }
  }
  let perZone: ArrayLike<number> = counts?.perZone ?? NONE;
  const required = requiredNodeMatchers(pod);
  if (counts && required.length > 0) {
    const honoured = new Float64Array(snapshot.zoneCount);
    for (const n of snapshot.nodes) {
      const c = counts.onNode(n);
      if (c > 0 && required.every((m) => m(n))) honoured[n.zoneId] = (honoured[n.zoneId] ?? 0) + c;
    }
    perZone = honoured;
  }
  state.write(DEFAULTS_STATE, { counts, perZone, hostWeight: Math.log(nodes.length + 2), zoneWeight: Math.log(zones + 2) });
  return SUCCESS;
}

export function hasDefaultsState(state: CycleState): boolean {
  return state.read(DEFAULTS_STATE) !== undefined;
}

export function scoreDefaults(state: CycleState, node: NodeInfo): number {
  const s = state.read(DEFAULTS_STATE);
  if (!s) return 0;
  let score = 0;
  if (node.labels[LABEL_HOSTNAME] !== undefined) score += (s.counts?.onNode(node) ?? 0) * s.hostWeight + (DEFAULT_HOSTNAME_MAX_SKEW - 1);
  if (node.zoneId !== 0) score += (s.perZone[node.zoneId] ?? 0) * s.zoneWeight + (DEFAULT_ZONE_MAX_SKEW - 1);
  return Math.round(score);
}

export function normalizeDefaults(scores: number[]): void {
  reverseMinMax(scores);
}
