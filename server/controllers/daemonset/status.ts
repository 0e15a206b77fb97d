// DaemonSet status (Kubernetes' updateDaemonSetStatus), fleet-aware: the counters cover the
// eligible nodes that can be reached, so `kubectl rollout status` finishes when every reachable
// device runs the new version; eligible nodes that cannot be reached are named in a
// NodesUnreachable condition instead of being counted as failures.

import type { Node, Pod } from '../../../shared/api/core';
import type { DaemonSet, DaemonSetStatus } from '../../../shared/api/workloads';
import type { Cached } from '../../informer/informer';
import type { Store } from '../../store/types';
import { deepEqual } from '../../store/object-meta';
import { ignoreNotFound } from '../util/claim';
import { removeCondition, setCondition } from '../util/conditions';
import { isNodeUnreachable } from '../util/fleet';
import { createdMs, isPodAvailable, isPodReady, isoSeconds } from '../util/pods';
import { nodeShouldRunDaemonPod } from './eligibility';
import { isPodUpdated } from './rolling';

export const NODES_UNREACHABLE = 'NodesUnreachable';
const NAMES_SHOWN = 10;

export interface StatusInput {
  nodes: readonly Cached<Node>[];
  nodeToPods: ReadonlyMap<string, readonly Cached<Pod>[]>;
  /** The current controller-revision-hash. */
  hash: string;
  nowMs: number;
}

export function daemonSetStatus(ds: Cached<DaemonSet>, { nodes, nodeToPods, hash, nowMs }: StatusInput): DaemonSetStatus {
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  const unreachable: string[] = [];
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    const pods = nodeToPods.get(name) ?? [];
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (pods.length > 0) misscheduled++;
      continue;
    }
    if (isNodeUnreachable(node)) {
      unreachable.push(name);
      continue;
    }
    desired++;
    const pod = [...pods].sort((a, b) => createdMs(a) - createdMs(b))[0];
    if (!pod) continue;
    current++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, { minReadySeconds: ds.spec.minReadySeconds, nowMs })) available++;
    }
    if (isPodUpdated(pod, hash)) updated++;
  }
  let conditions = [...(ds.status?.conditions ?? [])];
  if (unreachable.length > 0) {
    unreachable.sort();
    const shown = unreachable.slice(0, NAMES_SHOWN).join(', ') + (unreachable.length > NAMES_SHOWN ? ', …' : '');
    conditions = setCondition(conditions, { type: NODES_UNREACHABLE, status: 'True', reason: 'NodesUnreachable', lastTransitionTime: isoSeconds(nowMs), message: '' });
    conditions = conditions.map((c) => (c.type === NODES_UNREACHABLE ? { ...c, message: `${unreachable.length} eligible node(s) cannot be reached and are not counted; their pods are updated when they return: ${shown}` } : c));
  } else {
    conditions = removeCondition(conditions, NODES_UNREACHABLE);
  }
  return {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata.generation ?? 1,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
    ...(ds.status?.collisionCount !== undefined ? { collisionCount: ds.status.collisionCount } : {}),
    ...(conditions.length > 0 ? { conditions } : {}),
  };
}

export async function writeDaemonSetStatus(store: Store, ds: Cached<DaemonSet>, status: DaemonSetStatus): Promise<void> {
  if (deepEqual(ds.status, status)) return;
  const uid = ds.metadata.uid;
  await ignoreNotFound(store.guaranteedUpdate({ resource: 'daemonsets.apps', namespace: ds.metadata.namespace ?? '', name: ds.metadata.name ?? '' }, (cur) => (cur.metadata.uid === uid ? { ...cur, status } : cur)));
}
