import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openStore, type NedbStore } from '../store';
import { Controller } from './controller';
import { ensureSystemNamespaces, NamespaceReconciler, SYSTEM_NAMESPACES, namespaceObject } from './namespace';
import { ServiceAccountReconciler } from './serviceaccount';

const logger = pino({ level: 'silent' });

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never happened: ${what}`);
}

describe('namespace and serviceaccount controllers', () => {
  let dir: string;
  let store: NedbStore;
  let controllers: Controller[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-ns-'));
    store = await openStore({ dir });
    await ensureSystemNamespaces(store);
    controllers = [
      new Controller(new NamespaceReconciler(store, () => ['configmaps', 'serviceaccounts']), { store, logger }),
      new Controller(new ServiceAccountReconciler(store), { store, logger }),
    ];
    for (const c of controllers) await c.start();
  });

  afterEach(async () => {
    for (const c of controllers) await c.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the system namespaces once, idempotently', async () => {
    await ensureSystemNamespaces(store);
    const { items } = await store.list('namespaces');
    expect(items.map((n) => n.metadata.name).sort()).toEqual([...SYSTEM_NAMESPACES].sort());
  });

  it('gives every namespace a default ServiceAccount and recreates it when deleted', async () => {
    await store.create('namespaces', namespaceObject('team-a'));
    await until(async () => !!(await store.get({ resource: 'serviceaccounts', namespace: 'team-a', name: 'default' })), 'default SA in team-a');
    await store.delete({ resource: 'serviceaccounts', namespace: 'team-a', name: 'default' });
    await until(async () => !!(await store.get({ resource: 'serviceaccounts', namespace: 'team-a', name: 'default' })), 'default SA recreated');
  });

  it('empties a deleted namespace, then removes it', async () => {
    await store.create('namespaces', namespaceObject('doomed'));
    for (let i = 0; i < 5; i++) {
      await store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'doomed' }, data: {} });
    }
    await store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep', namespace: 'default' }, data: {} });
    // A finalizer on the namespace object keeps it visible while the controller works (the API's delete path marks it the same way).
    await store.guaranteedUpdate({ resource: 'namespaces', name: 'doomed' }, (ns) => ({ ...ns, metadata: { ...ns.metadata, finalizers: ['test/hold'] } }));
    await store.delete({ resource: 'namespaces', name: 'doomed' });
    await until(async () => (await store.list('configmaps', { namespace: 'doomed' })).items.length === 0, 'namespace emptied');
    await until(async () => ((await store.get({ resource: 'namespaces', name: 'doomed' }))?.status as { phase?: string })?.phase === 'Terminating', 'Terminating phase');
    await store.guaranteedUpdate({ resource: 'namespaces', name: 'doomed' }, (ns) => ({ ...ns, metadata: { ...ns.metadata, finalizers: [] } }));
    await until(async () => (await store.get({ resource: 'namespaces', name: 'doomed' })) === undefined, 'namespace gone');
    expect(await store.get({ resource: 'configmaps', namespace: 'default', name: 'keep' })).toBeDefined();
  });
});
