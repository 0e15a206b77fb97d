// The CronJob controller on a simulated fleet with an injected clock: fires on schedule (in a time
// zone), honours Allow/Forbid/Replace, runs the latest missed schedule after a server outage or a
// suspension when within startingDeadlineSeconds, and keeps the history limits.

import type { CronJob, Job } from '../../../shared/api/workloads';
import { FakeClock } from '../../../shared/clock';
import { MemoryStore } from '../../store/fake/memory-store';
import type { Store } from '../../store/types';
import { cronJobManifest } from '../fake/objects';
import { SIM_EPOCH, SimFleet, type SimFleetOptions } from '../fake/sim-fleet';
import { SCHEDULED_TIMESTAMP } from './cronjob';

const minute = 60_000;
const ref = { resource: 'cronjobs.batch', namespace: 'default', name: 'backup' };

async function jobs(f: SimFleet): Promise<Job[]> {
  return ((await f.store.list('jobs.batch')).items as Job[]).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

const jobName = (iso: string): string => `backup-${Date.parse(iso) / minute}`;

describe('CronJob controller', () => {
  let f: SimFleet;
  let clock: FakeClock;
  let store: Store;

  async function start(options: SimFleetOptions = {}): Promise<void> {
    f = new SimFleet({ clock, store, runMs: 30_000, ...options });
    await f.start();
    if ((await f.store.list('nodes')).items.length === 0) await f.addNodes(2);
  }

  beforeEach(() => {
    clock = new FakeClock(SIM_EPOCH);
    store = new MemoryStore({ now: () => new Date(clock.now()) });
  });

  afterEach(async () => {
    await f.stop();
  });

  it('creates <name>-<minute> at each schedule time and records the run', async () => {
    await start();
    await f.store.create('cronjobs.batch', cronJobManifest('backup', { schedule: '*/5 * * * *', timeZone: 'UTC' }));
    await f.advance(4 * minute, 5000);
    expect(await jobs(f)).toHaveLength(0);
    await f.advance(2 * minute, 5000);
    const [first] = await jobs(f);
    expect(first?.metadata.name).toBe(jobName('2025-06-01T12:05:00Z'));
    expect(first?.metadata.annotations?.[SCHEDULED_TIMESTAMP]).toBe('2025-06-01T12:05:00Z');
    expect(Date.parse(first?.metadata.creationTimestamp ?? '') - Date.parse('2025-06-01T12:05:00Z')).toBeLessThanOrEqual(5000);
    expect(first?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'backup', controller: true });
    await f.advance(2 * minute, 5000);
    const cj = (await f.store.get(ref)) as CronJob;
    expect(cj.status?.lastScheduleTime).toBe('2025-06-01T12:05:00Z');
    expect(cj.status?.lastSuccessfulTime).toBeDefined();
    expect(cj.status?.active).toBeUndefined();
    expect(f.events.events.some((e) => e.reason === 'SawCompletedJob' && e.message === `Saw completed job: ${jobName('2025-06-01T12:05:00Z')}, condition: Complete`)).toBe(true);
  });

  it('fires in the CronJob time zone', async () => {
    await start();
    await f.store.create('cronjobs.batch', cronJobManifest('backup', { schedule: '0 22 * * *', timeZone: 'Europe/Berlin' }));
    await f.advance(8 * 60 * minute + 5 * minute, 5 * minute);
    expect((await jobs(f)).map((j) => j.metadata.name)).toEqual([jobName('2025-06-01T20:00:00Z')]);
    expect((await jobs(f))[0]?.metadata.annotations?.[SCHEDULED_TIMESTAMP]).toBe('2025-06-01T22:00:00+02:00');
  });

  it.each([
    ['Allow', 3, 3],
    ['Forbid', 1, 1],
    ['Replace', 1, 3],
  ] as const)('concurrencyPolicy %s with jobs that outlast the interval: %i active, %i created', async (policy, active, created) => {
    await start({ outcome: () => 'run' });
    await f.store.create('cronjobs.batch', cronJobManifest('backup', { schedule: '* * * * *', concurrencyPolicy: policy, timeZone: 'UTC' }));
    await f.advance(3 * minute + 30_000, 5000);
    const all = (await jobs(f)).filter((j) => !j.metadata.deletionTimestamp);
    const cj = (await f.store.get(ref)) as CronJob;
    expect(cj.status?.active ?? []).toHaveLength(active);
    expect(all).toHaveLength(active);
    expect(f.events.events.filter((e) => e.reason === 'SuccessfulCreate' && e.message.startsWith('Created job'))).toHaveLength(created);
    if (policy === 'Forbid') expect(f.events.events.some((e) => e.reason === 'JobAlreadyActive')).toBe(true);
    if (policy === 'Replace') expect(all[0]?.metadata.name).toBe(jobName('2025-06-01T12:03:00Z'));
  });

  it.each([
    ['no deadline', undefined, [jobName('2025-06-01T12:30:00Z')]],
    ['a 10-minute deadline', 600, [jobName('2025-06-01T12:30:00Z')]],
    ['a 1-minute deadline', 60, []],
  ])('after a server outage runs only the latest missed schedule, with %s', async (_name, startingDeadlineSeconds, want) => {
    await start();
    await f.store.create('cronjobs.batch', cronJobManifest('backup', { schedule: '*/10 * * * *', timeZone: 'UTC', ...(startingDeadlineSeconds ? { startingDeadlineSeconds } : {}) }));
    await f.advance(minute, 5000);
    await f.stop();
    clock.advance(33 * minute);
    await start();
    await f.settle();
    expect((await jobs(f)).map((j) => j.metadata.name)).toEqual(want);
    await f.advance(8 * minute, 5000);
    expect((await jobs(f)).map((j) => j.metadata.name)).toContain(jobName('2025-06-01T12:40:00Z'));
  });

  it('runs the latest schedule missed while suspended when resumed', async () => {
    await start();
    await f.store.create('cronjobs.batch', cronJobManifest('backup', { schedule: '*/10 * * * *', timeZone: 'UTC', suspend: true }));
    await f.advance(25 * minute, 30_000);
    expect(await jobs(f)).toHaveLength(0);
    await f.store.guaranteedUpdate(ref, (cur) => ({ ...cur, spec: { ...(cur.spec as object), suspend: false } }));
    await f.settle();
    expect((await jobs(f)).map((j) => j.metadata.name)).toEqual([jobName('2025-06-01T12:20:00Z')]);
  });

  it('keeps successfulJobsHistoryLimit finished Jobs', async () => {
    await start({ runMs: 5000 });
    await f.store.create('cronjobs.batch', cronJobManifest('backup', { schedule: '* * * * *', timeZone: 'UTC', successfulJobsHistoryLimit: 2 }));
    await f.advance(6 * minute + 30_000, 5000);
    const names = (await jobs(f)).filter((j) => !j.metadata.deletionTimestamp).map((j) => j.metadata.name);
    expect(names).toEqual([jobName('2025-06-01T12:05:00Z'), jobName('2025-06-01T12:06:00Z')]);
  });
});
