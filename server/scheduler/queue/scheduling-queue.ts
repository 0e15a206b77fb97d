// The scheduling queue (kube-scheduler's PriorityQueue): pending pods wait in one of three places —
// active (ready to try, highest priority first, then oldest), backoff (failed recently, waiting out
// 1 s doubling to 10 s), unschedulable (rejected; parked until a cluster event that could help —
// a node added or changed, a pod deleted… — as registered by the plugins that rejected it, or at
// most 5 minutes). Entries carry the pod's key, never the pod: the scheduler reads the latest pod
// from the informer when it pops one.

import { realClock, type Clock, type TimerHandle } from '../../../shared/clock';
import type { ClusterEvent } from '../framework/interface';
import { Heap } from './heap';

export interface QueuedPod {
  readonly key: string;
  priority: number;
  /** Failed scheduling attempts so far. */
  attempts: number;
  /** When the pod first entered the queue (ms). */
  readonly initialAt: number;
  /** When it last entered the active queue: FIFO among equal priority. */
  timestamp: number;
  backoffUntil: number;
  unschedulableSince: number;
  /** Plugins that rejected it last time; empty = any event may help. */
  rejectors: ReadonlySet<string>;
  /** The pod was updated while it was being scheduled. */
  stale: boolean;
  /** The queue's cycle when it was last popped: a move event after that makes the attempt stale. */
  popCycle: number;
  seq: number;
}

export interface SchedulingQueueOptions {
  clock?: Clock;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Unschedulable pods are retried after this long even without an event. Default 5 min. */
  maxUnschedulableMs?: number;
  /** Which events each plugin registered (EnqueuePlugin). Plugins not listed react to every event. */
  interest?: ReadonlyMap<string, ReadonlySet<ClusterEvent>>;
}

type Place = 'active' | 'backoff' | 'unschedulable' | 'inFlight';

export class SchedulingQueue {
  private readonly clock: Clock;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxUnschedulable: number;
  private readonly interest: ReadonlyMap<string, ReadonlySet<ClusterEvent>>;
  private readonly entries = new Map<string, { pod: QueuedPod; place: Place }>();
  private readonly parked = new Map<string, QueuedPod>();
  private readonly active = new Heap<QueuedPod>((a, b) => (a.priority !== b.priority ? a.priority > b.priority : a.timestamp !== b.timestamp ? a.timestamp < b.timestamp : a.seq < b.seq));
  private readonly backoff = new Heap<QueuedPod>((a, b) => a.backoffUntil < b.backoffUntil || (a.backoffUntil === b.backoffUntil && a.seq < b.seq));
  private activeCount = 0;
  private seq = 0;
  private cycle = 0;
  private moveCycle = -1;
  private backoffTimer: { at: number; handle: TimerHandle } | undefined;
  private flushTimer: TimerHandle | undefined;
  private waiters: Array<() => void> = [];
  private closed = false;

  constructor(options: SchedulingQueueOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.initialBackoff = options.initialBackoffMs ?? 1000;
    this.maxBackoff = options.maxBackoffMs ?? 10_000;
    this.maxUnschedulable = options.maxUnschedulableMs ?? 5 * 60_000;
    this.interest = options.interest ?? new Map();
  }

  /** A pending pod was added or changed in a way that may matter (not a status-only update). */
  add(key: string, priority = 0): void {
    if (this.closed) return;
    const entry = this.entries.get(key);
    if (!entry) {
      const now = this.clock.now();
      const pod: QueuedPod = { key, priority, attempts: 0, initialAt: now, timestamp: now, backoffUntil: 0, unschedulableSince: 0, rejectors: new Set(), stale: false, popCycle: -1, seq: this.seq++ };
      this.toActive(pod);
      return;
    }
    entry.pod.priority = priority;
    if (entry.place === 'inFlight') entry.pod.stale = true;
    else if (entry.place === 'unschedulable') this.release(entry.pod);
  }

  /** The pod is gone, bound, or no longer ours. */
  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (entry.place === 'active') this.activeCount--;
    this.entries.delete(key);
    this.parked.delete(key);
  }

  /** The next pod to try, or undefined when none is active. The pod is in flight until done/requeued. */
  pop(): QueuedPod | undefined {
    for (;;) {
      const pod = this.active.pop();
      if (!pod) return undefined;
      const entry = this.entries.get(pod.key);
      if (entry?.pod !== pod || entry.place !== 'active') continue;
      entry.place = 'inFlight';
      pod.stale = false;
      pod.popCycle = ++this.cycle;
      this.activeCount--;
      return pod;
    }
  }

  /** Scheduling (and binding) of an in-flight pod succeeded: it leaves the queue. */
  done(key: string): void {
    if (this.entries.get(key)?.place === 'inFlight') this.entries.delete(key);
  }

  /** The cycle found no node. Parked until a relevant event — or backed off if one came meanwhile. */
  addUnschedulable(pod: QueuedPod, rejectors: ReadonlySet<string>): void {
    const entry = this.entries.get(pod.key);
    if (entry?.pod !== pod || entry.place !== 'inFlight') return;
    this.failed(pod);
    pod.rejectors = rejectors;
    if (pod.stale || this.moveCycle >= pod.popCycle) return this.toBackoff(pod);
    pod.unschedulableSince = this.clock.now();
    entry.place = 'unschedulable';
    this.parked.set(pod.key, pod);
    this.armFlush();
  }

  /** Binding or an internal step failed: retry after the backoff. */
  addBackoff(pod: QueuedPod): void {
    const entry = this.entries.get(pod.key);
    if (entry?.pod !== pod || entry.place !== 'inFlight') return;
    this.failed(pod);
    this.toBackoff(pod);
  }

  /** A cluster change: every parked pod that one of its rejectors cares about goes back to try again. */
  onEvent(event: ClusterEvent): void {
    this.moveCycle = this.cycle;
    for (const pod of this.parked.values()) if (this.mayHelp(pod, event)) this.release(pod);
  }

  /** Resolves when a pod is active (or the queue is closed). */
  waitForPod(): Promise<void> {
    if (this.activeCount > 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.backoffTimer?.handle.cancel();
    this.flushTimer?.cancel();
    for (const w of this.waiters.splice(0)) w();
  }

  /** Pods ready to be popped. O(1). */
  get activeLength(): number {
    return this.activeCount;
  }

  /** Counts per place, for tests and metrics. O(n). */
  stats(): Record<Place, number> {
    const out: Record<Place, number> = { active: 0, backoff: 0, unschedulable: 0, inFlight: 0 };
    for (const e of this.entries.values()) out[e.place]++;
    return out;
  }

  backoffDuration(attempts: number): number {
    return Math.min(this.maxBackoff, this.initialBackoff * 2 ** Math.max(0, attempts - 1));
  }

  private failed(pod: QueuedPod): void {
    pod.attempts++;
    pod.backoffUntil = this.clock.now() + this.backoffDuration(pod.attempts);
  }

  private mayHelp(pod: QueuedPod, event: ClusterEvent): boolean {
    if (pod.rejectors.size === 0) return true;
    for (const plugin of pod.rejectors) {
      const events = this.interest.get(plugin);
      if (!events || events.has(event)) return true;
    }
    return false;
  }

  /** Out of unschedulable: to backoff if it is still backing off, else active. */
  private release(pod: QueuedPod): void {
    this.parked.delete(pod.key);
    if (pod.backoffUntil > this.clock.now()) this.toBackoff(pod);
    else this.toActive(pod);
  }

  private toActive(pod: QueuedPod): void {
    pod.timestamp = this.clock.now();
    pod.seq = this.seq++;
    this.entries.set(pod.key, { pod, place: 'active' });
    this.active.push(pod);
    this.activeCount++;
    for (const w of this.waiters.splice(0)) w();
  }

  private toBackoff(pod: QueuedPod): void {
    pod.seq = this.seq++;
    this.entries.set(pod.key, { pod, place: 'backoff' });
    this.backoff.push(pod);
    this.armBackoff(pod.backoffUntil);
  }

  private armBackoff(at: number): void {
    if (this.closed || (this.backoffTimer && this.backoffTimer.at <= at)) return;
    this.backoffTimer?.handle.cancel();
    this.backoffTimer = { at, handle: this.clock.setTimeout(() => this.flushBackoff(), Math.max(0, at - this.clock.now())) };
  }

  private flushBackoff(): void {
    this.backoffTimer = undefined;
    const now = this.clock.now();
    for (let top = this.backoff.peek(); top; top = this.backoff.peek()) {
      const entry = this.entries.get(top.key);
      if (entry?.pod !== top || entry.place !== 'backoff') {
        this.backoff.pop();
        continue;
      }
      if (top.backoffUntil > now) return this.armBackoff(top.backoffUntil);
      this.backoff.pop();
      this.toActive(top);
    }
  }

  /** Every 30 s, pods parked longer than maxUnschedulable go back to try again. */
  private armFlush(): void {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = undefined;
      const now = this.clock.now();
      for (const pod of [...this.parked.values()]) if (now - pod.unschedulableSince >= this.maxUnschedulable) this.release(pod);
      if (this.parked.size > 0) this.armFlush();
    }, 30_000);
  }
}
