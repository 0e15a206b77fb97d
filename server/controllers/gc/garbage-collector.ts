// The garbage collector (Kubernetes' garbagecollector): follows ownerReferences across every
// resource. A dependent whose owners are all gone is deleted (background propagation); an owner
// deleted with propagationPolicy=Foreground keeps its `foregroundDeletion` finalizer until its
// blocking dependents are gone; one deleted with Orphan keeps its `orphan` finalizer until its
// dependents no longer point at it.

import type { Pod } from '../../../shared/api/core';
import type { KubeObject, OwnerReference } from '../../../shared/api/types';
import { isFlotillaError } from '../../../shared/errors';
import type { Cached, Informer, InformerFactory } from '../../informer/informer';
import type { Store } from '../../store/types';
import { informerWatch, type InformerWatch, type Reconciler } from '../controller';
import { ignoreNotFound } from '../util/claim';
import { deletePod } from '../util/pod-writes';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';
const BY_OWNER = 'gc:owner-uid';
const BY_UID = 'gc:uid';

/** Where objects of a kind live: its store resource and whether it is namespaced. */
export type KindLookup = (apiVersion: string, kind: string) => { resource: string; namespaced: boolean } | undefined;

export interface GarbageCollectorOptions {
  store: Store;
  informers: InformerFactory;
  /** Store resources to follow ("pods", "replicasets.apps", …); events need not be among them. */
  resources: readonly string[];
  kinds: KindLookup;
}

interface Found {
  resource: string;
  obj: Cached;
}

const sep = '|';
const keyFor = (resource: string, o: Readonly<KubeObject>): string => `${resource}${sep}${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name ?? ''}`;
const finalizing = (o: Readonly<KubeObject>): boolean => !!o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).some((f) => f === FOREGROUND || f === ORPHAN);
const refsChanged = (a: Readonly<KubeObject>, b: Readonly<KubeObject> | undefined): boolean => JSON.stringify(a.metadata.ownerReferences ?? []) !== JSON.stringify(b?.metadata.ownerReferences ?? []);

export class GarbageCollectorReconciler implements Reconciler {
  readonly name = 'garbagecollector';
  readonly primary = '';
  readonly watches = [];
  readonly informerWatches: InformerWatch[];
  private readonly informers = new Map<string, Informer>();

  /** Registers its indexes on the factory's informers: construct before the factory starts. */
  constructor(private readonly o: GarbageCollectorOptions) {
    for (const resource of o.resources) {
      const inf = o.informers.for(resource);
      inf.addIndex(BY_OWNER, (x) => (x.metadata.ownerReferences ?? []).map((r) => r.uid));
      inf.addIndex(BY_UID, (x) => (x.metadata.uid ? [x.metadata.uid] : []));
      this.informers.set(resource, inf);
    }
    this.informerWatches = [...this.informers].map(([resource, inf]) => informerWatch(inf, (type, obj, old) => this.keysFor(resource, type, obj, old)));
  }

  private keysFor(resource: string, type: string, obj: Cached, old: Cached | undefined): string[] {
    const keys: string[] = [];
    if (type === 'DELETED') {
      // Its dependents may now be orphans; an owner waiting for it in the foreground may finish.
      for (const d of this.dependents(obj.metadata.uid ?? '')) keys.push(keyFor(d.resource, d.obj));
      for (const r of obj.metadata.ownerReferences ?? []) {
        const owner = this.byUid(r.uid);
        if (owner && finalizing(owner.obj)) keys.push(keyFor(owner.resource, owner.obj));
      }
      return keys;
    }
    if ((obj.metadata.ownerReferences?.length ?? 0) > 0 && (type === 'ADDED' || refsChanged(obj, old))) keys.push(keyFor(resource, obj));
    if (finalizing(obj) && (!old || !finalizing(old) || obj.metadata.finalizers?.join() !== old.metadata.finalizers?.join())) keys.push(keyFor(resource, obj));
    return keys;
  }

  private dependents(uid: string): Found[] {
    const out: Found[] = [];
    if (!uid) return out;
    for (const [resource, inf] of this.informers) for (const obj of inf.byIndex(BY_OWNER, uid)) out.push({ resource, obj });
    return out;
  }

  private byUid(uid: string): Found | undefined {
    for (const [resource, inf] of this.informers) {
      const obj = inf.byIndex(BY_UID, uid)[0];
      if (obj) return { resource, obj };
    }
    return undefined;
  }

  async reconcile(key: string): Promise<void> {
    const i = key.indexOf(sep);
    const resource = key.slice(0, i);
    const obj = this.informers.get(resource)?.get(key.slice(i + 1));
    if (!obj) return;
    const finalizers = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && finalizers.includes(ORPHAN)) {
      await this.orphanDependents(resource, obj);
      return;
    }
    if (obj.metadata.deletionTimestamp && finalizers.includes(FOREGROUND)) await this.deleteDependentsInForeground(resource, obj);
    if ((obj.metadata.ownerReferences?.length ?? 0) > 0) await this.attemptToDelete(resource, obj);
  }

  /** Classifies the owners (attemptToDeleteItem) and deletes the object once none is left solid. */
  private async attemptToDelete(resource: string, obj: Cached): Promise<void> {
    if (obj.metadata.deletionTimestamp && !(obj.metadata.finalizers ?? []).includes(FOREGROUND)) return;
    const dangling: OwnerReference[] = [];
    let solid = 0;
    let waiting = 0;
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const owner = await this.ownerOf(obj, ref);
      if (!owner) dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FOREGROUND)) waiting++;
      else solid++;
    }
    if (solid > 0) {
      if (dangling.length > 0) await this.removeOwnerRefs(resource, obj, new Set(dangling.map((r) => r.uid)));
      return;
    }
    if (obj.metadata.deletionTimestamp) return;
    const foreground = waiting > 0 && this.dependents(obj.metadata.uid ?? '').length > 0;
    await this.deleteObject(resource, obj, foreground);
  }

  /** The owner, from the cache or (to not trust a lagging cache with a deletion) the store. */
  private async ownerOf(obj: Cached, ref: OwnerReference): Promise<Readonly<KubeObject> | undefined> {
    const cached = this.byUid(ref.uid);
    if (cached) return cached.obj;
    const kind = this.o.kinds(ref.apiVersion, ref.kind);
    if (!kind) return undefined;
    const live = await this.o.store.get({ resource: kind.resource, ...(kind.namespaced && obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}), name: ref.name });
    return live?.metadata.uid === ref.uid ? live : undefined;
  }

  private async deleteObject(resource: string, obj: Cached, foreground: boolean): Promise<void> {
    const ref = { resource, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}), name: obj.metadata.name ?? '' };
    const uid = obj.metadata.uid ?? '';
    if (foreground) {
      await ignoreNotFound(this.o.store.guaranteedUpdate(ref, (cur) => (cur.metadata.uid !== uid || (cur.metadata.finalizers ?? []).includes(FOREGROUND) ? cur : { ...cur, metadata: { ...cur.metadata, finalizers: [...(cur.metadata.finalizers ?? []), FOREGROUND] } })));
    }
    if (resource === 'pods') {
      await deletePod(this.o.store, obj as Cached<Pod>);
      return;
    }
    try {
      await this.o.store.delete(ref, { preconditions: { uid } });
    } catch (err) {
      // Gone already, or replaced by a new object of the same name (uid precondition): nothing to do.
      if (!isFlotillaError(err, 'NotFound') && !isFlotillaError(err, 'Conflict')) throw err;
    }
  }

  /** Foreground: deletes every dependent; removes the finalizer once no blocking dependent is left. */
  private async deleteDependentsInForeground(resource: string, owner: Cached): Promise<void> {
    const uid = owner.metadata.uid ?? '';
    const dependents = this.dependents(uid);
    for (const d of dependents) await this.attemptToDelete(d.resource, d.obj);
    const blocking = dependents.filter((d) => (d.obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion));
    if (blocking.length === 0) await this.removeFinalizer(resource, owner, FOREGROUND);
  }

  /** Orphan: drops the owner from every dependent's ownerReferences, then removes the finalizer. */
  private async orphanDependents(resource: string, owner: Cached): Promise<void> {
    const uid = owner.metadata.uid ?? '';
    for (const d of this.dependents(uid)) await this.removeOwnerRefs(d.resource, d.obj, new Set([uid]));
    await this.removeFinalizer(resource, owner, ORPHAN);
  }

  private async removeOwnerRefs(resource: string, obj: Cached, uids: ReadonlySet<string>): Promise<void> {
    const ref = { resource, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}), name: obj.metadata.name ?? '' };
    await ignoreNotFound(this.o.store.guaranteedUpdate(ref, (cur) => {
      if (cur.metadata.uid !== obj.metadata.uid) return cur;
      const kept = (cur.metadata.ownerReferences ?? []).filter((r) => !uids.has(r.uid));
      const metadata = { ...cur.metadata };
      if (kept.length > 0) metadata.ownerReferences = kept;
      else delete metadata.ownerReferences;
      return { ...cur, metadata };
    }));
  }

  private async removeFinalizer(resource: string, obj: Cached, finalizer: string): Promise<void> {
    const ref = { resource, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}), name: obj.metadata.name ?? '' };
    await ignoreNotFound(this.o.store.guaranteedUpdate(ref, (cur) => {
      if (cur.metadata.uid !== obj.metadata.uid) return cur;
      return { ...cur, metadata: { ...cur.metadata, finalizers: (cur.metadata.finalizers ?? []).filter((f) => f !== finalizer) } };
    }));
  }
}
