// The RollingUpdate strategy (Kubernetes' rolling.go): grow the new ReplicaSet within maxSurge,
// shrink old ones within maxUnavailable — unhealthy old replicas first — until only the new one
// is left, then prune history.

import type { ReplicaSet } from '../../../shared/api/workloads';
import type { Rollout } from './rollout';
import { activeReplicaSets, availableReplicas, byCreation, deploymentComplete, desiredReplicas, maxUnavailable, newRSNewReplicas, specReplicas } from './util';

export async function rolloutRolling(r: Rollout): Promise<void> {
  const { newRS, oldRSs } = await r.replicaSets(true);
  if (!newRS) return;
  let current = newRS;
  const scaledUp = await reconcileNewReplicaSet(r, [...oldRSs, current], current);
  current = r.rsList.find((x) => x.metadata.uid === current.metadata.uid) ?? current;
  if (scaledUp) return r.syncRolloutStatus(current, oldRSs);
  const scaledDown = await reconcileOldReplicaSets(r, current, oldRSs);
  const olds = r.rsList.filter((x) => x.metadata.uid !== current.metadata.uid);
  if (scaledDown) return r.syncRolloutStatus(current, olds);
  if (r.d.status && deploymentComplete(r.d, r.d.status)) await r.cleanup(olds);
  await r.syncRolloutStatus(current, olds);
}

async function reconcileNewReplicaSet(r: Rollout, all: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const desired = desiredReplicas(r.d);
  const current = newRS.spec.replicas ?? 0;
  if (current === desired) return false;
  if (current > desired) return (await r.scale(newRS, desired, 'down')).scaled;
  return (await r.scale(newRS, newRSNewReplicas(r.d, { all, newRS }), 'up')).scaled;
}

async function reconcileOldReplicaSets(r: Rollout, newRS: ReplicaSet, oldRSs: ReplicaSet[]): Promise<boolean> {
  const olds = () => r.rsList.filter((x) => x.metadata.uid !== newRS.metadata.uid && oldRSs.some((o) => o.metadata.uid === x.metadata.uid));
  if (specReplicas(olds()) === 0) return false;
  const minAvailable = desiredReplicas(r.d) - maxUnavailable(r.d);
  const newUnavailable = (newRS.spec.replicas ?? 0) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicas([...olds(), newRS]) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(r, activeReplicaSets(olds()), maxScaledDown);
  const scaled = await scaleDownOldForRollingUpdate(r, [...olds(), newRS], olds(), minAvailable);
  return cleaned + scaled > 0;
}

/** Scales down old replicas that are not available, at most `maxCleanup` of them, oldest sets first. */
async function cleanupUnhealthyReplicas(r: Rollout, oldRSs: ReplicaSet[], maxCleanup: number): Promise<number> {
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= maxCleanup) break;
    const replicas = rs.spec.replicas ?? 0;
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const n = Math.min(maxCleanup - total, replicas - available);
    if (n <= 0) continue;
    await r.scale(rs, replicas - n, 'down');
    total += n;
  }
  return total;
}

/** Scales down available old replicas as far as minAvailable allows, oldest sets first. */
async function scaleDownOldForRollingUpdate(r: Rollout, all: ReplicaSet[], oldRSs: ReplicaSet[], minAvailable: number): Promise<number> {
  const available = availableReplicas(all);
  if (available <= minAvailable) return 0;
  const target = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= target) break;
    const replicas = rs.spec.replicas ?? 0;
    if (replicas === 0) continue;
    const n = Math.min(replicas, target - total);
    await r.scale(rs, replicas - n, 'down');
    total += n;
  }
  return total;
}
