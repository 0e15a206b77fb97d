// The CronJob controller (Kubernetes' cronjob_controllerv2): creates a Job named
// <cronjob>-<scheduled minute> for the most recent unmet schedule time — including one missed
// while the server was down or the CronJob suspended, if within startingDeadlineSeconds — with
// concurrencyPolicy Allow/Forbid/Replace, keeps status.active and the history limits, and asks to
// be woken at the next schedule time through the work queue (an injected clock in tests).

import { applyDefaults } from '../../../shared/api/defaults';
import type { CronJob, CronJobStatus, Job } from '../../../shared/api/workloads';
import { isFlotillaError } from '../../../shared/errors';
import type { EventSink } from '../../events/recorder';
import type { Cached } from '../../informer/informer';
import { deepEqual } from '../../store/object-meta';
import { informerWatch, objectKey, type InformerWatch, type Reconciler, type ReconcileResult } from '../controller';
import { BY_CONTROLLER, type ControllerContext } from '../context';
import { jobFinished } from '../job/job';
import { ignoreNotFound } from '../util/claim';
import { controllerRefOf, createdMs, isoSeconds, newControllerRef } from '../util/pods';
import { CronSchedule } from './schedule';

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
const TOO_MANY_MISSED = 100;

const jobRef = (j: Readonly<Job>) => ({ apiVersion: 'batch/v1', kind: 'Job', name: j.metadata.name ?? '', namespace: j.metadata.namespace ?? '', uid: j.metadata.uid ?? '', resourceVersion: j.metadata.resourceVersion ?? '' });

export class CronJobReconciler implements Reconciler {
  readonly name = 'cronjob';
  readonly primary = 'cronjobs.batch';
  readonly watches = [];
  readonly informerWatches: InformerWatch[];
  private readonly events: EventSink;
  private readonly schedules = new Map<string, { spec: string; schedule: CronSchedule }>();

  constructor(private readonly ctx: ControllerContext) {
    this.events = ctx.events('cronjob-controller');
    const { cronJobs, jobs } = ctx.informers;
    this.informerWatches = [
      informerWatch(cronJobs, (_t, cj) => [objectKey(cj.metadata.namespace, cj.metadata.name)]),
      informerWatch(jobs, (_t, job) => {
        const ref = controllerRefOf(job);
        return ref?.kind === 'CronJob' ? [objectKey(job.metadata.namespace, ref.name)] : [];
      }),
    ];
  }

  /** One parsed schedule per CronJob, rebuilt when its schedule or time zone changes. */
  private scheduleOf(key: string, cj: Cached<CronJob>): CronSchedule {
    const spec = `${cj.spec.schedule}\n${cj.spec.timeZone ?? ''}`;
    const cached = this.schedules.get(key);
    if (cached?.spec === spec) return cached.schedule;
    cached?.schedule.dispose();
    const schedule = new CronSchedule(cj.spec.schedule, cj.spec.timeZone);
    this.schedules.set(key, { spec, schedule });
    return schedule;
  }

  async reconcile(key: string): Promise<ReconcileResult | void> {
    const { informers, clock } = this.ctx;
    const cj = informers.cronJobs.get(key);
    if (!cj) {
      this.schedules.get(key)?.schedule.dispose();
      this.schedules.delete(key);
      return;
    }
    const now = clock.now();
    const jobs = informers.jobs.byIndex(BY_CONTROLLER, cj.metadata.uid ?? '');
    const status: CronJobStatus = structuredClone(cj.status ?? {}) as CronJobStatus;
    this.syncActive(cj, jobs, status);
    await this.cleanupHistory(cj, jobs);
    let wakeAt: number | undefined;
    if (!cj.metadata.deletionTimestamp) wakeAt = await this.schedule(key, cj, status, now);
    if (!deepEqual(cj.status ?? {}, status)) {
      const uid = cj.metadata.uid;
      await ignoreNotFound(this.ctx.store.guaranteedUpdate({ resource: 'cronjobs.batch', namespace: cj.metadata.namespace ?? '', name: cj.metadata.name ?? '' }, (cur) => (cur.metadata.uid === uid ? { ...cur, status } : cur)));
    }
    // Relative to the clock now, not at the start: writes may have taken a while.
    return wakeAt !== undefined ? { requeueAfterMs: Math.max(1, wakeAt - clock.now() + 100) } : undefined;
  }

  /** status.active follows the Jobs: finished ones leave it (SawCompletedJob), gone ones too. */
  private syncActive(cj: Cached<CronJob>, jobs: readonly Cached<Job>[], status: CronJobStatus): void {
    const byUid = new Map(jobs.map((j) => [j.metadata.uid ?? '', j]));
    const active = new Set((status.active ?? []).map((r) => r.uid ?? ''));
    for (const j of jobs) {
      const done = jobFinished(j);
      const uid = j.metadata.uid ?? '';
      if (!done && !active.has(uid) && !j.metadata.deletionTimestamp) {
        status.active = [...(status.active ?? []), jobRef(j)];
        active.add(uid);
      } else if (done && active.has(uid)) {
        status.active = (status.active ?? []).filter((r) => r.uid !== uid);
        active.delete(uid);
        this.events.record(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name ?? ''}, condition: ${done.type}`);
      }
      if (done?.type === 'Complete' && j.status?.completionTime && (!status.lastSuccessfulTime || Date.parse(j.status.completionTime) > Date.parse(status.lastSuccessfulTime))) {
        status.lastSuccessfulTime = j.status.completionTime;
      }
    }
    status.active = (status.active ?? []).filter((r) => byUid.has(r.uid ?? ''));
    if (status.active.length === 0) delete status.active;
  }

  /** Creates the Job for the most recent unmet schedule time; returns the next schedule time (ms). */
  private async schedule(key: string, cj: Cached<CronJob>, status: CronJobStatus, now: number): Promise<number | undefined> {
    let schedule: CronSchedule;
    try {
      schedule = this.scheduleOf(key, cj);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.events.record(cj, 'Warning', message.startsWith('unknown time zone') ? 'UnknownTimeZone' : 'UnparseableSchedule', message);
      return undefined;
    }
    const wake = (): number | undefined => schedule.next(now);
    if (cj.spec.suspend) return undefined;
    let earliest = Date.parse(status.lastScheduleTime ?? '') || Date.parse(cj.metadata.creationTimestamp ?? '') || now;
    const deadline = cj.spec.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null) earliest = Math.max(earliest, now - deadline * 1000);
    const scheduled = schedule.previous(now, earliest);
    if (scheduled === undefined) return wake();
    let missed = 0;
    for (let t = schedule.next(earliest); t !== undefined && t <= now && missed <= TOO_MANY_MISSED; t = schedule.next(t)) missed++;
    if (missed > TOO_MANY_MISSED) this.events.record(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: > ${TOO_MANY_MISSED}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    const name = `${cj.metadata.name ?? ''}-${Math.floor(scheduled / 60_000)}`;
    if ((status.active ?? []).some((r) => r.name === name) || (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === scheduled)) return wake();
    const policy = cj.spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && (status.active?.length ?? 0) > 0) {
      this.events.record(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return wake();
    }
    if (policy === 'Replace') {
      for (const r of status.active ?? []) {
        await this.deleteJob(cj, r.namespace ?? '', r.name ?? '', r.uid ?? '');
        this.events.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${r.name ?? ''}`);
      }
      delete status.active;
    }
    const job = this.jobFor(cj, name, scheduled, schedule.timeZone);
    let created: Job;
    try {
      created = (await this.ctx.store.create('jobs.batch', job)) as Job;
      this.events.record(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`);
    } catch (err) {
      if (!isFlotillaError(err, 'AlreadyExists')) {
        this.events.record(cj, 'Warning', 'FailedCreate', `Error creating job: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
      const existing = (await this.ctx.store.get({ resource: 'jobs.batch', namespace: cj.metadata.namespace ?? '', name })) as Job | undefined;
      if (!existing || controllerRefOf(existing)?.uid !== cj.metadata.uid) return wake();
      created = existing;
    }
    status.active = [...(status.active ?? []).filter((r) => r.uid !== created.metadata.uid), jobRef(created)];
    status.lastScheduleTime = isoSeconds(scheduled);
    return wake();
  }

  /** getJobFromTemplate2: the template's labels, annotations and spec, plus the scheduled time. */
  private jobFor(cj: Cached<CronJob>, name: string, scheduledMs: number, timeZone: string): Job {
    const meta = cj.spec.jobTemplate.metadata ?? {};
    const job: Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata.namespace,
        labels: { ...(meta.labels ?? {}) },
        annotations: { ...(meta.annotations ?? {}), [SCHEDULED_TIMESTAMP]: scheduledTimestamp(scheduledMs, timeZone) },
        ownerReferences: [newControllerRef(cj)],
      },
      spec: structuredClone(cj.spec.jobTemplate.spec) as Job['spec'],
    };
    applyDefaults(job);
    return job;
  }

  /** Finished Jobs beyond successfulJobsHistoryLimit (3) / failedJobsHistoryLimit (1), oldest first. */
  private async cleanupHistory(cj: Cached<CronJob>, jobs: readonly Cached<Job>[]): Promise<void> {
    const limits = { Complete: cj.spec.successfulJobsHistoryLimit ?? 3, Failed: cj.spec.failedJobsHistoryLimit ?? 1 };
    for (const type of ['Complete', 'Failed'] as const) {
      const done = jobs.filter((j) => !j.metadata.deletionTimestamp && jobFinished(j)?.type === type).sort((a, b) => createdMs(a) - createdMs(b));
      for (const j of done.slice(0, Math.max(0, done.length - limits[type]))) {
        await this.deleteJob(cj, j.metadata.namespace ?? '', j.metadata.name ?? '', j.metadata.uid ?? '');
      }
    }
  }

  /** Background propagation: the garbage collector removes the Job's pods. */
  private async deleteJob(cj: Cached<CronJob>, namespace: string, name: string, uid: string): Promise<void> {
    try {
      await this.ctx.store.delete({ resource: 'jobs.batch', namespace, name }, { preconditions: { uid } });
    } catch (err) {
      if (isFlotillaError(err, 'NotFound') || isFlotillaError(err, 'Conflict')) return;
      this.events.record(cj, 'Warning', 'FailedDelete', `Deleted job ${name}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }
}

/** RFC 3339 in the CronJob's time zone, as Kubernetes writes the scheduled-timestamp annotation. */
function scheduledTimestamp(ms: number, tz: string): string {
  const parts: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offset = Math.round((local - ms) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const zone = offset === 0 ? 'Z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${parts.year ?? ''}-${parts.month ?? ''}-${parts.day ?? ''}T${parts.hour ?? ''}:${parts.minute ?? ''}:${parts.second ?? ''}${zone}`;
}
