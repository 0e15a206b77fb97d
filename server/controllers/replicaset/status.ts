// ReplicaSet status as Kubernetes computes it (replica_set_utils.calculateStatus), and writing it
// only when it changed.

import type { Node, Pod } from '../../../shared/api/core';
import type { ReplicaSet, ReplicaSetStatus, WorkloadCondition } from '../../../shared/api/workloads';
import { deepEqual } from '../../store/object-meta';
import type { Cached } from '../../informer/informer';
import type { Store } from '../../store/types';
import { ignoreNotFound } from '../util/claim';
import { removeCondition, setCondition } from '../util/conditions';
import { isPodAvailable, isoSeconds } from '../util/pods';
import { countsReady } from './ranking';

export interface StatusInput {
  nowMs: number;
  nodeOf: (name: string) => Cached<Node> | undefined;
  /** The error of the last create/delete round, shown as the ReplicaFailure condition. */
  failure?: { reason: 'FailedCreate' | 'FailedDelete'; message: string };
}

/** Pods on silent devices count as they last reported (see countsReady). */
export function replicaSetStatus(rs: Cached<ReplicaSet>, active: readonly Cached<Pod>[], input: StatusInput): ReplicaSetStatus {
  const { nowMs, failure } = input;
  const templateLabels = rs.spec.template?.metadata?.labels ?? {};
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of active) {
    const labels = p.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    const node = p.spec.nodeName ? input.nodeOf(p.spec.nodeName) : undefined;
    if (countsReady(p, node)) {
      ready++;
      // A pod presumed ready on a silent device was ready before it went silent: available.
      if (isPodAvailable(p, { minReadySeconds: rs.spec.minReadySeconds, nowMs }) || p.status?.conditions?.some((c) => c.type === 'Ready' && c.status !== 'True')) available++;
    }
  }
  let conditions: WorkloadCondition[] = [...(rs.status?.conditions ?? [])];
  if (failure) {
    conditions = setCondition(conditions, { type: 'ReplicaFailure', status: 'True', reason: failure.reason, message: failure.message, lastTransitionTime: isoSeconds(nowMs) });
  } else {
    conditions = removeCondition(conditions, 'ReplicaFailure');
  }
  return {
    replicas: active.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? 1,
    ...(conditions.length ? { conditions } : {}),
  };
}

/** Writes `status` unless the cached one already equals it. Only the status changes. */
export async function writeReplicaSetStatus(store: Store, rs: Cached<ReplicaSet>, status: ReplicaSetStatus): Promise<void> {
  if (deepEqual(rs.status, status)) return;
  const uid = rs.metadata.uid;
  await ignoreNotFound(store.guaranteedUpdate({ resource: 'replicasets.apps', namespace: rs.metadata.namespace ?? '', name: rs.metadata.name ?? '' }, (cur) => (cur.metadata.uid === uid ? { ...cur, status } : cur)));
}
