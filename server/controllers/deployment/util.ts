// Deployment arithmetic and annotations (Kubernetes' deploymentutil): surge and unavailability
// fenceposts, revisions, which ReplicaSet is the new one, replica sums.

import type { PodTemplateSpec } from '../../../shared/api/core';
import type { Deployment, ReplicaSet } from '../../../shared/api/workloads';
import { deepEqual } from '../../store/object-meta';
import { scaledValue } from '../util/intstr';
import { createdMs } from '../util/pods';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
/** Annotations a Deployment does not copy onto its ReplicaSets. */
export const SKIPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, 'deprecated.deployment.rollback.to']);
export const MAX_REVISION_HISTORY_CHARS = 2000;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

export function desiredReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** ResolveFenceposts: maxSurge rounds up, maxUnavailable down; both 0 means 1 unavailable. */
export function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const desired = desiredReplicas(d);
  const ru = d.spec.strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge, desired, { roundUp: true, fallback: '25%' });
  let unavailable = scaledValue(ru?.maxUnavailable, desired, { roundUp: false, fallback: '25%' });
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(fenceposts(d).unavailable, desired);
}

export function progressDeadlineSeconds(d: Deployment): number | undefined {
  const s = d.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
  return s === 2147483647 ? undefined : s;
}

export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const v = Number(obj.metadata.annotations?.[REVISION] ?? '0');
  return Number.isInteger(v) ? v : 0;
}

export function maxRevision(rss: readonly ReplicaSet[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

function withoutHash(t: PodTemplateSpec | undefined): unknown {
  if (!t) return undefined;
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  const metadata = { ...(t.metadata ?? {}), labels };
  return JSON.parse(JSON.stringify({ ...t, metadata })) as unknown;
}

/** Templates equal once the pod-template-hash label is ignored (EqualIgnoreHash). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return deepEqual(withoutHash(a), withoutHash(b));
}

export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = createdMs(a) - createdMs(b);
  if (d !== 0) return d;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's. */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

export const specReplicas = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.spec.replicas ?? 0), 0);
export const statusReplicas = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const readyReplicas = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
/**
 * Available replicas by the ReplicaSets' statuses. A ReplicaSet that has not yet acted on its
 * latest spec counts at most spec.replicas: it is about to delete the rest, least available first.
 */
export const availableReplicas = (rss: readonly (ReplicaSet | undefined)[]): number =>
  rss.reduce((n, rs) => {
    if (!rs) return n;
    const available = rs.status?.availableReplicas ?? 0;
    const observed = (rs.status?.observedGeneration ?? 0) >= (rs.metadata.generation ?? 1);
    return n + (observed ? available : Math.min(available, rs.spec.replicas ?? 0));
  }, 0);

/** Pods a ReplicaSet may have right now: its spec, or more while it has not yet scaled down. */
export const podCeiling = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + Math.max(rs?.spec.replicas ?? 0, rs?.status?.replicas ?? 0), 0);

/** ReplicaSets with spec.replicas > 0 (FilterActiveReplicaSets). */
export function activeReplicaSets(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => !!rs && (rs.spec.replicas ?? 0) > 0);
}

/** NewRSNewReplicas for RollingUpdate: how far the new ReplicaSet may grow within maxSurge. */
export function newRSNewReplicas(d: Deployment, { all, newRS }: { all: readonly ReplicaSet[]; newRS: ReplicaSet }): number {
  const desired = desiredReplicas(d);
  const current = newRS.spec.replicas ?? 0;
  if (!isRollingUpdate(d)) return desired;
  const maxTotal = desired + maxSurge(d);
  // Kubernetes sums spec.replicas; counting pods an old ReplicaSet has not yet removed as well
  // keeps the live pod count (not only the specs) within maxSurge.
  const total = podCeiling(all);
  if (total >= maxTotal) return current;
  return current + Math.min(maxTotal - total, desired - current);
}

/** DeploymentComplete: every replica updated and available, and the generation observed. */
export function deploymentComplete(d: Deployment, status: NonNullable<Deployment['status']>): boolean {
  const desired = desiredReplicas(d);
  return (status.updatedReplicas ?? 0) === desired && (status.replicas ?? 0) === desired && (status.availableReplicas ?? 0) === desired && (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 1);
}

/** The Deployment's annotations onto a ReplicaSet (copyDeploymentAnnotationsToReplicaSet). Mutates; true when changed. */
export function copyAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  let changed = false;
  const annotations = { ...(rs.metadata.annotations ?? {}) };
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIPPED_ANNOTATIONS.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  rs.metadata.annotations = annotations;
  return changed;
}

/** SetReplicasAnnotations. Mutates; true when changed. */
export function setReplicasAnnotations(rs: ReplicaSet, { desired, max }: { desired: number; max: number }): boolean {
  const a = { ...(rs.metadata.annotations ?? {}) };
  if (a[DESIRED_REPLICAS] === String(desired) && a[MAX_REPLICAS] === String(max)) return false;
  a[DESIRED_REPLICAS] = String(desired);
  a[MAX_REPLICAS] = String(max);
  rs.metadata.annotations = a;
  return true;
}

/**
 * SetNewReplicaSetAnnotations: copy the Deployment's annotations, raise the revision to
 * `newRevision` when lower (a rollback to this ReplicaSet records its old revision in the
 * revision-history annotation), and on creation set the replica annotations. Mutates.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, { newRevision, exists }: { newRevision: number; exists: boolean }): boolean {
  let changed = copyAnnotations(d, rs);
  const a = { ...(rs.metadata.annotations ?? {}) };
  const oldText = a[REVISION];
  const old = oldText === undefined ? 0 : Number(oldText);
  if (!Number.isInteger(old)) return changed;
  if (old < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    if (oldText !== undefined) {
      const history = (a[REVISION_HISTORY] ?? '').split(',').filter((x) => x.length > 0);
      history.push(oldText);
      while (history.join(',').length > MAX_REVISION_HISTORY_CHARS && history.length > 1) history.shift();
      a[REVISION_HISTORY] = history.join(',');
    }
  }
  rs.metadata.annotations = a;
  if (!exists && setReplicasAnnotations(rs, { desired: desiredReplicas(d), max: desiredReplicas(d) + maxSurge(d) })) changed = true;
  return changed;
}
