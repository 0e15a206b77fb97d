// The scheduling queue: priority order, parking, events, backoff and the 5-minute flush (FakeClock).

import { FakeClock } from '../../../shared/clock';
import type { ClusterEvent } from '../framework/interface';
import { SchedulingQueue } from './scheduling-queue';

function queue(clock = new FakeClock(1_000_000)) {
  const interest = new Map<string, ReadonlySet<ClusterEvent>>([
    ['NodeResourcesFit', new Set<ClusterEvent>(['NodeAdd', 'AssignedPodDelete'])],
    ['NodeAffinity', new Set<ClusterEvent>(['NodeAdd', 'NodeLabel'])],
  ]);
  return { clock, q: new SchedulingQueue({ clock, interest }) };
}

function drain(q: SchedulingQueue): string[] {
  const out: string[] = [];
  for (let p = q.pop(); p; p = q.pop()) out.push(p.key);
  return out;
}

describe('SchedulingQueue', () => {
  test('higher priority first, then first come', () => {
    const { q, clock } = queue();
    q.add('ns/a', 0);
    clock.advance(1);
    q.add('ns/b', 10);
    clock.advance(1);
    q.add('ns/c', 0);
    q.add('ns/d', 10);
    expect(drain(q)).toEqual(['ns/b', 'ns/d', 'ns/a', 'ns/c']);
  });

  test('adding a queued pod again does not duplicate it; delete removes it', () => {
    const { q } = queue();
    q.add('ns/a');
    q.add('ns/a');
    q.add('ns/b');
    q.delete('ns/b');
    expect(drain(q)).toEqual(['ns/a']);
  });

  test('an unschedulable pod waits for an event one of its rejectors registered', () => {
    const { q, clock } = queue();
    q.add('ns/a');
    const a = q.pop();
    if (!a) throw new Error('expected a pod');
    q.addUnschedulable(a, new Set(['NodeResourcesFit']));
    expect(q.stats().unschedulable).toBe(1);
    q.onEvent('NodeLabel');
    expect(q.stats().unschedulable).toBe(1);
    clock.advance(1000);
    q.onEvent('AssignedPodDelete');
    expect(drain(q)).toEqual(['ns/a']);
  });

  test('released during its backoff it waits in backoff, then becomes active', () => {
    const { q, clock } = queue();
    q.add('ns/a');
    const a = q.pop();
    if (!a) throw new Error('expected a pod');
    q.addUnschedulable(a, new Set(['NodeAffinity']));
    q.onEvent('NodeAdd');
    expect(q.stats()).toEqual({ active: 0, backoff: 1, unschedulable: 0, inFlight: 0 });
    clock.advance(999);
    expect(q.pop()).toBeUndefined();
    clock.advance(1);
    expect(drain(q)).toEqual(['ns/a']);
  });

  test('backoff doubles from 1 s up to 10 s', () => {
    const { q } = queue();
    expect([1, 2, 3, 4, 5, 6].map((n) => q.backoffDuration(n))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  test('an event while the pod is in flight sends it to backoff instead of parking it', () => {
    const { q, clock } = queue();
    q.add('ns/a');
    const a = q.pop();
    if (!a) throw new Error('expected a pod');
    q.onEvent('NodeAdd');
    q.addUnschedulable(a, new Set(['NodeResourcesFit']));
    expect(q.stats().backoff).toBe(1);
    clock.advance(1000);
    expect(drain(q)).toEqual(['ns/a']);
  });

  test('an update of an unschedulable pod retries it', () => {
    const { q, clock } = queue();
    q.add('ns/a');
    const a = q.pop();
    if (!a) throw new Error('expected a pod');
    q.addUnschedulable(a, new Set(['NodeAffinity']));
    clock.advance(5000);
    q.add('ns/a');
    expect(drain(q)).toEqual(['ns/a']);
  });

  test('unschedulable pods are retried after 5 minutes without any event', () => {
    const { q, clock } = queue();
    q.add('ns/a');
    const a = q.pop();
    if (!a) throw new Error('expected a pod');
    q.addUnschedulable(a, new Set(['NodeAffinity']));
    clock.advance(4 * 60_000);
    expect(q.pop()).toBeUndefined();
    clock.advance(60_000 + 30_000);
    expect(drain(q)).toEqual(['ns/a']);
  });

  test('bind failures back off; done removes the pod', () => {
    const { q, clock } = queue();
    q.add('ns/a');
    q.add('ns/b');
    const a = q.pop();
    const b = q.pop();
    if (!a || !b) throw new Error('expected pods');
    q.addBackoff(a);
    q.done('ns/b');
    expect(q.stats()).toEqual({ active: 0, backoff: 1, unschedulable: 0, inFlight: 0 });
    clock.advance(1000);
    expect(drain(q)).toEqual(['ns/a']);
  });

  test('waitForPod resolves when a pod becomes active', async () => {
    const { q } = queue();
    let woke = false;
    const waiting = q.waitForPod().then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    q.add('ns/a');
    await waiting;
    expect(woke).toBe(true);
  });
});
