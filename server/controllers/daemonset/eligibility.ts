// Which nodes a DaemonSet runs on (Kubernetes' NodeShouldRunDaemonPod): the template's nodeName,
// nodeSelector and required node affinity must match the node, and its taints must be tolerated —
// with the tolerations every daemon pod gets automatically (not-ready, unreachable, unschedulable,
// pressure). A pod that tolerates the node's NoExecute taints may keep running where it no longer
// could be placed.

import type { Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, Toleration } from '../../../shared/api/core';
import type { DaemonSet } from '../../../shared/api/workloads';
import type { Cached } from '../../informer/informer';
import {
  TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_NOT_READY, TAINT_PID_PRESSURE, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE,
  untoleratedTaint,
} from '../util/fleet';

/** util.AddOrUpdateDaemonPodTolerations: the template's tolerations plus the daemon ones it lacks. */
export function daemonTolerations(spec: Pick<PodSpec, 'tolerations' | 'hostNetwork'>): Toleration[] {
  const out = [...(spec.tolerations ?? [])];
  const add = (key: string, effect: Toleration['effect']): void => {
    const t: Toleration = { key, operator: 'Exists', effect };
    if (!out.some((x) => x.key === key && x.operator === 'Exists' && x.effect === effect && x.tolerationSeconds === undefined)) out.push(t);
  };
  add(TAINT_NOT_READY, 'NoExecute');
  add(TAINT_UNREACHABLE, 'NoExecute');
  add(TAINT_DISK_PRESSURE, 'NoSchedule');
  add(TAINT_MEMORY_PRESSURE, 'NoSchedule');
  add(TAINT_PID_PRESSURE, 'NoSchedule');
  add(TAINT_UNSCHEDULABLE, 'NoSchedule');
  if (spec.hostNetwork) add(TAINT_NETWORK_UNAVAILABLE, 'NoSchedule');
  return out;
}

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = Number(value);
      const bound = Number(values[0]);
      if (value === undefined || !Number.isInteger(have) || !Number.isInteger(bound)) return false;
      return req.operator === 'Gt' ? have > bound : have < bound;
    }
    default:
      return false;
  }
}

function termMatches(term: NodeSelectorTerm, node: Cached<Node>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  if (!exprs.every((r) => requirementMatches(r, Object.prototype.hasOwnProperty.call(labels, r.key) ? labels[r.key] : undefined))) return false;
  return fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata.name));
}

/** nodeSelector and requiredDuringSchedulingIgnoredDuringExecution (terms ORed, requirements ANDed). */
export function nodeMatches(spec: Pick<PodSpec, 'nodeSelector' | 'affinity'>, node: Cached<Node>): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((t) => termMatches(t, node));
}

export interface Eligibility {
  /** A daemon pod should be created here. */
  shouldRun: boolean;
  /** A daemon pod already here may stay. */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: Cached<Node>, ds: Cached<DaemonSet>): Eligibility {
  const spec = ds.spec.template.spec;
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!nodeMatches(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = daemonTolerations(spec);
  const taints = node.spec?.taints;
  const blocking = untoleratedTaint(taints, { tolerations, effects: ['NoSchedule', 'NoExecute'] });
  if (!blocking) return { shouldRun: true, shouldContinueRunning: true };
  const evicting = untoleratedTaint(taints, { tolerations, effects: ['NoExecute'] });
  return { shouldRun: false, shouldContinueRunning: !evicting };
}

