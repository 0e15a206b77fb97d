// The Job controller: runs pods to completion — `completions` successes with up to `parallelism`
// at once (or, without completions, until one succeeds) — retrying failures with backoff up to
// backoffLimit, failing at activeDeadlineSeconds, and deleting the finished Job after
// ttlSecondsAfterFinished (the ttl-after-finished controller's job, folded in here).

import type { Pod } from '../../../shared/api/core';
import { JOB_LABELS } from '../../../shared/api/defaults';
import type { Job, JobStatus, WorkloadCondition } from '../../../shared/api/workloads';
import type { EventSink } from '../../events/recorder';
import type { Cached } from '../../informer/informer';
import { deepEqual } from '../../store/object-meta';
import { informerWatch, objectKey, type InformerWatch, type Reconciler, type ReconcileResult } from '../controller';
import { BY_CONTROLLER, ORPHANS_BY_NAMESPACE, type ControllerContext } from '../context';
import { FOREGROUND } from '../gc/garbage-collector';
import { claim, ignoreNotFound } from '../util/claim';
import { getCondition, setCondition } from '../util/conditions';
import { Expectations } from '../util/expectations';
import { controllerRefOf, createdMs, isPodReady, isoSeconds, podFromTemplate } from '../util/pods';
import { deletePod, slowStartBatch } from '../util/pod-writes';
import { countPods, failureBackoffMs } from './counts';

const BURST = 500;
const DEFAULT_BACKOFF_LIMIT = 6;

export function jobFinished(job: Cached<Job>): WorkloadCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export class JobReconciler implements Reconciler {
  readonly name = 'job';
  readonly primary = 'jobs.batch';
  readonly watches = [];
  readonly informerWatches: InformerWatch[];
  private readonly expectations: Expectations;
  private readonly events: EventSink;

  constructor(private readonly ctx: ControllerContext) {
    this.expectations = new Expectations(ctx.clock);
    this.events = ctx.events('job-controller');
    const { jobs, pods } = ctx.informers;
    this.informerWatches = [
      informerWatch(jobs, (_t, job) => [objectKey(job.metadata.namespace, job.metadata.name)]),
      informerWatch(pods, (type, pod, old) => {
        const ref = controllerRefOf(pod);
        if (ref?.kind !== 'Job') return [];
        const key = objectKey(pod.metadata.namespace, ref.name);
        if (type === 'ADDED') this.expectations.creationObserved(key);
        if (type === 'DELETED' || (pod.metadata.deletionTimestamp && !old?.metadata.deletionTimestamp)) this.expectations.deletionObserved(key, objectKey(pod.metadata.namespace, pod.metadata.name));
        return [key];
      }),
    ];
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const { informers, store, clock } = this.ctx;
    const job = informers.jobs.get(key);
    if (!job) {
      this.expectations.forget(key);
      return;
    }
    const now = clock.now();
    const finished = jobFinished(job);
    if (finished) return this.afterFinish(job, finished, now);
    const uid = job.metadata.uid ?? '';
    const pods = await claim<Pod>({
      owner: job,
      ...(job.spec.selector ? { selector: job.spec.selector } : { matches: (p: Cached<Pod>) => p.metadata.labels?.[JOB_LABELS.controllerUid] === uid }),
      owned: informers.pods.byIndex(BY_CONTROLLER, uid),
      orphans: informers.pods.byIndex(ORPHANS_BY_NAMESPACE, job.metadata.namespace ?? ''),
      store,
      resource: 'pods',
    });
    const counts = countPods(job, pods);
    const status: JobStatus = { ...(job.status ?? {}) };
    let conditions = [...(job.status?.conditions ?? [])];
    let requeue: number | undefined;
    const suspended = job.spec.suspend === true;
    if (!suspended && !status.startTime) status.startTime = isoSeconds(now);
    const startMs = status.startTime ? Date.parse(status.startTime) : now;
    const backoffLimit = job.spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT;
    const failures = counts.failed + (job.spec.template.spec.restartPolicy === 'OnFailure' ? counts.restarts : 0);
    let failure: { reason: string; message: string } | undefined;
    if (failures > backoffLimit) failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (job.spec.activeDeadlineSeconds !== undefined && !suspended) {
      const left = startMs + job.spec.activeDeadlineSeconds * 1000 - now;
      if (left <= 0) failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
      else requeue = left;
    }
    const completions = job.spec.completions;
    const complete = !failure && (completions !== undefined && completions !== null ? counts.succeeded >= completions : counts.succeeded > 0 && counts.active.length === 0);
    let active = counts.active;
    if (failure || complete || suspended) {
      await this.deleteAll(key, job, active);
      active = [];
    } else if (this.expectations.satisfied(key)) {
      const parallelism = job.spec.parallelism ?? 1;
      const want = completions === undefined || completions === null ? (counts.succeeded > 0 ? 0 : parallelism) : Math.min(parallelism, completions - counts.succeeded);
      if (active.length > want) {
        const extra = [...active].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || createdMs(b) - createdMs(a)).slice(0, active.length - want);
        await this.deleteAll(key, job, extra);
      } else if (active.length < want) {
        const wait = counts.lastFailureMs + failureBackoffMs(failures) - now;
        if (failures > 0 && wait > 0) requeue = Math.min(requeue ?? wait, wait);
        else await this.create(key, job, Math.min(want - active.length, BURST));
      }
    }
    const t = isoSeconds(now);
    if (failure) {
      conditions = setCondition(conditions, { type: 'Failed', status: 'True', reason: failure.reason, message: failure.message, lastProbeTime: t, lastTransitionTime: t });
      this.events.record(job, 'Warning', failure.reason, failure.message);
    } else if (complete) {
      conditions = setCondition(conditions, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: t, lastTransitionTime: t });
      status.completionTime = t;
      this.events.record(job, 'Normal', 'Completed', 'Job completed');
    }
    if (suspended !== (getCondition(conditions, 'Suspended')?.status === 'True')) {
      conditions = setCondition(conditions, suspended ? { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended', lastProbeTime: t, lastTransitionTime: t } : { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed', lastProbeTime: t, lastTransitionTime: t });
    }
    const after = informers.pods.byIndex(BY_CONTROLLER, uid);
    const final = countPods(job, after);
    Object.assign(status, { active: final.active.length, ready: final.ready, succeeded: final.succeeded, failed: final.failed, uncountedTerminatedPods: {} });
    if (conditions.length) status.conditions = conditions;
    if (!deepEqual(job.status, status)) {
      await ignoreNotFound(store.guaranteedUpdate({ resource: 'jobs.batch', namespace: job.metadata.namespace ?? '', name: job.metadata.name ?? '' }, (cur) => (cur.metadata.uid === uid ? { ...cur, status } : cur)));
    }
    return requeue !== undefined ? { requeueAfterMs: requeue + 1 } : undefined;
  }

  /** ttlSecondsAfterFinished: the finished Job (and, through the garbage collector, its pods) goes. */
  private async afterFinish(job: Cached<Job>, finished: WorkloadCondition, now: number): Promise<ReconcileResult | void> {
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl === undefined || ttl === null || job.metadata.deletionTimestamp) return;
    const at = Date.parse(job.status?.completionTime ?? finished.lastTransitionTime ?? '') || now;
    const left = at + ttl * 1000 - now;
    if (left > 0) return { requeueAfterMs: left + 1 };
    const ref = { resource: 'jobs.batch', namespace: job.metadata.namespace ?? '', name: job.metadata.name ?? '' };
    const uid = job.metadata.uid ?? '';
    // Foreground, as Kubernetes' TTL controller deletes: the Job is gone only after its pods.
    await ignoreNotFound(this.ctx.store.guaranteedUpdate(ref, (cur) => (cur.metadata.uid !== uid || (cur.metadata.finalizers ?? []).includes(FOREGROUND) ? cur : { ...cur, metadata: { ...cur.metadata, finalizers: [...(cur.metadata.finalizers ?? []), FOREGROUND] } })));
    await ignoreNotFound(this.ctx.store.delete(ref, { preconditions: { uid } }));
  }

  private async create(key: string, job: Cached<Job>, count: number): Promise<void> {
    const name = job.metadata.name ?? '';
    const uid = job.metadata.uid ?? '';
    this.expectations.expect(key, count);
    const labels = { [JOB_LABELS.controllerUid]: uid, [JOB_LABELS.legacyControllerUid]: uid, [JOB_LABELS.jobName]: name, [JOB_LABELS.legacyJobName]: name };
    const { successes, error } = await slowStartBatch({ count, initial: 1 }, async () => {
      const pod = podFromTemplate(job.spec.template, { namespace: job.metadata.namespace ?? '', generateName: `${name}-`, owner: job as Job, extraLabels: labels });
      const created = await this.ctx.store.create('pods', pod);
      this.events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name ?? ''}`);
    });
    if (successes < count) this.expectations.creationObserved(key, count - successes);
    if (error !== undefined) {
      this.events.record(job, 'Warning', 'FailedCreate', `Error creating: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  private async deleteAll(key: string, job: Cached<Job>, pods: readonly Cached<Pod>[]): Promise<void> {
    if (pods.length === 0) return;
    this.expectations.expect(key, 0, pods.map((p) => objectKey(p.metadata.namespace, p.metadata.name)));
    await Promise.all(
      pods.map(async (p) => {
        const deleted = await deletePod(this.ctx.store, p).catch((err: unknown) => {
          this.expectations.deletionObserved(key, objectKey(p.metadata.namespace, p.metadata.name));
          throw err;
        });
        if (deleted) this.events.record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name ?? ''}`);
        else this.expectations.deletionObserved(key, objectKey(p.metadata.namespace, p.metadata.name));
      }),
    );
  }
}
