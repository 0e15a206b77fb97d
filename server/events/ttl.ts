// Event expiry (kube-apiserver's --event-ttl, 1 h by default): an Event is deleted one TTL after it
// was last written. Kubernetes does it with an etcd lease per Event; here one watch keeps every
// Event's last write time in a Map ordered by it, and a sweep every minute deletes the expired
// head. Without it a fleet's Events (joins, NodeReady/NotReady, scheduling, kubelet events from
// every device) pile up in the store and in memory for ever.

import type { KubeObject } from '../../shared/api/types';
import { realClock, type Clock, type TimerHandle } from '../../shared/clock';
import { isFlotillaError } from '../../shared/errors';
import type { Store } from '../store/types';

export const DEFAULT_EVENT_TTL_MS = 60 * 60_000;
const SWEEP_EVERY_MS = 60_000;

export interface EventTtlOptions {
  store: Store;
  clock?: Clock;
  /** How long an Event lives after its last write. Default DEFAULT_EVENT_TTL_MS. */
  ttlMs?: number;
  logger: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

interface Entry {
  namespace: string;
  name: string;
  resourceVersion: string;
  /** When the Event was last written (ms); the Map is ordered by it. */
  writtenAt: number;
}

/** The latest of an Event's own timestamps (for Events stored before this process started). */
function timestampsOf(e: KubeObject): number {
  const o = e as KubeObject & { lastTimestamp?: string; eventTime?: string; series?: { lastObservedTime?: string } };
  const times = [o.lastTimestamp, o.eventTime, o.series?.lastObservedTime, e.metadata.creationTimestamp].map((t) => (t ? Date.parse(t) : NaN)).filter(Number.isFinite);
  return times.length > 0 ? Math.max(...times) : NaN;
}

export class EventTtl {
  private readonly clock: Clock;
  private readonly ttl: number;
  /** "ns/name" → entry, in order of last write (a write moves its entry to the end). */
  private readonly entries = new Map<string, Entry>();
  private unsubscribe: (() => void) | undefined;
  private timer: TimerHandle | undefined;
  /** Sweeps run one after the other; `sweeping` is set while the timer's one runs. */
  private chain: Promise<unknown> = Promise.resolve();
  private sweeping = false;
  private stopped = false;

  constructor(private readonly options: EventTtlOptions) {
    this.clock = options.clock ?? realClock;
    this.ttl = options.ttlMs ?? DEFAULT_EVENT_TTL_MS;
  }

  /** Lists the Events, follows their changes, and starts sweeping every minute. */
  async start(): Promise<void> {
    const { store } = this.options;
    const listed = await store.list('events');
    const now = this.clock.now();
    // Stored before this process: by their own timestamps, never later than a TTL from now.
    const initial = listed.items.map((e) => ({ e, at: Math.min(timestampsOf(e) || now, now) })).sort((a, b) => a.at - b.at);
    for (const { e, at } of initial) this.track(e, at);
    this.unsubscribe = store.watch({ resource: 'events', resourceVersion: listed.resourceVersion }, (ev) => {
      const key = `${ev.object.metadata.namespace ?? ''}/${ev.object.metadata.name ?? ''}`;
      this.entries.delete(key);
      if (ev.type !== 'DELETED') this.track(ev.object, this.clock.now());
    });
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.timer?.cancel();
  }

  /** Deletes every expired Event now (after a sweep already running); resolves with how many went. */
  sweep(): Promise<number> {
    const run = this.chain.then(() => this.runSweep());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private track(e: KubeObject, writtenAt: number): void {
    const namespace = e.metadata.namespace ?? '';
    const name = e.metadata.name ?? '';
    this.entries.set(`${namespace}/${name}`, { namespace, name, resourceVersion: e.metadata.resourceVersion ?? '', writtenAt });
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.schedule();
      if (this.sweeping) return; // a long sweep is still deleting: the next tick looks again
      this.sweeping = true;
      void this.sweep()
        .catch((err: unknown) => this.options.logger.warn({ err }, 'event ttl: sweep failed'))
        .finally(() => (this.sweeping = false));
    }, SWEEP_EVERY_MS);
  }

  private async runSweep(): Promise<number> {
    const cutoff = this.clock.now() - this.ttl;
    const expired: Array<[string, Entry]> = [];
    for (const [key, entry] of this.entries) {
      if (entry.writtenAt > cutoff) break;
      expired.push([key, entry]);
    }
    let deleted = 0;
    for (const [key, entry] of expired) {
      if (this.stopped) break;
      try {
        // A precondition on the version seen: an Event written again meanwhile lives on.
        await this.options.store.delete({ resource: 'events', namespace: entry.namespace, name: entry.name }, { preconditions: { resourceVersion: entry.resourceVersion } });
        deleted++;
      } catch (err) {
        if (isFlotillaError(err, 'NotFound')) this.entries.delete(key);
        else if (!isFlotillaError(err, 'Conflict')) throw err;
      }
    }
    if (deleted > 0) this.options.logger.info({ deleted, ttlMs: this.ttl }, 'event ttl: expired events deleted');
    return deleted;
  }
}
