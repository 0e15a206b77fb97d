// The object store's entry point: the contract (types.ts) and its NeDB implementation.

import { NedbStore, type NedbStoreOptions } from './nedb-store';

export type * from './types';
export { DEFAULT_EVENT_BUFFER_SIZE, NedbStore, type NedbStoreOptions, type StoreLogger, type StoreStats } from './nedb-store';

/** Creates and opens a store on `options.dir`. Only one open store per directory, across processes. */
export async function openStore(options: NedbStoreOptions): Promise<NedbStore> {
  const store = new NedbStore(options);
  await store.open();
  return store;
}
