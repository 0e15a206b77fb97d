// Pod facts the controllers share: active, ready, available (minReadySeconds), owner references,
// and building a pod from a template for an owner.

import type { Pod, PodTemplateSpec } from '../../../shared/api/core';
import { applyDefaults } from '../../../shared/api/defaults';
import type { KubeObject, OwnerReference } from '../../../shared/api/types';
import { qosClass } from '../../api/resources/strategies';

/** Not finished (Succeeded/Failed) and not being deleted: what controllers count as a replica. */
export function isPodActive(pod: Pick<Pod, 'metadata' | 'status'>): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isPodTerminal(pod: Pick<Pod, 'status'>): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function readyCondition(pod: Pick<Pod, 'status'>): { status: string; lastTransitionTime?: string } | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pick<Pod, 'status'>): boolean {
  return readyCondition(pod)?.status === 'True';
}

export interface AvailabilityOptions {
  minReadySeconds: number | undefined;
  nowMs: number;
}

/** Ready, and ready for at least `minReadySeconds` at `nowMs` (podutil.IsPodAvailable). */
export function isPodAvailable(pod: Pick<Pod, 'status'>, { minReadySeconds, nowMs }: AvailabilityOptions): boolean {
  const ready = readyCondition(pod);
  if (ready?.status !== 'True') return false;
  const min = minReadySeconds ?? 0;
  if (min <= 0) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + min * 1000 <= nowMs;
}

/** Ms until a ready pod becomes available, or undefined when it is not ready or already available. */
export function msUntilAvailable(pod: Pick<Pod, 'status'>, { minReadySeconds, nowMs }: AvailabilityOptions): number | undefined {
  const ready = readyCondition(pod);
  const min = minReadySeconds ?? 0;
  if (ready?.status !== 'True' || min <= 0 || !ready.lastTransitionTime) return undefined;
  const left = Date.parse(ready.lastTransitionTime) + min * 1000 - nowMs;
  return left > 0 ? left : undefined;
}

export function nodeNameOf(pod: Pick<Pod, 'spec'>): string {
  return pod.spec?.nodeName ?? '';
}

export function controllerRefOf(obj: Pick<KubeObject, 'metadata'>): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** metav1.NewControllerRef: controller and blockOwnerDeletion both true. */
export function newControllerRef(owner: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export interface PodFromTemplateOptions {
  namespace: string;
  /** Name prefix; the store completes it. */
  generateName: string;
  /** Labels added to (and overriding) the template's. */
  extraLabels?: Record<string, string>;
  /** Bind the pod to this node at creation (DaemonSets). */
  nodeName?: string;
  owner: KubeObject;
}

/**
 * controller.GetPodFromTemplate: the template's labels, annotations and spec, owned by `owner`,
 * with what the API would add on create (defaults, phase Pending, QoS class) since controllers
 * write to the store directly.
 */
export function podFromTemplate(template: PodTemplateSpec, options: PodFromTemplateOptions): Pod {
  const meta = template.metadata ?? {};
  const spec = structuredClone(template.spec);
  if (options.nodeName) spec.nodeName = options.nodeName;
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: options.generateName,
      namespace: options.namespace,
      labels: { ...(meta.labels ?? {}), ...(options.extraLabels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [newControllerRef(options.owner)],
    },
    spec,
  };
  applyDefaults(pod);
  pod.status = { phase: 'Pending', qosClass: qosClass(pod.spec as unknown as Record<string, unknown>) };
  return pod;
}

/** Kubernetes' timestamp format (seconds, Z). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** creationTimestamp in ms (0 when absent), for ordering. */
export function createdMs(obj: Pick<KubeObject, 'metadata'>): number {
  const t = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : NaN;
  return Number.isNaN(t) ? 0 : t;
}
