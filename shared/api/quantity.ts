// Kubernetes resource quantities ("500m", "0.5", "128Mi", "1G", "1e3", 2): exact parsing (to
// nano-units in a bigint, as resource.Quantity keeps them), comparison, arithmetic, conversion to
// millis and base units, and Kubernetes' canonical string form ("1000m" → "1", "1024Mi" → "1Gi").

import { FlotillaError, fieldError, type FieldError } from '../errors';

/** The notation a quantity was written in; the canonical form keeps it (as Kubernetes does). */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The exact value in units of 10⁻⁹ (finer values are rounded up, away from zero, like Kubernetes). */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

export const QUANTITY_REGEX = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const FORMAT_WRONG = `quantities must match the regular expression '${QUANTITY_REGEX}'`;
const NUMERIC = 'unable to parse quantity\'s numeric part';
const SUFFIX = 'unable to parse quantity\'s suffix';

const SHAPE = new RegExp(QUANTITY_REGEX);
const NUMBER = /^([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))$/;
const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
/** Exponents beyond this are refused rather than expanded into enormous integers. */
const MAX_EXPONENT = 100;

const NANO = 1_000_000_000n;
const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Parses without throwing: the quantity, or the reason it is not one (Kubernetes' wording). */
function parse(value: string): Quantity | string {
  if (!SHAPE.test(value)) return FORMAT_WRONG;
  const split = /^([+-]?[0-9.]+)(.*)$/.exec(value);
  const numberPart = split?.[1] ?? '';
  const suffix = split?.[2] ?? '';
  const n = NUMBER.exec(numberPart);
  if (!n) return NUMERIC;
  const negative = n[1] === '-';
  const whole = n[2] ?? '';
  const frac = n[3] ?? n[4] ?? '';
  let exp10 = 0;
  let exp1024 = 0;
  let format: QuantityFormat = 'DecimalSI';
  const decimal = DECIMAL_SUFFIXES[suffix];
  const binary = BINARY_SUFFIXES[suffix];
  if (decimal !== undefined) exp10 = decimal;
  else if (binary !== undefined) {
    exp1024 = binary;
    format = 'BinarySI';
  } else {
    const e = /^[eE]([+-]?\d+)$/.exec(suffix);
    if (!e || e[1] === undefined) return SUFFIX;
    exp10 = Number(e[1]);
    if (Math.abs(exp10) > MAX_EXPONENT) return SUFFIX;
    format = 'DecimalExponent';
  }
  const digits = BigInt(`${whole}${frac}` || '0') * 1024n ** BigInt(exp1024);
  const shift = 9 + exp10 - frac.length;
  let nanos: bigint;
  if (shift >= 0) nanos = digits * pow10(shift);
  else {
    const den = pow10(-shift);
    nanos = digits / den + (digits % den === 0n ? 0n : 1n);
  }
  return { nanos: negative ? -nanos : nanos, format };
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function formatValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value) ?? 'null';
}

/**
 * The validation error for a value that is not a quantity, in Kubernetes' wording
 * (`Invalid value: "12XB": quantities must match the regular expression '…'`), or undefined when it
 * is one. `field` is the path to report ("spec.containers[0].resources.limits.memory").
 */
export function quantityError(value: unknown, field: string): FieldError | undefined {
  const s = asString(value);
  const result = s === undefined ? FORMAT_WRONG : parse(s);
  if (typeof result !== 'string') return undefined;
  return fieldError('FieldValueInvalid', field, `Invalid value: ${formatValue(value)}: ${result}`);
}

/** The quantity, or undefined when `value` is not one (a string like "128Mi" or a finite number). */
export function tryParseQuantity(value: unknown): Quantity | undefined {
  const s = asString(value);
  if (s === undefined) return undefined;
  const q = parse(s);
  return typeof q === 'string' ? undefined : q;
}

/**
 * Parses a quantity as written in manifests ("500m", "0.5", "128Mi", "1G", "1e3", 2). Throws a
 * FlotillaError "Invalid" naming `options.field` and the bad value. Pure; used by validation, the
 * scheduler (requests vs allocatable) and the agent (limits for Podman).
 */
export function parseQuantity(value: string | number, options: { field?: string } = {}): Quantity {
  const q = tryParseQuantity(value);
  if (q) return q;
  const field = options.field ?? 'quantity';
  const err = quantityError(value, field) ?? fieldError('FieldValueInvalid', field, `Invalid value: ${formatValue(value)}`);
  throw new FlotillaError('Invalid', `${err.field}: ${err.message}`, { details: { causes: [{ reason: err.type, field: err.field, message: err.message }] } });
}

/** -1, 0 or 1 as a is less than, equal to or greater than b (formats do not matter). */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.format };
}

export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos - b.nanos, format: a.format };
}

function ceilDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n > 0n ? q + 1n : q;
}

/** The value in thousandths, rounded up (Kubernetes' MilliValue): "500m" → 500, "2" → 2000. */
export function quantityMillis(q: Quantity): number {
  return Number(ceilDiv(q.nanos, 1_000_000n));
}

/** The value in base units, rounded up (Kubernetes' Value): "128Mi" → 134217728, "500m" → 1. */
export function quantityValue(q: Quantity): number {
  return Number(ceilDiv(q.nanos, NANO));
}

export function quantityFromMillis(millis: number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: BigInt(Math.round(millis)) * 1_000_000n, format };
}

export function quantityFromValue(value: number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: BigInt(Math.round(value)) * NANO, format };
}

const SI_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

function formatDecimal(abs: bigint, format: QuantityFormat): string {
  let mantissa = abs;
  let exp = -9;
  while (mantissa % 1000n === 0n && exp < 18) {
    mantissa /= 1000n;
    exp += 3;
  }
  const suffix = format === 'DecimalExponent' ? (exp === 0 ? '' : `e${exp}`) : SI_SUFFIX[exp] ?? '';
  return `${mantissa}${suffix}`;
}

/**
 * Kubernetes' canonical form: the largest suffix that keeps an integer mantissa, in the notation the
 * quantity was written in ("1000m" → "1", "1500m" stays, "0.5" → "500m", "1024Mi" → "1Gi",
 * "1.5Ki" → "1536", "1e3" stays "1e3").
 */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return '0';
  const sign = q.nanos < 0n ? '-' : '';
  const abs = q.nanos < 0n ? -q.nanos : q.nanos;
  if (q.format === 'BinarySI' && abs % NANO === 0n && abs >= 1024n * NANO) {
    let mantissa = abs / NANO;
    let k = 0;
    while (mantissa % 1024n === 0n && k < BINARY_SUFFIX.length - 1) {
      mantissa /= 1024n;
      k++;
    }
    return `${sign}${mantissa}${BINARY_SUFFIX[k] ?? ''}`;
  }
  return sign + formatDecimal(abs, q.format === 'DecimalExponent' ? 'DecimalExponent' : 'DecimalSI');
}
