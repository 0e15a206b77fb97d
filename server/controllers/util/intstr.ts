// IntOrString arithmetic as Kubernetes does it (intstr.GetScaledValueFromIntOrPercent): maxSurge,
// maxUnavailable and friends given as a count or as a percentage of a total.

import type { IntOrString } from '../../../shared/api/core';
import { FlotillaError } from '../../../shared/errors';

/**
 * `value` as a count: an integer as is, "25%" as 25 % of `total`, rounded up or down. Any other
 * string is an error (Kubernetes: "invalid value for IntOrString: invalid type: string is not a
 * percentage"). undefined yields `fallback`.
 */
export function scaledValue(value: IntOrString | undefined, total: number, options: { roundUp: boolean; fallback?: IntOrString }): number {
  const { roundUp, fallback = 0 } = options;
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) {
    if (/^-?\d+$/.test(v)) return Number(v);
    throw new FlotillaError('Invalid', `invalid value for IntOrString: invalid type: string is not a percentage: got "${v}"`);
  }
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
