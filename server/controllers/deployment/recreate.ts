// The Recreate strategy (Kubernetes' recreate.go): scale every old ReplicaSet to zero, wait until
// no old pod runs, then create and scale up the new one. Fleet rule: an old pod left Terminating on
// an unreachable device does not hold the rollout (its device stops it when it returns).

import type { Node, Pod } from '../../../shared/api/core';
import type { ReplicaSet } from '../../../shared/api/workloads';
import type { Cached } from '../../informer/informer';
import { isNodeUnreachable } from '../util/fleet';
import { isPodTerminal } from '../util/pods';
import type { Rollout } from './rollout';
import { activeReplicaSets, deploymentComplete, desiredReplicas, statusReplicas } from './util';

export interface RecreateReads {
  podsOf(rs: ReplicaSet): readonly Cached<Pod>[];
  node(name: string): Cached<Node> | undefined;
}

function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], reads: RecreateReads): boolean {
  if (statusReplicas(oldRSs) > 0) return true;
  for (const rs of oldRSs) {
    if (newRS && rs.metadata.uid === newRS.metadata.uid) continue;
    for (const pod of reads.podsOf(rs)) {
      if (isPodTerminal(pod)) continue;
      const node = pod.spec.nodeName ? reads.node(pod.spec.nodeName) : undefined;
      if (pod.metadata.deletionTimestamp && node && isNodeUnreachable(node)) continue;
      return true;
    }
  }
  return false;
}

export async function rolloutRecreate(r: Rollout, reads: RecreateReads): Promise<void> {
  let { newRS, oldRSs } = await r.replicaSets(false);
  let scaledDown = false;
  for (const rs of activeReplicaSets(oldRSs)) {
    if ((await r.scale(rs, 0, 'down')).scaled) scaledDown = true;
  }
  const olds = () => r.rsList.filter((x) => x.metadata.uid !== newRS?.metadata.uid);
  if (scaledDown || oldPodsRunning(newRS, olds(), reads)) return r.syncRolloutStatus(newRS, olds());
  if (!newRS) ({ newRS, oldRSs } = await r.replicaSets(true));
  if (newRS) {
    const desired = desiredReplicas(r.d);
    if ((newRS.spec.replicas ?? 0) !== desired) newRS = (await r.scale(newRS, desired, 'up')).rs;
  }
  if (r.d.status && deploymentComplete(r.d, r.d.status)) await r.cleanup(olds());
  await r.syncRolloutStatus(newRS, olds());
}
