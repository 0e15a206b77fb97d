// Node facts for fleet-aware controllers: readiness, reachability (a device that went silent), and
// taint/toleration matching (v1helper.TolerationsTolerateTaint).

import type { Node, Taint, Toleration } from '../../../shared/api/core';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

type NodeLike = Pick<Node, 'spec' | 'status'>;

export function nodeReadyStatus(node: NodeLike): 'True' | 'False' | 'Unknown' | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

/**
 * A device the server cannot hear from: its Ready condition is Unknown (set by the node lifecycle
 * when heartbeats stop) or it carries the unreachable taint. A node that reports Ready=False is
 * reachable — it is telling us something is wrong.
 */
export function isNodeUnreachable(node: NodeLike): boolean {
  if (nodeReadyStatus(node) === 'Unknown') return true;
  return (node.spec?.taints ?? []).some((t) => t.key === TAINT_UNREACHABLE);
}

/** When the node became unreachable (taint timeAdded, else the Ready condition's transition), in ms. */
export function unreachableSinceMs(node: NodeLike): number | undefined {
  const taint = (node.spec?.taints ?? []).find((t) => t.key === TAINT_UNREACHABLE);
  const at = taint?.timeAdded ?? node.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'Unknown')?.lastTransitionTime;
  const ms = at ? Date.parse(at) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

export function toleratesTaint(toleration: Toleration, taint: Pick<Taint, 'key' | 'value' | 'effect'>): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  const op = toleration.operator ?? 'Equal';
  if (op === 'Exists') return true;
  // An empty key with Equal matches nothing (validation forbids it); with a key, values must match.
  if (!toleration.key) return false;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/** The tolerations of `tolerations` that tolerate `taint`. */
export function tolerationsFor(tolerations: readonly Toleration[] | undefined, taint: Pick<Taint, 'key' | 'value' | 'effect'>): Toleration[] {
  return (tolerations ?? []).filter((t) => toleratesTaint(t, taint));
}

/** The first taint with one of `effects` that `tolerations` do not tolerate, or undefined when all are. */
export function untoleratedTaint(taints: readonly Taint[] | undefined, { tolerations, effects }: { tolerations: readonly Toleration[] | undefined; effects: readonly Taint['effect'][] }): Taint | undefined {
  for (const taint of taints ?? []) {
    if (!effects.includes(taint.effect)) continue;
    if (tolerationsFor(tolerations, taint).length === 0) return taint;
  }
  return undefined;
}
