// An in-memory Store for unit and API tests: same contract as server/store (global resourceVersion,
// preconditions, generation, finalizers, graceful deletion, replayable watch with 410 Gone), no disk.

import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject, ObjectRef } from '../../../shared/api/types';
import { alreadyExists, conflict, FlotillaError, notFound } from '../../../shared/errors';
import type { DeleteOptions, DeleteResult, ListOptions, ListResult, Preconditions, Store, StoreEvent, WatchOptions } from '../types';

export interface MemoryStoreOptions {
  /** Injected clock for creationTimestamp/deletionTimestamp. */
  now?: () => Date;
  /** How many events a watch can replay; older resourceVersions get 410 Gone. Default 1000. */
  bufferSize?: number;
}

interface Watcher {
  options: WatchOptions;
  onEvent: (event: StoreEvent) => void;
}

const MODIFIED_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

function splitResource(resource: string): { plural: string; group: string } {
  const dot = resource.indexOf('.');
  return dot < 0 ? { plural: resource, group: '' } : { plural: resource.slice(0, dot), group: resource.slice(dot + 1) };
}

function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class MemoryStore implements Store {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly buffer: StoreEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 0;
  private readonly now: () => Date;
  private readonly bufferSize: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.bufferSize = options.bufferSize ?? 1000;
  }

  async open(): Promise<void> {}
  async close(): Promise<void> {
    this.watchers.clear();
  }

  currentResourceVersion(): string {
    return String(this.rv);
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const obj = this.bucket(ref.resource).get(keyOf(ref.namespace, ref.name));
    return obj && copy(obj);
  }

  async list(resource: string, options: ListOptions = {}): Promise<ListResult> {
    const items: KubeObject[] = [];
    for (const obj of this.bucket(resource).values()) {
      if (options.namespace === undefined || obj.metadata.namespace === options.namespace) items.push(copy(obj));
    }
    items.sort((a, b) => keyOf(a.metadata.namespace, a.metadata.name ?? '').localeCompare(keyOf(b.metadata.namespace, b.metadata.name ?? '')));
    return { items, resourceVersion: this.currentResourceVersion() };
  }

  async create(resource: string, object: KubeObject): Promise<KubeObject> {
    const obj = copy(object);
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomUUID().replace(/-/g, '').slice(0, 5);
    const name = meta.name;
    if (!name) throw new FlotillaError('BadRequest', 'metadata.name or metadata.generateName is required');
    const bucket = this.bucket(resource);
    const key = keyOf(meta.namespace, name);
    const { plural, group } = splitResource(resource);
    if (bucket.has(key)) throw alreadyExists(plural, name, group);
    meta.uid ||= randomUUID();
    meta.creationTimestamp = timestamp(this.now());
    if (obj.spec !== undefined) meta.generation = 1;
    delete meta.deletionTimestamp;
    return this.commit(resource, key, obj, 'ADDED');
  }

  async update(resource: string, object: KubeObject): Promise<KubeObject> {
    const name = object.metadata.name ?? '';
    const key = keyOf(object.metadata.namespace, name);
    const current = this.bucket(resource).get(key);
    const { plural, group } = splitResource(resource);
    if (!current) throw notFound(plural, name, group);
    this.checkPreconditions(resource, current, { resourceVersion: object.metadata.resourceVersion });
    return this.replace(resource, key, current, copy(object));
  }

  async guaranteedUpdate(ref: ObjectRef, mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>, options: { preconditions?: Preconditions } = {}): Promise<KubeObject> {
    const key = keyOf(ref.namespace, ref.name);
    const { plural, group } = splitResource(ref.resource);
    // Like the real store, concurrent guaranteedUpdates never conflict: a write that lands while
    // `mutate` runs makes it run again on the newer object.
    for (;;) {
      const current = this.bucket(ref.resource).get(key);
      if (!current) throw notFound(plural, ref.name, group);
      this.checkPreconditions(ref.resource, current, options.preconditions ?? {});
      const next = copy(await mutate(copy(current)));
      if (this.bucket(ref.resource).get(key) !== current) continue;
      return this.finishUpdate(ref.resource, key, current, next);
    }
  }

  private finishUpdate(resource: string, key: string, current: KubeObject, next: KubeObject): KubeObject {
    delete next.metadata.resourceVersion;
    if (isDeepStrictEqual({ ...next, metadata: { ...next.metadata, resourceVersion: current.metadata.resourceVersion } }, current)) return copy(current);
    return this.replace(resource, key, current, next);
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<DeleteResult> {
    const key = keyOf(ref.namespace, ref.name);
    const bucket = this.bucket(ref.resource);
    const current = bucket.get(key);
    const { plural, group } = splitResource(ref.resource);
    if (!current) throw notFound(plural, ref.name, group);
    this.checkPreconditions(ref.resource, current, options.preconditions ?? {});
    const grace = options.gracePeriodSeconds ?? 0;
    if ((current.metadata.finalizers?.length ?? 0) > 0 || grace > 0) {
      if (current.metadata.deletionTimestamp && grace <= 0) return { object: copy(current), deleted: false };
      const next = copy(current);
      next.metadata.deletionTimestamp ??= timestamp(new Date(this.now().getTime() + grace * 1000));
      if (grace > 0) next.metadata.deletionGracePeriodSeconds = grace;
      else next.metadata.deletionGracePeriodSeconds ??= 0;
      return { object: this.commit(ref.resource, key, next, 'MODIFIED', current), deleted: false };
    }
    bucket.delete(key);
    const gone = copy(current);
    return { object: this.emit(ref.resource, gone, 'DELETED', current), deleted: true };
  }

  watch(options: WatchOptions, onEvent: (event: StoreEvent) => void): () => void {
    const from = options.resourceVersion && options.resourceVersion !== '0' ? Number(options.resourceVersion) : this.rv;
    if (!Number.isInteger(from) || from < 0) throw new FlotillaError('BadRequest', `invalid resourceVersion: "${options.resourceVersion ?? ''}"`);
    const oldest = this.buffer[0]?.rv ?? this.rv + 1;
    if (from < oldest - 1 && from < this.rv) throw new FlotillaError('Gone', `too old resource version: ${from} (${oldest - 1})`);
    const watcher: Watcher = { options, onEvent };
    for (const event of this.buffer) if (event.rv > from && this.matches(watcher, event)) onEvent(copy(event));
    this.watchers.add(watcher);
    const stop = (): void => {
      this.watchers.delete(watcher);
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    return stop;
  }

  /** Test helper: how many watches are open. */
  watcherCount(): number {
    return this.watchers.size;
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let b = this.objects.get(resource);
    if (!b) {
      b = new Map();
      this.objects.set(resource, b);
    }
    return b;
  }

  private checkPreconditions(resource: string, current: KubeObject, pre: Preconditions): void {
    const { plural, group } = splitResource(resource);
    const name = current.metadata.name ?? '';
    if (pre.uid && pre.uid !== current.metadata.uid) {
      throw conflict(plural, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`, group);
    }
    if (pre.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) throw conflict(plural, name, MODIFIED_MESSAGE, group);
  }

  private replace(resource: string, key: string, current: KubeObject, next: KubeObject): KubeObject {
    next.metadata.uid = current.metadata.uid;
    next.metadata.creationTimestamp = current.metadata.creationTimestamp;
    const gen = current.metadata.generation;
    if (gen !== undefined || next.spec !== undefined) {
      next.metadata.generation = !isDeepStrictEqual(current.spec, next.spec) ? (gen ?? 0) + 1 : (gen ?? 1);
    }
    if (current.metadata.deletionTimestamp) next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    if (current.metadata.deletionGracePeriodSeconds !== undefined) next.metadata.deletionGracePeriodSeconds ??= current.metadata.deletionGracePeriodSeconds;
    // Removing the last finalizer of an object being deleted finishes the deletion.
    if (next.metadata.deletionTimestamp && (current.metadata.finalizers?.length ?? 0) > 0 && (next.metadata.finalizers?.length ?? 0) === 0) {
      this.bucket(resource).delete(key);
      return this.emit(resource, next, 'DELETED', current);
    }
    return this.commit(resource, key, next, 'MODIFIED', current);
  }

  private commit(resource: string, key: string, obj: KubeObject, type: 'ADDED' | 'MODIFIED', prev?: KubeObject): KubeObject {
    const prevJson = prev && JSON.stringify(prev);
    const stored = this.emitPrepare(obj);
    this.bucket(resource).set(key, stored);
    this.publish({ type, resource, object: copy(stored), rv: this.rv, ...(prevJson !== undefined ? { prevJson } : {}) });
    return copy(stored);
  }

  private emit(resource: string, obj: KubeObject, type: 'DELETED', prev: KubeObject): KubeObject {
    const prevJson = JSON.stringify(prev);
    const stored = this.emitPrepare(obj);
    this.publish({ type, resource, object: copy(stored), rv: this.rv, prevJson });
    return copy(stored);
  }

  private emitPrepare(obj: KubeObject): KubeObject {
    this.rv += 1;
    obj.metadata.resourceVersion = String(this.rv);
    return obj;
  }

  private publish(event: StoreEvent): void {
    this.buffer.push(event);
    if (this.buffer.length > this.bufferSize) this.buffer.shift();
    for (const w of [...this.watchers]) if (this.matches(w, event)) w.onEvent(copy(event));
  }

  private matches(w: Watcher, event: StoreEvent): boolean {
    if (w.options.resource !== undefined && w.options.resource !== event.resource) return false;
    if (w.options.namespace !== undefined && w.options.namespace !== event.object.metadata.namespace) return false;
    return true;
  }
}
