// DaemonSet RollingUpdate (Kubernetes' daemon/update.go rollingUpdate), fleet-aware: nodes that
// cannot be heard from are left out entirely — their pods are neither replaced nor counted as
// unavailable — so maxUnavailable is spent on reachable devices only and a silent 10 % of the
// fleet cannot stall the rollout. A device that comes back is updated under the same budget.

import type { Node, Pod } from '../../../shared/api/core';
import type { DaemonSet } from '../../../shared/api/workloads';
import type { Cached } from '../../informer/informer';
import { isNodeUnreachable } from '../util/fleet';
import { scaledValue } from '../util/intstr';
import { isPodAvailable } from '../util/pods';
import { nodeShouldRunDaemonPod } from './eligibility';

export const REVISION_HASH = 'controller-revision-hash';

export interface RollingInput {
  ds: Cached<DaemonSet>;
  hash: string;
  /** Node name → the DaemonSet's pods there. */
  nodeToPods: ReadonlyMap<string, readonly Cached<Pod>[]>;
  /** Nodes that should run a pod: one of them without any counts as unavailable. */
  wanted: readonly string[];
  nodeOf: (name: string) => Cached<Node> | undefined;
  /** Eligible, reachable nodes: the base of the percentages. */
  desired: number;
  nowMs: number;
}

export interface RollingPlan {
  deletePods: Cached<Pod>[];
  createOn: string[];
}

export function isPodUpdated(pod: Cached<Pod>, hash: string): boolean {
  return pod.metadata.labels?.[REVISION_HASH] === hash;
}

/** Budgets (surgeCount / unavailableCount): both round up; neither given means one unavailable. */
export function budgets(ds: Cached<DaemonSet>, desired: number): { maxSurge: number; maxUnavailable: number } {
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  const maxSurge = scaledValue(ru?.maxSurge, desired, { roundUp: true, fallback: 0 });
  let maxUnavailable = scaledValue(ru?.maxUnavailable, desired, { roundUp: true, fallback: 1 });
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** findUpdatedPodsOnNode: at most one new and one old live pod, else the manage loop cleans up first. */
function split(pods: readonly Cached<Pod>[], hash: string): { newPod?: Cached<Pod>; oldPod?: Cached<Pod>; ok: boolean } {
  let newPod: Cached<Pod> | undefined;
  let oldPod: Cached<Pod> | undefined;
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    if (isPodUpdated(p, hash)) {
      if (newPod) return { ok: false };
      newPod = p;
    } else {
      if (oldPod) return { ok: false };
      oldPod = p;
    }
  }
  return { ...(newPod ? { newPod } : {}), ...(oldPod ? { oldPod } : {}), ok: true };
}

export function rollingUpdatePlan(input: RollingInput): RollingPlan {
  const { ds, hash, nodeToPods, nodeOf, nowMs } = input;
  const { maxSurge, maxUnavailable } = budgets(ds, input.desired);
  const min = ds.spec.minReadySeconds;
  const available = (p: Cached<Pod>) => isPodAvailable(p, { minReadySeconds: min, nowMs });
  const names = new Set([...nodeToPods.keys(), ...input.wanted]);
  const reachable: [string, readonly Cached<Pod>[]][] = [...names]
    .filter((name) => {
      const node = nodeOf(name);
      return node !== undefined && !isNodeUnreachable(node);
    })
    .map((name) => [name, nodeToPods.get(name) ?? []]);
  if (maxSurge === 0) {
    let unavailable = 0;
    const replace: Cached<Pod>[] = [];
    const candidates: Cached<Pod>[] = [];
    for (const [, pods] of reachable) {
      const { newPod, oldPod, ok } = split(pods, hash);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) unavailable++;
      else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) replace.push(oldPod);
        else if (unavailable < maxUnavailable) candidates.push(oldPod);
      }
    }
    const room = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.length));
    return { deletePods: [...replace, ...candidates.slice(0, room)], createOn: [] };
  }
  const deletePods: Cached<Pod>[] = [];
  const notWanted: Cached<Pod>[] = [];
  const allowed: string[] = [];
  const candidates: string[] = [];
  let surging = 0;
  let numAvailable = 0;
  for (const [name, pods] of reachable) {
    const { newPod, oldPod, ok } = split(pods, hash);
    if (!ok) {
      surging++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) numAvailable++;
    const node = nodeOf(name);
    if (!oldPod) continue;
    if (!newPod) {
      const shouldRun = node ? nodeShouldRunDaemonPod(node, ds).shouldRun : false;
      if (!available(oldPod)) {
        if (!shouldRun) deletePods.push(oldPod);
        else allowed.push(name);
      } else if (!shouldRun) notWanted.push(oldPod);
      else if (surging < maxSurge) candidates.push(name);
      continue;
    }
    if (!available(newPod)) surging++;
    else deletePods.push(oldPod);
  }
  const deletable = Math.min(Math.max(0, numAvailable - input.desired), notWanted.length);
  deletePods.push(...notWanted.slice(0, deletable));
  const room = Math.max(0, Math.min(maxSurge - surging, candidates.length));
  return { deletePods, createOn: [...allowed, ...candidates.slice(0, room)] };
}
