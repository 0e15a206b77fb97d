// A watch-fed cache of one store resource (client-go's shared informer): list once, then follow the
// store's watch; lookups by `ns/name` key and by named indexes; handlers hear every change. A watch
// that falls too far behind (410 Gone) relists and reports the differences as events.

import type { KubeObject } from '../../shared/api/types';
import { isFlotillaError } from '../../shared/errors';
import type { Store, StoreEvent, StoreEventType } from '../store/types';

/** Cached objects are shared and frozen: read them, copy before changing. */
export type Cached<T extends KubeObject = KubeObject> = Readonly<T>;

/**
 * Called for every change after the cache has applied it. `old` is the previous cached object
 * (undefined for ADDED). Must not throw and must not block; enqueue keys and return.
 */
export type InformerHandler<T extends KubeObject = KubeObject> = (type: StoreEventType, obj: Cached<T>, old: Cached<T> | undefined) => void;

/** Maps an object to the index values it is found under (e.g. a pod to its node name). */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: Cached<T>) => string[];

export function keyOf(obj: Pick<KubeObject, 'metadata'>): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}

function freeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) freeze(v);
  }
  return value;
}

export class Informer<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, Cached<T>>();
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  /** index name → value → keys */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly handlers: InformerHandler<T>[] = [];
  private unsubscribe: (() => void) | undefined;
  private started: Promise<void> | undefined;
  private stopped = false;
  private lastRv = '0';

  constructor(
    private readonly store: Store,
    readonly resource: string,
  ) {}

  /** Registers an index. Call before start(). */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.started) throw new Error(`informer ${this.resource}: addIndex("${name}") after start`);
    this.indexFuncs.set(name, fn);
    this.indexes.set(name, new Map());
  }

  /** Adds a handler; objects already cached are replayed to it as ADDED. */
  onChange(handler: InformerHandler<T>): void {
    this.handlers.push(handler);
    for (const obj of this.items.values()) handler('ADDED', obj, undefined);
  }

  /** Lists and starts watching; resolves once the cache holds the listed state. Idempotent. */
  start(): Promise<void> {
    this.started ??= this.relist();
    return this.started;
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  get(key: string): Cached<T> | undefined {
    return this.items.get(key);
  }

  /** Every cached object, or those of one namespace. */
  list(namespace?: string): Cached<T>[] {
    if (namespace === undefined) return [...this.items.values()];
    const out: Cached<T>[] = [];
    for (const obj of this.items.values()) if (obj.metadata.namespace === namespace) out.push(obj);
    return out;
  }

  /** Objects whose index `name` yields `value`. */
  byIndex(name: string, value: string): Cached<T>[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`informer ${this.resource}: no index "${name}"`);
    const out: Cached<T>[] = [];
    for (const key of index.get(value) ?? []) {
      const obj = this.items.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  get size(): number {
    return this.items.size;
  }

  /** The resourceVersion the cache reflects. */
  get resourceVersion(): string {
    return this.lastRv;
  }

  private async relist(): Promise<void> {
    this.unsubscribe?.();
    const listed = await this.store.list(this.resource);
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const item of listed.items) {
      const obj = freeze(item as T);
      const key = keyOf(obj);
      seen.add(key);
      const old = this.items.get(key);
      if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) continue;
      this.put(key, obj, old);
    }
    for (const [key, old] of [...this.items]) if (!seen.has(key)) this.remove(key, old);
    this.lastRv = listed.resourceVersion;
    this.subscribe(listed.resourceVersion);
  }

  private subscribe(fromRv: string): void {
    try {
      this.unsubscribe = this.store.watch({ resource: this.resource, resourceVersion: fromRv }, (event) => this.apply(event));
    } catch (err) {
      if (!isFlotillaError(err, 'Gone')) throw err;
      void this.relist();
    }
  }

  private apply(event: StoreEvent): void {
    const obj = event.object as Cached<T>;
    const key = keyOf(obj);
    const old = this.items.get(key);
    this.lastRv = obj.metadata.resourceVersion ?? this.lastRv;
    if (event.type === 'DELETED') {
      if (old) this.remove(key, old, obj);
      return;
    }
    this.put(key, obj, old);
  }

  private put(key: string, obj: Cached<T>, old: Cached<T> | undefined): void {
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexFuncs) {
      const index = this.indexes.get(name);
      if (!index) continue;
      for (const value of fn(obj)) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
    const type: StoreEventType = old ? 'MODIFIED' : 'ADDED';
    for (const h of this.handlers) h(type, obj, old);
  }

  private remove(key: string, old: Cached<T>, final: Cached<T> = old): void {
    this.unindex(key, old);
    this.items.delete(key);
    for (const h of this.handlers) h('DELETED', final, old);
  }

  private unindex(key: string, obj: Cached<T>): void {
    for (const [name, fn] of this.indexFuncs) {
      const index = this.indexes.get(name);
      if (!index) continue;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys && keys.size === 0) index.delete(value);
      }
    }
  }
}

/** One informer per resource, shared by every controller and the scheduler of a server. */
export class InformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();

  constructor(private readonly store: Store) {}

  for<T extends KubeObject = KubeObject>(resource: string): Informer<T> {
    let informer = this.informers.get(resource);
    if (!informer) this.informers.set(resource, (informer = new Informer(this.store, resource)));
    return informer as unknown as Informer<T>;
  }

  /** Starts every informer asked for so far; resolves when all have synced. */
  async start(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  stop(): void {
    for (const i of this.informers.values()) i.stop();
  }
}
