// The Job controller on a simulated fleet: completions with bounded parallelism, backoffLimit with
// exponential pod-creation backoff, activeDeadlineSeconds, the work-queue mode, and
// ttlSecondsAfterFinished removing the Job and its pods.

import type { Pod } from '../../../shared/api/core';
import type { Job } from '../../../shared/api/workloads';
import { jobManifest } from '../fake/objects';
import { SimFleet, type SimFleetOptions } from '../fake/sim-fleet';

const ref = { resource: 'jobs.batch', namespace: 'default', name: 'task' };

async function job(f: SimFleet): Promise<Job | undefined> {
  return (await f.store.get(ref)) as Job | undefined;
}

function condition(j: Job | undefined, type: string) {
  return j?.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

describe('Job controller', () => {
  let f: SimFleet;

  async function start(options: SimFleetOptions = {}): Promise<void> {
    f = new SimFleet({ runMs: 3000, ...options });
    await f.start();
    await f.addNodes(3);
  }

  afterEach(async () => {
    await f.stop();
  });

  it('runs 5 completions at most 2 at a time and completes', async () => {
    await start();
    let maxActive = 0;
    const live = new Map<string, Pod>();
    const stop = f.store.watch({ resource: 'pods' }, (e) => {
      if (e.type === 'DELETED') live.delete(e.object.metadata.name ?? '');
      else live.set(e.object.metadata.name ?? '', e.object as Pod);
      maxActive = Math.max(maxActive, [...live.values()].filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed').length);
    });
    await f.store.create('jobs.batch', jobManifest('task', { completions: 5, parallelism: 2 }));
    await f.until(async () => !!condition(await job(f), 'Complete'), 'complete');
    stop();
    const j = await job(f);
    expect(maxActive).toBe(2);
    expect(j?.status).toMatchObject({ succeeded: 5, failed: 0, active: 0 });
    expect(j?.status?.startTime).toBeDefined();
    expect(j?.status?.completionTime).toBeDefined();
    expect(condition(j, 'Complete')).toMatchObject({ reason: 'CompletionsReached' });
    const pods = (await f.store.list('pods')).items;
    expect(pods).toHaveLength(5);
    expect(pods[0]?.metadata.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'task', 'job-name': 'task', 'batch.kubernetes.io/controller-uid': j?.metadata.uid });
    expect(f.events.events.filter((e) => e.reason === 'Completed')).toHaveLength(1);
  });

  it('fails with BackoffLimitExceeded after backoffLimit+1 failures, waiting 10 s, then 20 s between retries', async () => {
    await start({ outcome: () => 'fail', runMs: 1000 });
    const createdAt: number[] = [];
    const stop = f.store.watch({ resource: 'pods' }, (e) => {
      if (e.type === 'ADDED') createdAt.push(f.clock.now());
    });
    await f.store.create('jobs.batch', jobManifest('task', { backoffLimit: 2 }));
    await f.until(async () => !!condition(await job(f), 'Failed'), 'failed', 300_000, 500);
    stop();
    const j = await job(f);
    expect(condition(j, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(j?.status).toMatchObject({ failed: 3, succeeded: 0, active: 0 });
    expect(createdAt).toHaveLength(3);
    const gaps = [(createdAt[1] ?? 0) - (createdAt[0] ?? 0), (createdAt[2] ?? 0) - (createdAt[1] ?? 0)];
    // Each pod runs ~2 s (start + run) before failing, then the backoff: 10 s, then 20 s.
    expect(gaps[0]).toBeGreaterThanOrEqual(12_000);
    expect(gaps[0]).toBeLessThan(14_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(22_000);
    expect(gaps[1]).toBeLessThan(24_000);
  });

  it('fails with DeadlineExceeded at activeDeadlineSeconds and stops its pods', async () => {
    await start({ outcome: () => 'run' });
    await f.store.create('jobs.batch', jobManifest('task', { activeDeadlineSeconds: 30, parallelism: 2, completions: 4 }));
    const t = await f.until(async () => !!condition(await job(f), 'Failed'), 'deadline', 60_000, 500);
    expect(t).toBeGreaterThanOrEqual(30_000);
    expect(condition(await job(f), 'Failed')).toMatchObject({ reason: 'DeadlineExceeded' });
    await f.until(async () => (await f.store.list('pods')).items.length === 0, 'pods stopped');
  });

  it('without completions, completes once a pod succeeded and the rest finished', async () => {
    await start();
    await f.store.create('jobs.batch', jobManifest('task', { parallelism: 3 }));
    await f.until(async () => !!condition(await job(f), 'Complete'), 'complete');
    expect((await job(f))?.status?.succeeded).toBe(3);
  });

  it('deletes the finished Job and its pods ttlSecondsAfterFinished later', async () => {
    await start();
    await f.store.create('jobs.batch', jobManifest('task', { completions: 2, parallelism: 2, ttlSecondsAfterFinished: 60 }));
    await f.until(async () => !!condition(await job(f), 'Complete'), 'complete');
    await f.advance(50_000, 1000);
    expect(await job(f)).toBeDefined();
    await f.until(async () => !(await job(f)) && (await f.store.list('pods')).items.length === 0, 'removed', 20_000, 1000);
  });
});
