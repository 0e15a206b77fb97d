// Namespace lifecycle: a namespace being deleted is emptied (every namespaced object in it is
// deleted), then its "kubernetes" finalizer is removed and it goes. Also keeps the system
// namespaces present.

import type { KubeObject } from '../../shared/api/types';
import { isFlotillaError } from '../../shared/errors';
import type { Store } from '../store/types';
import { ownKey, type Reconciler, type ReconcileResult } from './controller';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const FINALIZER = 'kubernetes';

export function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: [FINALIZER] }, status: { phase: 'Active' } };
}

/** Creates the system namespaces that are missing. Idempotent; called at every server start. */
export async function ensureSystemNamespaces(store: Store): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    if (await store.get({ resource: 'namespaces', name })) continue;
    try {
      await store.create('namespaces', namespaceObject(name));
    } catch (err) {
      if (!isFlotillaError(err, 'AlreadyExists')) throw err;
    }
  }
}

export class NamespaceReconciler implements Reconciler {
  readonly name = 'namespace';
  readonly primary = 'namespaces';
  readonly watches = [{ resource: 'namespaces', keysFor: ownKey }];

  /** `namespacedResources`: every namespaced resource the server stores ("pods", "deployments.apps", …). */
  constructor(
    private readonly store: Store,
    private readonly namespacedResources: () => string[],
  ) {}

  async reconcile(name: string): Promise<ReconcileResult | void> {
    const ns = await this.store.get({ resource: 'namespaces', name });
    if (!ns || !ns.metadata.deletionTimestamp) return;
    if ((ns.status as { phase?: string } | undefined)?.phase !== 'Terminating') {
      await this.store.guaranteedUpdate({ resource: 'namespaces', name }, (cur) => ({ ...cur, status: { ...(cur.status as object), phase: 'Terminating' } }));
    }
    let remaining = 0;
    for (const resource of this.namespacedResources()) {
      const { items } = await this.store.list(resource, { namespace: name });
      for (const item of items) {
        remaining++;
        if (item.metadata.deletionTimestamp && (item.metadata.finalizers?.length ?? 0) > 0) continue;
        try {
          const r = await this.store.delete({ resource, namespace: name, name: item.metadata.name ?? '' });
          if (r.deleted) remaining--;
        } catch (err) {
          if (!isFlotillaError(err, 'NotFound')) throw err;
          remaining--;
        }
      }
    }
    if (remaining > 0) return { requeueAfterMs: 1000 };
    await this.store.guaranteedUpdate({ resource: 'namespaces', name }, (cur) => {
      const spec = (cur.spec ?? {}) as { finalizers?: string[] };
      return { ...cur, spec: { ...spec, finalizers: (spec.finalizers ?? []).filter((f) => f !== FINALIZER) } };
    });
    try {
      await this.store.delete({ resource: 'namespaces', name });
    } catch (err) {
      if (!isFlotillaError(err, 'NotFound')) throw err;
    }
  }
}
