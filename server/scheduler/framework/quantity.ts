// Kubernetes quantities ("500m", "128Mi", "1.5G", "2e3") as the integers the scheduler compares:
// millis for CPU, whole units (bytes, counts) for everything else, rounded up like Quantity.Value().
// Local stand-in until shared/api/quantity.ts lands: every caller goes through quantityMilli /
// quantityValue, so switching is a change to this file only.

import type { Quantity } from '../../../shared/api/core';
import { FlotillaError } from '../../../shared/errors';

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const GRAMMAR = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** value × 1000^scale as an exact fraction num/den. */
function parse(q: Quantity): { num: bigint; den: bigint } {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new FlotillaError('Invalid', `quantity must be finite: got ${q}`);
    q = String(q);
  }
  const m = GRAMMAR.exec(q.trim());
  const whole = m?.[2] ?? '';
  const frac = m?.[3] ?? '';
  if (!m || (whole === '' && frac === '')) throw new FlotillaError('Invalid', `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': got ${JSON.stringify(q)}`);
  let num = BigInt(whole + frac || '0');
  let den = 10n ** BigInt(frac.length);
  if (m[1] === '-') num = -num;
  const exponent = m[4] ? Number(m[4].slice(1)) : DECIMAL[m[5] ?? ''];
  const binary = m[5] ? BINARY[m[5]] : undefined;
  if (binary !== undefined) num *= binary;
  else if (exponent !== undefined && exponent >= 0) num *= 10n ** BigInt(exponent);
  else if (exponent !== undefined) den *= 10n ** BigInt(-exponent);
  return { num, den };
}

function ceilDiv(num: bigint, den: bigint): number {
  const q = num / den;
  return Number(num % den > 0n ? q + 1n : q);
}

// Manifests repeat the same few strings ("100m", "64Mi"): remember them (bounded).
const milliMemo = new Map<Quantity, number>();
const valueMemo = new Map<Quantity, number>();
const MEMO_LIMIT = 4096;

function memo(cache: Map<Quantity, number>, q: Quantity, compute: () => number): number {
  let v = cache.get(q);
  if (v === undefined) {
    v = compute();
    if (cache.size >= MEMO_LIMIT) cache.clear();
    cache.set(q, v);
  }
  return v;
}

/** The quantity in thousandths, rounded up (Quantity.MilliValue): "500m" → 500, "1.5" → 1500. */
export function quantityMilli(q: Quantity): number {
  return memo(milliMemo, q, () => {
    const { num, den } = parse(q);
    return ceilDiv(num * 1000n, den);
  });
}

/** The quantity in whole units, rounded up (Quantity.Value): "128Mi" → 134217728, "100m" → 1. */
export function quantityValue(q: Quantity): number {
  return memo(valueMemo, q, () => {
    const { num, den } = parse(q);
    return ceilDiv(num, den);
  });
}
