// Keeps a `default` ServiceAccount in every active namespace, as Kubernetes' serviceaccounts-controller does.

import { isFlotillaError } from '../../shared/errors';
import type { Store, StoreEvent } from '../store/types';
import type { Reconciler } from './controller';

function namespaceOf(event: StoreEvent): string[] {
  if (event.resource === 'namespaces') return [event.object.metadata.name ?? ''];
  return event.type === 'DELETED' && event.object.metadata.name === 'default' ? [event.object.metadata.namespace ?? ''] : [];
}

export class ServiceAccountReconciler implements Reconciler {
  readonly name = 'serviceaccount';
  readonly primary = 'namespaces';
  readonly watches = [
    { resource: 'namespaces', keysFor: namespaceOf },
    { resource: 'serviceaccounts', keysFor: namespaceOf },
  ];

  constructor(private readonly store: Store) {}

  async reconcile(namespace: string): Promise<void> {
    const ns = await this.store.get({ resource: 'namespaces', name: namespace });
    if (!ns || ns.metadata.deletionTimestamp) return;
    if (await this.store.get({ resource: 'serviceaccounts', namespace, name: 'default' })) return;
    try {
      await this.store.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
    } catch (err) {
      if (!isFlotillaError(err, 'AlreadyExists')) throw err;
    }
  }
}
