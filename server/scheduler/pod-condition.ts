// Writes PodScheduled=False/Unschedulable with the FailedScheduling message on a pod the scheduler
// could not place (what `kubectl describe pod` and `kubectl get pod -o yaml` show). Skipped when the
// pod already says exactly that; never touches a pod that got bound or replaced meanwhile.

import type { Pod, PodCondition } from '../../shared/api/core';
import type { KubeObject } from '../../shared/api/types';
import type { Cached } from '../informer/informer';
import type { Store } from '../store/types';

export const REASON_UNSCHEDULABLE = 'Unschedulable';

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function hasUnschedulableCondition(pod: Cached<Pod>, message: string): boolean {
  const c = pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
  return c?.status === 'False' && c.reason === REASON_UNSCHEDULABLE && c.message === message;
}

/** The pod with PodScheduled=False set; unchanged if it is bound or is another pod than `uid`. */
export function withUnschedulableCondition(current: KubeObject, uid: string | undefined, message: string, nowMs: number): KubeObject {
  const pod = current as Pod;
  if (pod.spec?.nodeName || (uid && pod.metadata.uid !== uid)) return current;
  const conditions = pod.status?.conditions ?? [];
  const old = conditions.find((c) => c.type === 'PodScheduled');
  const next: PodCondition = {
    type: 'PodScheduled',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: old?.status === 'False' && old.lastTransitionTime ? old.lastTransitionTime : timestamp(nowMs),
    reason: REASON_UNSCHEDULABLE,
    message,
  };
  const rest = conditions.filter((c) => c !== old);
  return { ...pod, status: { phase: 'Pending', ...pod.status, conditions: old ? conditions.map((c) => (c === old ? next : c)) : [...rest, next] } };
}

export function writeUnschedulableCondition(store: Store, pod: Cached<Pod>, message: string, nowMs: number): Promise<unknown> {
  const ref = { resource: 'pods', namespace: pod.metadata.namespace, name: pod.metadata.name ?? '' };
  return store.guaranteedUpdate(ref, (current) => withUnschedulableCondition(current, pod.metadata.uid, message, nowMs));
}
