// Building and changing Node objects the way the node channel owns them: facts from a join or a
// status message, conditions merged by type (keeping lastTransitionTime when the status stays),
// and the taints the lifecycle controller sets.

import type { Node, NodeCondition, NodeStatus, Taint } from '../../shared/api/core';
import type { KubeObject } from '../../shared/api/types';
import type { JoinFacts, NodeStatusMessage } from '../../shared/channel/messages';
import { validateLabels } from '../../shared/api/selectors';

export const LEASE_NAMESPACE = 'kube-node-lease';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
/** Flotilla's own condition: whether the device's MQTT session is up (from its presence / last will). */
export const CONDITION_CONNECTED = 'Connected';
/** Conditions the server owns; a device's status message never overwrites them. */
const SERVER_CONDITIONS = new Set(['Ready', CONDITION_CONNECTED]);

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Kubernetes MicroTime, as Lease.spec.renewTime carries it. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** The well-known labels a kubelet sets on its own Node (Kubernetes' NodeRestriction allows them too). */
const DEVICE_WELL_KNOWN = new Set(['kubernetes.io/arch', 'kubernetes.io/os', 'kubernetes.io/hostname']);

/**
 * The labels a device may set on its own Node: its facts — kubernetes.io/arch|os|hostname and
 * Flotilla's own flotilla.io/ labels (board, device resources). Every other label is the operator's
 * (join token, kubectl): a device must not relabel itself into workloads meant for others
 * (node-restriction.kubernetes.io/…, node-role.kubernetes.io/…, site=…), as NodeRestriction forbids.
 */
export function deviceLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (!DEVICE_WELL_KNOWN.has(k) && !k.startsWith('flotilla.io/')) continue;
    // Nothing the API would refuse either (values over 63 characters, spaces, slashes …).
    if (validateLabels({ [k]: v }, 'labels').length === 0) out[k] = v;
  }
  return out;
}

export function nodeFromFacts(name: string, facts: JoinFacts, extraLabels: Record<string, string>): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { ...deviceLabels(facts.labels), ...extraLabels } },
    spec: {},
    status: { capacity: facts.capacity, allocatable: facts.capacity, nodeInfo: facts.nodeInfo, addresses: facts.addresses, conditions: [] },
  };
}

/** Applies a join's facts to an existing Node (a device that joins again); the token's labels win. */
export function withFacts(node: KubeObject, facts: JoinFacts, extraLabels: Record<string, string>): KubeObject {
  const status = (node.status ?? {}) as NodeStatus;
  return {
    ...node,
    metadata: { ...node.metadata, labels: { ...(node.metadata.labels ?? {}), ...deviceLabels(facts.labels), ...extraLabels } },
    status: { ...status, capacity: facts.capacity, allocatable: status.allocatable ?? facts.capacity, nodeInfo: facts.nodeInfo, addresses: facts.addresses },
  };
}

/** Applies a device's status report; server-owned conditions and the operator's labels stay as they are. */
export function withReportedStatus(node: KubeObject, msg: NodeStatusMessage, now: number): KubeObject {
  const status = (node.status ?? {}) as NodeStatus;
  let conditions = (status.conditions ?? []).filter((c) => SERVER_CONDITIONS.has(c.type));
  for (const c of msg.conditions) if (!SERVER_CONDITIONS.has(c.type)) conditions = setCondition(conditions, c, now, status.conditions);
  return {
    ...node,
    metadata: { ...node.metadata, labels: { ...(node.metadata.labels ?? {}), ...deviceLabels(msg.labels) } },
    status: { ...status, capacity: msg.capacity, allocatable: msg.allocatable, nodeInfo: msg.nodeInfo, addresses: msg.addresses, conditions },
  };
}

export function conditionOf(node: KubeObject, type: string): NodeCondition | undefined {
  return ((node.status ?? {}) as NodeStatus).conditions?.find((c) => c.type === type);
}

/**
 * Sets condition `next` (by type) in `conditions`. lastTransitionTime moves only when the status
 * changes (looked up in `previous`, default `conditions`); lastHeartbeatTime is `now`.
 */
export function setCondition(conditions: NodeCondition[], next: NodeCondition, now: number, previous: NodeCondition[] = conditions): NodeCondition[] {
  const prior = previous.find((c) => c.type === next.type);
  const transition = prior && prior.status === next.status && prior.lastTransitionTime ? prior.lastTransitionTime : isoSeconds(now);
  const merged: NodeCondition = { ...next, lastHeartbeatTime: next.lastHeartbeatTime ?? isoSeconds(now), lastTransitionTime: transition };
  const out = conditions.filter((c) => c.type !== next.type);
  out.push(merged);
  return out;
}

export function taintsOf(node: KubeObject): Taint[] {
  return ((node.spec ?? {}) as { taints?: Taint[] }).taints ?? [];
}

/** Replaces the taints with `key` by `wanted` (same key), keeping timeAdded of ones already there. */
export function withTaints(node: KubeObject, key: string, wanted: Taint[]): KubeObject {
  const current = taintsOf(node);
  const kept = current.filter((t) => t.key !== key);
  const same = wanted.map((w) => current.find((t) => t.key === w.key && t.effect === w.effect) ?? w);
  const taints = [...kept, ...same];
  const spec = { ...((node.spec ?? {}) as Record<string, unknown>) };
  if (taints.length > 0) spec.taints = taints;
  else delete spec.taints;
  return { ...node, spec };
}
