// Quantities as the integers the scheduler compares — millis for CPU, whole units (bytes, counts)
// for everything else, rounded up like Kubernetes — parsed by shared/api/quantity.ts and remembered
// per string, since manifests repeat the same few ("100m", "64Mi") for every pod.

import type { Quantity as QuantityText } from '../../../shared/api/core';
import { parseQuantity, quantityMillis, quantityValue as valueOf } from '../../../shared/api/quantity';

const milliMemo = new Map<QuantityText, number>();
const valueMemo = new Map<QuantityText, number>();
const MEMO_LIMIT = 4096;

function memo(cache: Map<QuantityText, number>, q: QuantityText, compute: () => number): number {
  let v = cache.get(q);
  if (v === undefined) {
    v = compute();
    if (cache.size >= MEMO_LIMIT) cache.clear();
    cache.set(q, v);
  }
  return v;
}

/** The quantity in thousandths, rounded up (Quantity.MilliValue): "500m" → 500, "1.5" → 1500. Throws Invalid. */
export function quantityMilli(q: QuantityText): number {
  return memo(milliMemo, q, () => quantityMillis(parseQuantity(q)));
}

/** The quantity in whole units, rounded up (Quantity.Value): "128Mi" → 134217728, "100m" → 1. Throws Invalid. */
export function quantityValue(q: QuantityText): number {
  return memo(valueMemo, q, () => valueOf(parseQuantity(q)));
}
