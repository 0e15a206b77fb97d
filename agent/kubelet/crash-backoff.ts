// CrashLoopBackOff and image-pull back-off as the kubelet keeps them (client-go flowcontrol.Backoff): per key,
// the delay starts at `initialMs` and doubles with every restart up to `maxMs`; a failure more than 2 × maxMs
// (10 min by default) after the last recorded one, i.e. after running that long, starts over.

import type { Clock } from '../../shared/clock';

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** Kubernetes' values: 10 s doubling to 5 min. */
export const CRASH_LOOP_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 300_000 };

interface Entry {
  delayMs: number;
  /** The event time (a container's finish) of the last recorded restart. */
  lastUpdate: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock, readonly policy: BackoffPolicy = CRASH_LOOP_BACKOFF) {}

  /** Records a restart for a failure at `eventTime`: the next wait doubles, or starts over if the entry expired. */
  next(key: string, eventTime: number): number {
    const entry = this.entries.get(key);
    const delayMs = !entry || this.expired(entry, eventTime) ? this.policy.initialMs : Math.min(entry.delayMs * 2, this.policy.maxMs);
    this.entries.set(key, { delayMs, lastUpdate: eventTime });
    return delayMs;
  }

  /**
   * How much longer `key` must wait after a failure at `eventTime`: 0 when it may restart now (the caller then
   * records the restart with `next`). A key without a recorded restart never waits: the first restart is at once.
   */
  remaining(key: string, eventTime: number): number {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, eventTime)) return 0;
    return Math.max(0, eventTime + entry.delayMs - this.clock.now());
  }

  /** The current delay of `key` in ms (0 if none): what "back-off 40s" reports. */
  delay(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** Forgets every key starting with `prefix` (a pod's keys, when it goes). */
  forgetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private expired(entry: Entry, eventTime: number): boolean {
    return eventTime - entry.lastUpdate > 2 * this.policy.maxMs;
  }
}
