// Watch fan-out: replays from the event buffer, then delivers live events to every matching watcher.

import { FlotillaError, badRequest } from '../../shared/errors';
import { EventBuffer } from './event-buffer';
import type { StoreEvent, WatchOptions } from './types';

interface Watcher {
  resource: string | undefined;
  namespace: string | undefined;
  onEvent: (event: StoreEvent) => void;
  /** Set while the replay is pending: live events wait here so they follow the replayed ones. */
  backlog: StoreEvent[] | undefined;
  closed: boolean;
}

const ALL = '';

/**
 * Watchers are grouped by resource, so publishing costs one callback per interested watcher and no
 * per-watcher queue. Every watcher receives the same deeply frozen event object.
 */
export class WatchHub {
  private readonly byResource = new Map<string, Set<Watcher>>();
  private watchers = 0;

  constructor(
    readonly buffer: EventBuffer,
    private readonly onWatcherError: (err: unknown) => void,
  ) {}

  get watcherCount(): number {
    return this.watchers;
  }

  /** Records a committed event and delivers it. Called in resourceVersion order, once per rv. */
  publish(event: StoreEvent): void {
    this.buffer.push(event);
    const all = this.byResource.get(ALL);
    if (all) for (const w of all) this.deliver(w, event);
    const some = this.byResource.get(event.resource);
    if (some) for (const w of some) this.deliver(w, event);
  }

  /** See Store.watch. `currentRv` is the newest published version. */
  watch(options: WatchOptions, onEvent: (event: StoreEvent) => void, currentRv: number): () => void {
    const from = parseVersion(options.resourceVersion, currentRv);
    if (from > currentRv) {
      throw new FlotillaError('Timeout', `Too large resource version: ${from}, current: ${currentRv}`);
    }
    if (from < this.buffer.startRv) {
      throw new FlotillaError('Gone', `too old resource version: ${from} (${this.buffer.startRv + 1})`);
    }
    const w: Watcher = { resource: options.resource, namespace: options.namespace, onEvent, backlog: undefined, closed: false };
    if (options.signal?.aborted) return () => {};
    const replay = from < currentRv ? this.buffer.since(from, (e) => matches(w, e)) : [];
    if (replay.length > 0) {
      w.backlog = [];
      queueMicrotask(() => this.replay(w, replay));
    }
    const group = w.resource ?? ALL;
    let set = this.byResource.get(group);
    if (!set) this.byResource.set(group, (set = new Set()));
    set.add(w);
    this.watchers++;
    const signal = options.signal;
    const stop = (): void => {
      if (w.closed) return;
      w.closed = true;
      this.watchers--;
      const s = this.byResource.get(group);
      s?.delete(w);
      if (s && s.size === 0) this.byResource.delete(group);
      signal?.removeEventListener('abort', stop);
    };
    signal?.addEventListener('abort', stop, { once: true });
    return stop;
  }

  /** Drops every watcher (the store is closing). */
  clear(): void {
    for (const set of this.byResource.values()) for (const w of set) w.closed = true;
    this.byResource.clear();
    this.watchers = 0;
  }

  private replay(w: Watcher, events: StoreEvent[]): void {
    for (const e of events) this.call(w, e);
    const backlog = w.backlog ?? [];
    w.backlog = undefined;
    for (const e of backlog) this.call(w, e);
  }

  private deliver(w: Watcher, event: StoreEvent): void {
    if (!matches(w, event)) return;
    if (w.backlog) w.backlog.push(event);
    else this.call(w, event);
  }

  private call(w: Watcher, event: StoreEvent): void {
    if (w.closed) return;
    try {
      w.onEvent(event);
    } catch (err) {
      // A throwing watcher breaks its own contract; it is dropped so the others keep their order.
      w.closed = true;
      this.watchers--;
      const group = w.resource ?? ALL;
      this.byResource.get(group)?.delete(w);
      this.onWatcherError(err);
    }
  }
}

function matches(w: Watcher, e: StoreEvent): boolean {
  if (w.resource !== undefined && w.resource !== e.resource) return false;
  return w.namespace === undefined || w.namespace === (e.object.metadata.namespace ?? '');
}

function parseVersion(rv: string | undefined, currentRv: number): number {
  if (rv === undefined || rv === '' || rv === '0') return currentRv;
  if (!/^[0-9]+$/.test(rv)) throw badRequest(`resourceVersion must be a decimal number: got ${JSON.stringify(rv)}`);
  return Number(rv);
}
