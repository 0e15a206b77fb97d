// A Store whose watchers hear every change a little late (on a later turn of the event loop), like
// informers over a real network watch. Controllers must not act twice on a cache that has not yet
// seen their own writes; tests use this to prove they don't.

import type { KubeObject, ObjectRef } from '../../../shared/api/types';
import type { DeleteOptions, DeleteResult, ListOptions, ListResult, Preconditions, Store, StoreEvent, WatchOptions } from '../../store/types';

export class LaggingStore implements Store {
  constructor(
    private readonly inner: Store,
    /** Event-loop turns (setImmediate) each event waits before delivery. */
    private readonly turns = 3,
  ) {}

  open(): Promise<void> {
    return this.inner.open();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  currentResourceVersion(): string {
    return this.inner.currentResourceVersion();
  }
  get(ref: ObjectRef): Promise<KubeObject | undefined> {
    return this.inner.get(ref);
  }
  list(resource: string, options?: ListOptions): Promise<ListResult> {
    return this.inner.list(resource, options);
  }
  create(resource: string, object: KubeObject): Promise<KubeObject> {
    return this.inner.create(resource, object);
  }
  update(resource: string, object: KubeObject): Promise<KubeObject> {
    return this.inner.update(resource, object);
  }
  guaranteedUpdate(ref: ObjectRef, mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>, options?: { preconditions?: Preconditions }): Promise<KubeObject> {
    return this.inner.guaranteedUpdate(ref, mutate, options);
  }
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<DeleteResult> {
    return this.inner.delete(ref, options);
  }

  watch(options: WatchOptions, onEvent: (event: StoreEvent) => void): () => void {
    let open = true;
    const queue: StoreEvent[] = [];
    const later = (n: number, fn: () => void): void => {
      if (n <= 0) fn();
      else setImmediate(() => later(n - 1, fn));
    };
    const stop = this.inner.watch(options, (event) => {
      queue.push(event);
      later(this.turns, () => {
        const next = queue.shift();
        if (open && next) onEvent(next);
      });
    });
    return () => {
      open = false;
      stop();
    };
  }
}
