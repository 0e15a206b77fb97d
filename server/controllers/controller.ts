// The controller runner (controller-runtime style): watches feed keys into a WorkQueue; workers
// call `reconcile(key)`, which reads the store and makes the world match. Level-triggered: the
// event only says "look at this key", never what to do.

import type { Logger } from 'pino';
import { isFlotillaError } from '../../shared/errors';
import type { Clock } from '../../shared/clock';
import { WorkQueue } from '../../shared/workqueue';
import type { Store, StoreEvent } from '../store/types';

export interface ReconcileResult {
  /** Look at the key again after this many ms even if nothing changes. */
  requeueAfterMs?: number;
}

export interface Reconciler {
  readonly name: string;
  /** Which store changes concern which keys. `resource` is watched; `keysFor` maps an event to keys ("ns/name"). */
  readonly watches: ReadonlyArray<{ resource: string; keysFor(event: StoreEvent): string[] }>;
  /** The resource whose keys are enqueued in full at start (level-triggered resync); usually the primary one. */
  readonly primary: string;
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

  constructor(
    private readonly reconciler: Reconciler,
    private readonly options: ControllerOptions,
  ) {
    this.queue = new WorkQueue({ clock: options.clock });
  }

  async start(): Promise<void> {
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
    const workers = this.options.workers ?? 1;
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

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        const result = await this.reconciler.reconcile(key);
        this.queue.forget(key);
        if (result && result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        const terminal = isFlotillaError(err) && TERMINAL.has(err.code);
        this.options.logger.warn({ controller: this.reconciler.name, key, err, retry: !terminal }, 'reconcile failed');
        if (!terminal) this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}
