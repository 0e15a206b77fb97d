// The Store on NeDB: an in-memory index answers reads, NeDB is the durable log, a sequencer turns
// persisted writes into events in resourceVersion order.

import { randomUUID } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject, ObjectRef } from '../../shared/api/types';
import type { Clock } from '../../shared/clock';
import { FlotillaError, alreadyExists, badRequest, notFound } from '../../shared/errors';
import { lockDir } from './dir-lock';
import { EventBuffer } from './event-buffer';
import { NedbLog } from './nedb-log';
import { carrySystemFields, checkShape, cloneJson, deepEqual, deepFreeze, formatTimestamp, generatedName, parseKey, shouldRemoveAfterUpdate, storeKey } from './object-meta';
import { ObjectIndex } from './object-index';
import { KeyLock } from './key-lock';
import { checkPreconditions, checkUpdateVersion, storeClosed, storeFailed } from './preconditions';
import { Sequencer, type Write } from './sequencer';
import type { DeleteOptions, DeleteResult, ListOptions, ListResult, Preconditions, Store, StoreEvent, WatchOptions } from './types';
import { WatchHub } from './watch-hub';

/** 10,000 events ≈ 5 s of history at 2,000 writes/s, minutes at a fleet's usual pace; ≈ 2× object size each. */
export const DEFAULT_EVENT_BUFFER_SIZE = 10_000;

/** The slice of a pino Logger the store uses (compaction and watcher failures). */
export interface StoreLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

export interface NedbStoreOptions {
  /** Data directory, created if missing. Holds `objects.db` (the NeDB datafile) and `LOCK`. */
  dir: string;
  /** fsync (group commit) before acknowledging a write, so it survives power loss. Default false. */
  durable?: boolean;
  /** Events kept for watch replay; older versions get 410 Gone. Default DEFAULT_EVENT_BUFFER_SIZE. */
  eventBufferSize?: number;
  /** Compact once the datafile exceeds `ratio` × the live data and by at least `minGarbageBytes`. Defaults 2 and 8 MiB. */
  compaction?: { ratio?: number; minGarbageBytes?: number };
  clock?: Pick<Clock, 'now'>;
  /** Randomness for generateName suffixes, in [0, 1). Default Math.random. */
  random?: () => number;
  uid?: () => string;
  /** Called with the error of a watch callback that threw (that watcher is dropped). Default: logger.warn. */
  onWatcherError?: (err: unknown) => void;
  logger?: StoreLogger;
}

export interface StoreStats {
  objects: number;
  liveBytes: number;
  /** Estimated datafile size: live records plus the garbage appended since the last compaction. */
  fileBytes: number;
  compactions: number;
  fsyncs: number;
  watchers: number;
}

type State = 'new' | 'opening' | 'open' | 'closing' | 'closed';

const MAX_GENERATE_ATTEMPTS = 8;

export class NedbStore implements Store {
  private state: State = 'new';
  private log: NedbLog | undefined;
  private unlock: (() => Promise<void>) | undefined;
  private readonly index = new ObjectIndex();
  private readonly locks = new KeyLock();
  private hub: WatchHub | undefined;
  private sequencer: Sequencer | undefined;
  private fileBytes = 0;
  private compactAtBytes = 0;
  private compacting: Promise<void> | undefined;
  private compactions = 0;
  private active = 0;
  private idle: (() => void) | undefined;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly newUid: () => string;
  private readonly ratio: number;
  private readonly minGarbage: number;

  constructor(private readonly options: NedbStoreOptions) {
    const clock = options.clock;
    this.now = clock ? () => clock.now() : () => Date.now();
    this.random = options.random ?? Math.random;
    this.newUid = options.uid ?? randomUUID;
    this.ratio = options.compaction?.ratio ?? 2;
    this.minGarbage = options.compaction?.minGarbageBytes ?? 8 * 1024 * 1024;
    if (!(this.ratio > 1)) throw new RangeError(`compaction.ratio must be > 1: got ${this.ratio}`);
  }

  async open(): Promise<void> {
    if (this.state !== 'new') throw new FlotillaError('InternalError', `store ${this.options.dir} cannot be opened: it is ${this.state}`);
    this.state = 'opening';
    // Owner-only, like etcd's data dir: the datafile holds every Secret and token hash.
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    await chmod(this.options.dir, 0o700);
    const unlock = await lockDir(this.options.dir);
    try {
      const log = await NedbLog.open(join(this.options.dir, 'objects.db'), { durable: this.options.durable ?? false });
      const { records, maxRv } = await log.loadAll();
      for (const r of records) {
        const ref = parseKey(r.key);
        if (ref) this.index.set(r.key, ref.resource, ref.namespace ?? '', ref.name, { rv: r.rv, json: r.json });
      }
      const hub = new WatchHub(new EventBuffer(this.options.eventBufferSize ?? DEFAULT_EVENT_BUFFER_SIZE, maxRv), this.options.onWatcherError ?? ((err) => this.options.logger?.warn({ err }, 'store: a watch callback threw; watcher dropped')));
      this.sequencer = new Sequencer(maxRv, log, (w) => this.apply(w, hub), () => this.maybeCompact());
      this.hub = hub;
      this.log = log;
      this.fileBytes = this.index.liveBytes;
      this.unlock = unlock;
      this.state = 'open';
    } catch (err) {
      this.state = 'closed';
      await unlock();
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    if (this.active > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.compacting;
    await this.log?.sync();
    this.hub?.clear();
    await this.unlock?.();
    this.state = 'closed';
  }

  currentResourceVersion(): string {
    return String(this.seq().committedRv);
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    this.seq();
    const entry = this.index.get(ref.resource, ref.namespace ?? '', ref.name);
    return entry ? (JSON.parse(entry.json) as KubeObject) : undefined;
  }

  async list(resource: string, options: ListOptions = {}): Promise<ListResult> {
    const rv = this.seq().committedRv;
    const items = this.index.list(resource, options.namespace).map((e) => JSON.parse(e.json) as KubeObject);
    return { items, resourceVersion: String(rv) };
  }

  create(resource: string, object: KubeObject): Promise<KubeObject> {
    return this.track(async () => {
      checkShape(resource, object, true);
      const given = object.metadata.resourceVersion;
      if (given) throw badRequest(`${resource}: metadata.resourceVersion must not be set on create: got ${JSON.stringify(given)}`);
      const obj = cloneJson(object);
      const meta = obj.metadata;
      if (meta.namespace === '') delete meta.namespace;
      const ref: ObjectRef = { resource, namespace: meta.namespace, name: meta.name ?? this.freeName(resource, meta.namespace, meta.generateName ?? '') };
      const key = storeKey(ref);
      return this.locks.with(key, async () => {
        if (this.index.get(resource, ref.namespace ?? '', ref.name)) throw alreadyExists(resource, ref.name);
        meta.name = ref.name;
        meta.uid ||= this.newUid();
        meta.creationTimestamp = formatTimestamp(this.now());
        if (obj.spec !== undefined) meta.generation = 1;
        else delete meta.generation;
        delete meta.deletionTimestamp;
        delete meta.deletionGracePeriodSeconds;
        return JSON.parse(await this.write({ type: 'ADDED', key, ref, object: obj, remove: false })) as KubeObject;
      });
    });
  }

  update(resource: string, object: KubeObject): Promise<KubeObject> {
    return this.track(async () => {
      checkShape(resource, object, false);
      const ns = object.metadata.namespace || undefined;
      const ref: ObjectRef = { resource, namespace: ns, name: object.metadata.name ?? '' };
      const key = storeKey(ref);
      return this.locks.with(key, async () => {
        const current = this.current(ref);
        checkUpdateVersion(ref, current, object.metadata);
        return this.writeUpdate(key, ref, current, cloneJson(object));
      });
    });
  }

  guaranteedUpdate(ref: ObjectRef, mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>, options: { preconditions?: Preconditions } = {}): Promise<KubeObject> {
    return this.track(async () => {
      const key = storeKey(ref);
      return this.locks.with(key, async () => {
        const current = this.current(ref);
        checkPreconditions(ref, current, options.preconditions);
        const next = cloneJson(await mutate(cloneJson(current)));
        checkShape(ref.resource, next, false);
        return this.writeUpdate(key, ref, current, next);
      });
    });
  }

  delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<DeleteResult> {
    return this.track(async () => {
      const grace = options.gracePeriodSeconds ?? 0;
      if (!Number.isInteger(grace) || grace < 0) throw badRequest(`gracePeriodSeconds must be an integer ≥ 0: got ${grace}`);
      const key = storeKey(ref);
      return this.locks.with(key, async () => {
        const current = this.current(ref);
        checkPreconditions(ref, current, options.preconditions);
        const meta = current.metadata;
        const prevJson = this.currentJson(ref);
        if ((meta.finalizers ?? []).length === 0 && grace === 0) {
          const json = await this.write({ type: 'DELETED', key, ref, object: current, remove: true, prevJson });
          return { object: JSON.parse(json) as KubeObject, deleted: true };
        }
        const at = this.now() + grace * 1000;
        const shorter = meta.deletionTimestamp === undefined || grace < (meta.deletionGracePeriodSeconds ?? 0);
        if (!shorter) return { object: current, deleted: false };
        const existing = meta.deletionTimestamp === undefined ? Infinity : Date.parse(meta.deletionTimestamp);
        meta.deletionTimestamp = formatTimestamp(Math.min(at, existing));
        meta.deletionGracePeriodSeconds = grace;
        const json = await this.write({ type: 'MODIFIED', key, ref, object: current, remove: false, prevJson });
        return { object: JSON.parse(json) as KubeObject, deleted: false };
      });
    });
  }

  watch(options: WatchOptions, onEvent: (event: StoreEvent) => void): () => void {
    const rv = this.seq().committedRv;
    if (!this.hub) throw storeClosed(this.options.dir, this.state);
    return this.hub.watch(options, onEvent, rv);
  }

  /** Compacts the datafile now (normally the size policy triggers it). Resolves when done. */
  compact(): Promise<void> {
    const log = this.log;
    if (!log) return Promise.resolve();
    if (this.compacting) return this.compacting;
    const fileBefore = this.fileBytes;
    const live = this.index.liveBytes;
    const started = this.now();
    this.compacting = log
      .compact()
      .then(
        () => {
          this.compactions++;
          this.fileBytes = live + (this.fileBytes - fileBefore);
          this.compactAtBytes = 0;
          this.options.logger?.info({ objects: this.index.size, bytesBefore: fileBefore, ms: this.now() - started }, 'store: datafile compacted');
        },
        (err: unknown) => {
          // The old datafile stays valid; retry only after another minGarbage bytes.
          this.compactAtBytes = this.fileBytes + this.minGarbage;
          this.options.logger?.warn({ err }, 'store: compaction failed; will retry later');
        },
      )
      .finally(() => (this.compacting = undefined));
    return this.compacting;
  }

  stats(): StoreStats {
    return {
      objects: this.index.size,
      liveBytes: this.index.liveBytes,
      fileBytes: this.fileBytes,
      compactions: this.compactions,
      fsyncs: this.log?.fsyncCount ?? 0,
      watchers: this.hub?.watcherCount ?? 0,
    };
  }

  private async writeUpdate(key: string, ref: ObjectRef, current: KubeObject, next: KubeObject): Promise<KubeObject> {
    next.metadata.name = ref.name;
    if (ref.namespace) next.metadata.namespace = ref.namespace;
    else delete next.metadata.namespace;
    carrySystemFields(current, next);
    if (deepEqual(current, next)) return current;
    const remove = shouldRemoveAfterUpdate(next);
    const json = await this.write({ type: remove ? 'DELETED' : 'MODIFIED', key, ref, object: next, remove, prevJson: this.currentJson(ref) });
    return JSON.parse(json) as KubeObject;
  }

  /** Takes the next rv and hands the write to the log, synchronously, so file order = rv order. */
  private write(w: Omit<Write, 'rv' | 'json'>): Promise<string> {
    const seq = this.seq();
    const failure = seq.failure;
    if (failure !== undefined) return Promise.reject(storeFailed(failure.cause));
    const { promise, bytes } = seq.submit(w);
    this.fileBytes += bytes;
    return promise;
  }

  /** Runs in rv order once a write is persisted: the index and the watchers see it together. */
  private apply(w: Write, hub: WatchHub): void {
    const ns = w.ref.namespace ?? '';
    if (w.remove) this.index.delete(w.key, w.ref.resource, ns, w.ref.name);
    else this.index.set(w.key, w.ref.resource, ns, w.ref.name, { rv: w.rv, json: w.json });
    hub.publish({ type: w.type, resource: w.ref.resource, object: deepFreeze(w.object), rv: w.rv, json: w.json, ...(w.prevJson !== undefined ? { prevJson: w.prevJson } : {}) });
  }

  private maybeCompact(): void {
    if (this.compacting || this.state !== 'open') return;
    const live = this.index.liveBytes;
    if (this.fileBytes > live * this.ratio && this.fileBytes - live >= this.minGarbage && this.fileBytes >= this.compactAtBytes) void this.compact();
  }

  private current(ref: ObjectRef): KubeObject {
    const entry = this.index.get(ref.resource, ref.namespace ?? '', ref.name);
    if (!entry) throw notFound(ref.resource, ref.name);
    return JSON.parse(entry.json) as KubeObject;
  }

  /** The stored JSON of `ref` (call under its key lock, before writing it). */
  private currentJson(ref: ObjectRef): string | undefined {
    return this.index.get(ref.resource, ref.namespace ?? '', ref.name)?.json;
  }

  private freeName(resource: string, namespace: string | undefined, generateName: string): string {
    for (let i = 0; i < MAX_GENERATE_ATTEMPTS; i++) {
      const name = generatedName(generateName, this.random);
      if (!this.index.get(resource, namespace ?? '', name) && !this.locks.isHeld(storeKey({ resource, namespace, name }))) return name;
    }
    throw alreadyExists(resource, `${generateName}*`);
  }

  private seq(): Sequencer {
    if (this.state !== 'open' && this.state !== 'closing') throw storeClosed(this.options.dir, this.state);
    if (!this.sequencer) throw storeClosed(this.options.dir, this.state);
    return this.sequencer;
  }

  private async track<T>(fn: () => Promise<T>): Promise<T> {
    if (this.state !== 'open') throw storeClosed(this.options.dir, this.state);
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      if (this.active === 0 && this.idle) this.idle();
    }
  }
}
