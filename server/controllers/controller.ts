// The controller runner (controller-runtime style): watches feed keys into a WorkQueue; workers
// call `reconcile(key)`, which reads the store and makes the world match. Level-triggered: the
// event only says "look at this key", never what to do.

import type { Logger } from 'pino';
import { isFlotillaError } from '../../shared/errors';
import type { Clock } from '../../shared/clock';
import { WorkQueue } from '../../shared/workqueue';
import type { KubeObject } from '../../shared/api/types';
import type { Cached, Informer } from '../informer/informer';
import type { Store, StoreEvent, StoreEventType } from '../store/types';

export interface ReconcileResult {
  /** Look at the key again after this many ms even if nothing changes. */
  requeueAfterMs?: number;
}

/** A shared informer whose changes are mapped to keys; build one with informerWatch(). */
export interface InformerWatch {
  /** Starts (or joins) the informer; resolves when its cache is synced. */
  start(): Promise<void>;
  /** Subscribes: `add` is called with every key a change concerns, starting with a replay of the cache. */
  subscribe(add: (key: string) => void): void;
}

/**
 * Maps changes seen by `informer` to keys. `keysFor` runs after the informer's cache applied the
 * change, so a reconcile started from it reads at least that state. Must not throw or block.
 */
export function informerWatch<T extends KubeObject>(informer: Informer<T>, keysFor: (type: StoreEventType, obj: Cached<T>, old: Cached<T> | undefined) => string[]): InformerWatch {
  return {
    start: () => informer.start(),
    subscribe: (add) =>
      informer.onChange((type, obj, old) => {
        for (const key of keysFor(type, obj, old)) add(key);
      }),
  };
}

export interface Reconciler {
  readonly name: string;
  /** Which store changes concern which keys. `resource` is watched; `keysFor` maps an event to keys ("ns/name"). */
  readonly watches: ReadonlyArray<{ resource: string; keysFor(event: StoreEvent): string[] }>;
  /** The resource whose keys are enqueued in full at start (level-triggered resync); usually the primary one. */
  readonly primary: string;
  /**
   * Informer-fed reconcilers (they read their caches, not the store) list their sources here
   * instead of `watches`; the runner starts those informers, and their replay of the cache at
   * subscription enqueues every existing key (the initial resync). `primary` is then unused.
   */
  readonly informerWatches?: ReadonlyArray<InformerWatch>;
  /** Idempotent. Throwing retries with backoff, except for terminal errors (Invalid, BadRequest, Forbidden). */
  reconcile(key: string): Promise<ReconcileResult | void>;
}

const TERMINAL = new Set(['Invalid', 'BadRequest', 'Forbidden']);

export function objectKey(namespace: string | undefined, name: string | undefined): string {
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export function ownKey(event: StoreEvent): string[] {
  return [objectKey(event.object.metadata.namespace, event.object.metadata.name)];
}

export interface ControllerOptions {
  store: Store;
  logger: Logger;
  workers?: number;
  clock?: Clock;
}

export class Controller {
  private readonly queue: WorkQueue;
  private readonly unsubscribes: Array<() => void> = [];
  private running: Promise<void>[] = [];
  private working = 0;

  constructor(
    private readonly reconciler: Reconciler,
    private readonly options: ControllerOptions,
  ) {
    this.queue = new WorkQueue({ clock: options.clock });
  }

  async start(): Promise<void> {
    const workers = this.options.workers ?? 1;
    const sources = this.reconciler.informerWatches;
    if (sources) {
      await Promise.all(sources.map((w) => w.start()));
      for (const w of sources) w.subscribe((key) => this.queue.add(key));
      this.running = Array.from({ length: workers }, () => this.work());
      return;
    }
    const { store } = this.options;
    const listed = await store.list(this.reconciler.primary);
    for (const w of this.reconciler.watches) {
      this.unsubscribes.push(
        store.watch({ resource: w.resource, resourceVersion: listed.resourceVersion }, (event) => {
          for (const key of w.keysFor(event)) this.queue.add(key);
        }),
      );
    }
    for (const item of listed.items) this.queue.add(objectKey(item.metadata.namespace, item.metadata.name));
    this.running = Array.from({ length: workers }, () => this.work());
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribes.splice(0)) u();
    this.queue.shutDown();
    await Promise.all(this.running);
  }

  /** For tests and callers that know a key needs a look. */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Keys waiting (not counting delayed ones or those being worked on). */
  get pending(): number {
    return this.queue.length;
  }

  /** Nothing queued and no reconcile running (delayed requeues may still be pending). */
  get idle(): boolean {
    return this.queue.length === 0 && this.working === 0;
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      this.working++;
      try {
        const result = await this.reconciler.reconcile(key);
        this.queue.forget(key);
        if (result && result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        const terminal = isFlotillaError(err) && TERMINAL.has(err.code);
        this.options.logger.warn({ controller: this.reconciler.name, key, err, retry: !terminal }, 'reconcile failed');
        if (!terminal) this.queue.addRateLimited(key);
      } finally {
        this.working--;
        this.queue.done(key);
      }
    }
  }
}
