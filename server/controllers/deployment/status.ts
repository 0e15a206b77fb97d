// Deployment status and conditions exactly as Kubernetes computes them (calculateStatus and
// syncRolloutStatus), so `kubectl rollout status` reads them the way it reads a real cluster's.

import type { Deployment, DeploymentStatus, ReplicaSet, WorkloadCondition } from '../../../shared/api/workloads';
import { getCondition, removeCondition, setCondition } from '../util/conditions';
import { isoSeconds } from '../util/pods';
import { availableReplicas, deploymentComplete, desiredReplicas, maxUnavailable, progressDeadlineSeconds, readyReplicas, specReplicas, statusReplicas } from './util';

export const REASON = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** NewDeploymentCondition: lastUpdateTime and lastTransitionTime both now. */
export function newCondition(c: Pick<WorkloadCondition, 'type' | 'status' | 'reason' | 'message'>, nowMs: number): WorkloadCondition {
  const t = isoSeconds(nowMs);
  return { type: c.type, status: c.status, lastUpdateTime: t, lastTransitionTime: t, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) };
}

/** Kubernetes omits zero counters (omitempty); so do we, so status diffs stay quiet. */
function omitZero(status: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const [k, v] of Object.entries(status) as [keyof DeploymentStatus, unknown][]) {
    if (v === 0 || v === undefined) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  if (status.observedGeneration !== undefined) out.observedGeneration = status.observedGeneration;
  return out;
}

/** calculateStatus: counters from the ReplicaSets' statuses, plus the Available condition. */
export interface StatusInput {
  all: readonly ReplicaSet[];
  newRS: ReplicaSet | undefined;
  nowMs: number;
}

export function calculateStatus(d: Deployment, { all, newRS, nowMs }: StatusInput): DeploymentStatus {
  const available = availableReplicas(all);
  const unavailable = Math.max(0, specReplicas(all) - available);
  let conditions = [...(d.status?.conditions ?? [])];
  conditions =
    available >= desiredReplicas(d) - maxUnavailable(d)
      ? setCondition(conditions, newCondition({ type: 'Available', status: 'True', reason: REASON.minAvailable, message: 'Deployment has minimum availability.' }, nowMs))
      : setCondition(conditions, newCondition({ type: 'Available', status: 'False', reason: REASON.minUnavailable, message: 'Deployment does not have minimum availability.' }, nowMs));
  return omitZero({
    observedGeneration: d.metadata.generation ?? 1,
    replicas: statusReplicas(all),
    updatedReplicas: statusReplicas([newRS]),
    readyReplicas: readyReplicas(all),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    ...(conditions.length ? { conditions } : {}),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  });
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available than last time. */
function progressing(d: Deployment, next: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

function timedOut(d: Deployment, next: DeploymentStatus, nowMs: number): boolean {
  const deadline = progressDeadlineSeconds(d);
  const c = getCondition(next.conditions, 'Progressing');
  if (deadline === undefined || !c) return false;
  if (c.reason === REASON.newRSAvailable) return false;
  if (c.reason === REASON.timedOut) return true;
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : NaN;
  return !Number.isNaN(from) && from + deadline * 1000 < nowMs;
}

/**
 * syncRolloutStatus: the status to write, with the Progressing condition advanced (progress,
 * completion or ProgressDeadlineExceeded) and ReplicaFailure mirrored from the ReplicaSets.
 * `requeueAfterMs`: when to look again to notice a deadline (requeueStuckDeployment).
 */
export function rolloutStatus(d: Deployment, input: StatusInput): { status: DeploymentStatus; requeueAfterMs?: number } {
  const { all, newRS, nowMs } = input;
  const status = calculateStatus(d, input);
  const deadline = progressDeadlineSeconds(d);
  if (deadline === undefined) status.conditions = removeCondition(status.conditions, 'Progressing');
  const current = getCondition(d.status?.conditions, 'Progressing');
  const complete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && current?.reason === REASON.newRSAvailable;
  const rsName = newRS?.metadata.name;
  if (deadline !== undefined && !complete) {
    if (deploymentComplete(d, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata.name ?? ''}" has successfully progressed.`;
      status.conditions = setCondition(status.conditions, newCondition({ type: 'Progressing', status: 'True', reason: REASON.newRSAvailable, message: msg }, nowMs));
    } else if (progressing(d, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata.name ?? ''}" is progressing.`;
      const c = newCondition({ type: 'Progressing', status: 'True', reason: REASON.rsUpdated, message: msg }, nowMs);
      if (current?.status === 'True' && current.lastTransitionTime) c.lastTransitionTime = current.lastTransitionTime;
      status.conditions = [...removeCondition(status.conditions, 'Progressing'), c];
    } else if (timedOut(d, status, nowMs)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata.name ?? ''}" has timed out progressing.`;
      status.conditions = setCondition(status.conditions, newCondition({ type: 'Progressing', status: 'False', reason: REASON.timedOut, message: msg }, nowMs));
    }
  }
  const failure = [newRS, ...all].map((rs) => getCondition(rs?.status?.conditions, 'ReplicaFailure')).find((c) => c?.status === 'True');
  status.conditions = failure
    ? setCondition(status.conditions, { type: 'ReplicaFailure', status: 'True', lastUpdateTime: isoSeconds(nowMs), lastTransitionTime: failure.lastTransitionTime ?? isoSeconds(nowMs), ...(failure.reason ? { reason: failure.reason } : {}), ...(failure.message ? { message: failure.message } : {}) })
    : removeCondition(status.conditions, 'ReplicaFailure');
  if (status.conditions.length === 0) delete status.conditions;
  return { status, ...stuckRequeue(d, status, nowMs) };
}

/** requeueStuckDeployment: a rollout in progress is looked at again when its deadline would pass. */
function stuckRequeue(d: Deployment, status: DeploymentStatus, nowMs: number): { requeueAfterMs?: number } {
  const deadline = progressDeadlineSeconds(d);
  const c = getCondition(status.conditions, 'Progressing');
  if (deadline === undefined || !c || c.reason === REASON.newRSAvailable || c.reason === REASON.timedOut || deploymentComplete(d, status)) return {};
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : NaN;
  if (Number.isNaN(from)) return {};
  return { requeueAfterMs: Math.max(1000, from + deadline * 1000 - nowMs + 1000) };
}
