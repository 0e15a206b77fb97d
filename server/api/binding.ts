// The pods/binding write, shared by the API's binding subresource and the scheduler's binder so both
// make exactly the same change: spec.nodeName is set once — 409 Conflict when the pod is already
// assigned, is being deleted, or is another pod than the binding names (uid) — the binding's
// annotations are copied, and the PodScheduled condition becomes True (as the apiserver does).

import type { PodCondition } from '../../shared/api/core';
import type { KubeObject } from '../../shared/api/types';
import { conflict } from '../../shared/errors';
import type { Store } from '../store/types';

export interface PodBinding {
  nodeName: string;
  /** The pod's uid the binder saw; a pod recreated under the same name is not bound. */
  uid?: string;
  annotations?: Record<string, string>;
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The bound pod, from a copy of the stored one. Throws Conflict when it may not be bound. */
export function applyBinding(pod: KubeObject, binding: PodBinding, now: Date): KubeObject {
  const name = pod.metadata.name ?? '';
  const spec = record(pod.spec);
  const bound = typeof spec.nodeName === 'string' ? spec.nodeName : '';
  if (pod.metadata.deletionTimestamp) throw conflict('pods', name, 'pod is being deleted, cannot be assigned to a host');
  if (bound) throw conflict('pods', name, `pod ${name} is already assigned to node "${bound}"`);
  if (binding.uid && binding.uid !== pod.metadata.uid) throw conflict('pods', name, 'the UID in the binding does not match the pod');
  const status = record(pod.status);
  const conditions = (Array.isArray(status.conditions) ? status.conditions : []) as PodCondition[];
  const old = conditions.find((c) => c.type === 'PodScheduled');
  const scheduled: PodCondition = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: old?.status === 'True' && old.lastTransitionTime ? old.lastTransitionTime : timestamp(now) };
  const metadata = binding.annotations && Object.keys(binding.annotations).length > 0 ? { ...pod.metadata, annotations: { ...pod.metadata.annotations, ...binding.annotations } } : pod.metadata;
  return {
    ...pod,
    metadata,
    spec: { ...spec, nodeName: binding.nodeName },
    status: { ...status, conditions: old ? conditions.map((c) => (c === old ? scheduled : c)) : [...conditions, scheduled] },
  };
}

/** Binds through the store in one read-modify-write: the same change the binding subresource makes. */
export function bindPod(store: Store, pod: { namespace?: string; name: string }, binding: PodBinding, now: Date = new Date()): Promise<KubeObject> {
  return store.guaranteedUpdate({ resource: 'pods', namespace: pod.namespace, name: pod.name }, (current) => applyBinding(current, binding, now));
}
