// The status manager: only real changes reach listeners, versions grow per pod, bursts coalesce to the newest.

import type { PodStatus } from '../../shared/api/core';
import { FakeClock } from '../../shared/clock';
import type { PodStatusUpdate } from './api';
import { StatusManager } from './status-manager';

const ref = { namespace: 'ns', name: 'p', uid: 'u1' };
const status = (phase: PodStatus['phase']): PodStatus => ({ phase, conditions: [] });
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('StatusManager', () => {
  it('tells listeners about changes only, with growing per-pod versions', async () => {
    const clock = new FakeClock(1000);
    const sm = new StatusManager(clock);
    const seen: PodStatusUpdate[] = [];
    sm.onPodStatus((u) => seen.push(u));
    expect(sm.set(ref, 'static', status('Pending'))).toBe(true);
    await flush();
    expect(sm.set(ref, 'static', status('Pending'))).toBe(false);
    expect(sm.set(ref, 'static', status('Running'))).toBe(true);
    await flush();
    expect(seen.map((u) => [u.status.phase, u.version])).toEqual([['Pending', 1000], ['Running', 1001]]);
    clock.advance(5000);
    sm.set(ref, 'static', status('Succeeded'), true);
    await flush();
    expect(seen[2]).toMatchObject({ version: 6000, terminated: true, source: 'static', uid: 'u1' });
  });

  it('coalesces a burst to the newest status of each pod', async () => {
    const sm = new StatusManager(new FakeClock(0));
    const seen: string[] = [];
    sm.onPodStatus((u) => seen.push(`${u.uid}:${u.status.phase}`));
    sm.set(ref, 'server', status('Pending'));
    sm.set(ref, 'server', status('Running'));
    sm.set({ ...ref, uid: 'u2' }, 'server', status('Pending'));
    sm.set(ref, 'server', status('Failed'));
    await flush();
    expect(seen).toEqual(['u1:Failed', 'u2:Pending']);
    expect(sm.all().map((u) => u.version)).toEqual([3, 1]);
  });

  it('still delivers the last update of a pod removed before the flush, then forgets it', async () => {
    const sm = new StatusManager(new FakeClock(0));
    const seen: PodStatusUpdate[] = [];
    const unsubscribe = sm.onPodStatus((u) => seen.push(u));
    sm.set(ref, 'static', status('Succeeded'), true);
    sm.remove('u1');
    await flush();
    expect(seen.map((u) => u.terminated)).toEqual([true]);
    expect(sm.all()).toEqual([]);
    unsubscribe();
    sm.set(ref, 'static', status('Running'));
    await flush();
    expect(seen).toHaveLength(1);
  });
});
