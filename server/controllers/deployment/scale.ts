// Scaling a Deployment without a rollout (Kubernetes' sync.go `scale`): the one active ReplicaSet
// takes the new size; otherwise the change is shared out in proportion to each ReplicaSet's
// size (using the max-replicas annotation), leftovers to the largest.

import type { ReplicaSet } from '../../../shared/api/workloads';
import type { Rollout } from './rollout';
import { activeReplicaSets, byCreation, desiredReplicas, isRollingUpdate, MAX_REPLICAS, maxSurge, specReplicas } from './util';

/** isScalingEvent: an active ReplicaSet was sized for a different replica count. */
export function isScalingEvent(r: Rollout, all: readonly (ReplicaSet | undefined)[]): boolean {
  const desired = desiredReplicas(r.d);
  return activeReplicaSets(all).some((rs) => {
    const a = rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'];
    return a !== undefined && Number(a) !== desired;
  });
}

function fraction(r: Rollout, rs: ReplicaSet): number {
  const desired = desiredReplicas(r.d);
  const replicas = rs.spec.replicas ?? 0;
  if (desired === 0) return -replicas;
  const deploymentReplicas = desired + maxSurge(r.d);
  const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS] ?? NaN);
  const base = Number.isInteger(annotated) && annotated > 0 ? annotated : (r.d.status?.replicas ?? 0);
  if (base === 0) return 0;
  return Math.round((replicas * deploymentReplicas) / base) - replicas;
}

function proportion(r: Rollout, rs: ReplicaSet, toAdd: number, added: number): number {
  if ((rs.spec.replicas ?? 0) === 0 || toAdd === 0 || toAdd === added) return 0;
  const f = fraction(r, rs);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(f, allowed) : Math.max(f, allowed);
}

export async function scaleDeployment(r: Rollout, { newRS, oldRSs }: { newRS: ReplicaSet | undefined; oldRSs: readonly ReplicaSet[] }): Promise<void> {
  const desired = desiredReplicas(r.d);
  const active = activeReplicaSets([newRS, ...oldRSs]);
  const single = active.length === 1 ? active[0] : active.length === 0 ? (newRS ?? [...oldRSs].sort(byCreation).at(-1)) : undefined;
  if (single) {
    if ((single.spec.replicas ?? 0) !== desired) await r.scale(single, desired);
    return;
  }
  if (newRS && (newRS.spec.replicas ?? 0) === desired) {
    for (const rs of activeReplicaSets(oldRSs)) await r.scale(rs, 0);
    return;
  }
  if (!isRollingUpdate(r.d)) return;
  const allowed = desired > 0 ? desired + maxSurge(r.d) : 0;
  const toAdd = allowed - specReplicas(active);
  const sorted = [...active].sort((a, b) => {
    const size = (b.spec.replicas ?? 0) - (a.spec.replicas ?? 0);
    if (size !== 0) return size;
    return toAdd > 0 ? byCreation(b, a) : byCreation(a, b);
  });
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of sorted) {
    const p = toAdd !== 0 ? proportion(r, rs, toAdd, added) : 0;
    sizes.set(rs, (rs.spec.replicas ?? 0) + p);
    added += p;
  }
  for (const [i, rs] of sorted.entries()) {
    let size = sizes.get(rs) ?? 0;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    await r.scale(rs, size, toAdd > 0 ? 'up' : 'down');
  }
}
