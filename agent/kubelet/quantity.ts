// Kubernetes quantities as the kubelet needs them (on shared/api/quantity): memory in bytes, CPU in
// millicores, and a value divided by a divisor, rounded up as the downward API does.

import type { Quantity as Written } from '../../shared/api/core';
import { parseQuantity, quantityMillis, quantityValue } from '../../shared/api/quantity';

export const memoryBytes = (q: Written): number => quantityValue(parseQuantity(q));
export const cpuMillis = (q: Written): number => quantityMillis(parseQuantity(q));

/** ceil(value / divisor); `value` as a quantity or a plain count of base units. */
export function divideUp(value: Written | number, divisor: Written | undefined): number {
  const v = parseQuantity(value).nanos;
  const d = divisor === undefined ? 1_000_000_000n : parseQuantity(divisor).nanos;
  if (d <= 0n) return Number(v / 1_000_000_000n);
  const q = v / d;
  return Number(v % d !== 0n && v > 0n ? q + 1n : q);
}
