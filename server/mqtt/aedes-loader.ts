// Loads aedes 1.x, which is ESM-only, from this CommonJS code base. Node ≥ 20.19 (and jest, whose
// config transforms aedes) can require() it; older Node 20 needs a real dynamic import, which
// must not be rewritten into require() by a compiler, hence the Function constructor.

import type { Aedes, AedesOptions } from 'aedes' with { 'resolution-mode': 'import' };

export type { Aedes, AedesOptions };

interface AedesModule {
  Aedes: { createBroker(options?: AedesOptions): Promise<Aedes> };
}

const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

export async function loadAedes(): Promise<AedesModule['Aedes']> {
  try {
    return (require('aedes') as AedesModule).Aedes;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw err;
    return ((await nativeImport('aedes')) as AedesModule).Aedes;
  }
}
