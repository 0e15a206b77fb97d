// Kubernetes quantities as the kubelet needs them: memory in bytes, CPU in millicores ("128Mi", "1G", "500m", 2).

import { FlotillaError } from '../../shared/errors';
import type { Quantity } from '../../shared/api/core';

const SUFFIX: Record<string, number> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
};

/** The quantity as a plain number ("128Mi" → 134217728, "500m" → 0.5). Throws Invalid for a malformed one. */
export function parseQuantity(q: Quantity): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(q.trim());
  const factor = m ? SUFFIX[m[2] ?? ''] : undefined;
  if (!m || factor === undefined) throw new FlotillaError('Invalid', `quantity must look like "128Mi", "500m" or "2": got ${JSON.stringify(q)}`);
  return Number(m[1]) * factor;
}

export const memoryBytes = (q: Quantity): number => Math.ceil(parseQuantity(q));
export const cpuMillis = (q: Quantity): number => Math.ceil(parseQuantity(q) * 1000);
