// What a Job's pods add up to (Kubernetes' job_controller counting): active, ready, succeeded,
// failed (pod failures, or container restarts with restartPolicy OnFailure), and when the last
// failure happened, for the pod-creation backoff.

import type { Pod } from '../../../shared/api/core';
import type { Job } from '../../../shared/api/workloads';
import type { Cached } from '../../informer/informer';
import { createdMs, isPodActive, isPodReady } from '../util/pods';

export interface JobCounts {
  active: Cached<Pod>[];
  ready: number;
  succeeded: number;
  failed: number;
  /** Container restarts of active pods (restartPolicy OnFailure counts them against backoffLimit). */
  restarts: number;
  /** When the latest failure happened (ms), 0 when none. */
  lastFailureMs: number;
}

function finishedMs(pod: Cached<Pod>): number {
  for (const c of pod.status?.containerStatuses ?? []) {
    const t = c.state.terminated?.finishedAt ?? c.lastState.terminated?.finishedAt;
    if (t) return Date.parse(t);
  }
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
  return ready ? Date.parse(ready) : createdMs(pod);
}

/** Counts never go below what the Job's status already recorded (pods may be removed later). */
export function countPods(job: Cached<Job>, pods: readonly Cached<Pod>[]): JobCounts {
  const active = pods.filter(isPodActive);
  let succeeded = 0;
  let failed = 0;
  let lastFailureMs = 0;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase === 'Succeeded') succeeded++;
    else if (p.status?.phase === 'Failed') {
      failed++;
      lastFailureMs = Math.max(lastFailureMs, finishedMs(p));
    }
  }
  for (const p of active) {
    for (const c of p.status?.containerStatuses ?? []) {
      restarts += c.restartCount ?? 0;
      if ((c.restartCount ?? 0) > 0) lastFailureMs = Math.max(lastFailureMs, finishedMs(p));
    }
  }
  return {
    active,
    ready: active.filter(isPodReady).length,
    succeeded: Math.max(succeeded, job.status?.succeeded ?? 0),
    failed: Math.max(failed, job.status?.failed ?? 0),
    restarts,
    lastFailureMs,
  };
}

/** Kubernetes' pod failure backoff: 10 s doubling per failure, at most 6 minutes. */
export function failureBackoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(10_000 * 2 ** (failures - 1), 360_000);
}
