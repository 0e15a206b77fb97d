// Adoption and release (controller.ClaimPods / ClaimReplicaSets): an owner adopts orphans its
// selector matches and releases objects it controls that its selector no longer matches.

import type { LabelSelector } from '../../../shared/api/core';
import type { KubeObject } from '../../../shared/api/types';
import { isFlotillaError } from '../../../shared/errors';
import type { Cached } from '../../informer/informer';
import type { Store } from '../../store/types';
import { controllerRefOf, newControllerRef } from './pods';
import { labelSelectorAsSelector } from '../../../shared/api/selectors';

export interface ClaimOptions<T extends KubeObject> {
  owner: Readonly<KubeObject>;
  /** Selector deciding what the owner may keep or adopt; `matches` overrides it when given. */
  selector?: LabelSelector;
  matches?: (obj: Cached<T>) => boolean;
  /** Objects controlled by the owner (by controller uid). */
  owned: readonly Cached<T>[];
  /** Objects without a controller in the owner's namespace. */
  orphans: readonly Cached<T>[];
  store: Store;
  /** Store resource of the claimed objects ("pods", "replicasets.apps"). */
  resource: string;
}

function refOf(resource: string, o: Readonly<KubeObject>): { resource: string; namespace?: string; name: string } {
  return { resource, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name ?? '' };
}

/**
 * Returns the objects the owner controls after adopting and releasing. An owner being deleted
 * neither adopts nor releases. Objects that vanish meanwhile are skipped.
 */
export async function claim<T extends KubeObject>(o: ClaimOptions<T>): Promise<Cached<T>[]> {
  const selector = labelSelectorAsSelector(o.selector);
  const matches = o.matches ?? ((x: Cached<T>) => selector.matches(x.metadata.labels ?? {}));
  const active = !o.owner.metadata.deletionTimestamp;
  const uid = o.owner.metadata.uid ?? '';
  const out: Cached<T>[] = [];
  for (const obj of o.owned) {
    if (matches(obj)) {
      out.push(obj);
      continue;
    }
    if (!active || obj.metadata.deletionTimestamp) continue;
    await ignoreNotFound(o.store.guaranteedUpdate(refOf(o.resource, obj), (cur) => ({
      ...cur,
      metadata: { ...cur.metadata, ownerReferences: (cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid) },
    })));
  }
  if (!active) return out;
  for (const obj of o.orphans) {
    if (obj.metadata.deletionTimestamp || !matches(obj)) continue;
    const adopted = await ignoreNotFound(o.store.guaranteedUpdate(refOf(o.resource, obj), (cur) => {
      if (controllerRefOf(cur)) return cur;
      return { ...cur, metadata: { ...cur.metadata, ownerReferences: [...(cur.metadata.ownerReferences ?? []), newControllerRef(o.owner)] } };
    }));
    if (adopted && controllerRefOf(adopted)?.uid === uid) out.push(adopted as Cached<T>);
  }
  return out;
}

export async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isFlotillaError(err, 'NotFound')) return undefined;
    throw err;
  }
}
