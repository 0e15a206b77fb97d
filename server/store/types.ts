// The contract of the versioned object store (the etcd role). Implemented on nedb-promises in
// server/store/; the API, controllers and scheduler only ever see this interface.

import type { KubeObject, ObjectRef } from '../../shared/api/types';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One change, as watchers see it. `resourceVersion` equals `object.metadata.resourceVersion`.
 * Events are shared, not copied: every watcher gets the same deeply frozen event and object
 * (read or JSON.stringify it; copy before mutating).
 */
export interface StoreEvent {
  type: StoreEventType;
  resource: string;
  object: KubeObject;
  /** Numeric form of the global resourceVersion this change produced. */
  rv: number;
  /** `object` already serialized (JSON.stringify(object)), when the store has it: saves a stringify per watcher. */
  json?: string;
  /**
   * MODIFIED and DELETED: the object as it was just before this change, serialized. A watch with a
   * label or field selector needs it to tell an object leaving the selection (DELETED) or entering
   * it (ADDED) from one changing inside it, as kube-apiserver's watch cache does with prevObject.
   */
  prevJson?: string;
}

export interface Preconditions {
  /** The write fails with 409 Conflict unless the stored object has this resourceVersion. */
  resourceVersion?: string;
  /** The write fails with 409 Conflict unless the stored object has this uid. */
  uid?: string;
}

export interface ListOptions {
  /** Only objects in this namespace; omitted = all namespaces (and cluster-scoped objects). */
  namespace?: string;
}

export interface ListResult {
  items: KubeObject[];
  /** The store's resourceVersion at the moment of the list: a watch from here misses nothing. */
  resourceVersion: string;
}

export interface WatchOptions {
  /** Restrict to one resource ("pods", "deployments.apps"); omitted = every resource. */
  resource?: string;
  namespace?: string;
  /**
   * Start after this resourceVersion. Omitted or "0": events from now on only (callers that need
   * the current state list first). A version older than the event buffer → FlotillaError Gone (410).
   */
  resourceVersion?: string;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  preconditions?: Preconditions;
  /**
   * Graceful deletion. > 0: the object only gets deletionTimestamp/deletionGracePeriodSeconds and
   * stays (the pod's kubelet finishes the deletion with gracePeriodSeconds 0). 0 or omitted: removed
   * at once unless it carries finalizers.
   */
  gracePeriodSeconds?: number;
}

export interface DeleteResult {
  /** The object as removed, or as marked for deletion when `deleted` is false. */
  object: KubeObject;
  /** true = gone from the store; false = marked (finalizers pending or graceful deletion). */
  deleted: boolean;
}

/**
 * Semantics every implementation keeps:
 * - One global, monotonically increasing resourceVersion (decimal string on objects). Every create,
 *   update and delete takes the next one; it never goes back, also across restarts.
 * - create assigns metadata.uid, resourceVersion, creationTimestamp, generation 1 when the object has
 *   a `spec`; AlreadyExists (409) when the name is taken. `generateName` is resolved here.
 * - update bumps generation only when `spec` changed (deep comparison); keeps uid and
 *   creationTimestamp; a stale resourceVersion in the new object's metadata → Conflict (409). An
 *   update that leaves an object with deletionTimestamp and no finalizers (it removed the last one)
 *   deletes it.
 * - delete with finalizers present (or gracePeriodSeconds > 0) only sets deletionTimestamp.
 * - Events reach watchers in resourceVersion order, gap-free and once, only after the write is
 *   persisted; a promise that resolved means the write survives kill -9 (and, in durable mode, a
 *   power loss).
 * - Returned objects are copies: callers may mutate them freely. Watch events are the exception:
 *   shared and frozen (see StoreEvent).
 */
export interface Store {
  /** Loads the data dir. Bounded time: see bench/store-load. */
  open(): Promise<void>;
  /** Flushes and closes; pending writes finish first. */
  close(): Promise<void>;

  /** Current global resourceVersion. */
  currentResourceVersion(): string;

  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(resource: string, options?: ListOptions): Promise<ListResult>;

  /**
   * Stores a new object: assigns resourceVersion, creationTimestamp, generation and a uid — keeping
   * `metadata.uid` when the caller set one (the API server picks it before admission, as
   * kube-apiserver does, so a Job's generated selector can name it).
   */
  create(resource: string, object: KubeObject): Promise<KubeObject>;

  /**
   * Replaces the object. If `object.metadata.resourceVersion` is set it is a precondition.
   * NotFound when missing.
   */
  update(resource: string, object: KubeObject): Promise<KubeObject>;

  /**
   * Read-modify-write without races: `mutate` receives a copy of the current object (never
   * undefined: NotFound is thrown first) and returns the new one. Writes for one key are
   * serialized, so no Conflict can arise from concurrent guaranteedUpdates in this process.
   * Returning the input unchanged (deep-equal) is a no-op that writes nothing and emits nothing.
   */
  guaranteedUpdate(ref: ObjectRef, mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>, options?: { preconditions?: Preconditions }): Promise<KubeObject>;

  delete(ref: ObjectRef, options?: DeleteOptions): Promise<DeleteResult>;

  /**
   * Subscribes to changes. Events older than `options.resourceVersion` are replayed from the event
   * buffer first, then live ones follow. Throws FlotillaError('Gone') synchronously when the
   * requested version was compacted out of the buffer. Returns the unsubscribe function; aborting
   * `options.signal` unsubscribes too. `onEvent` must not throw and must not block.
   */
  watch(options: WatchOptions, onEvent: (event: StoreEvent) => void): () => void;
}
