// Small validators for decoding untrusted JSON: each either returns the typed value or throws a
// ChannelDecodeError naming the field and what was wrong with it.

export class ChannelDecodeError extends Error {
  override readonly name = 'ChannelDecodeError';
}

export type Json = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

export function fail(path: string, expected: string, got: unknown): never {
  throw new ChannelDecodeError(`${path} must be ${expected}: got ${describe(got)}`);
}

export function object(v: unknown, path: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, 'an object', v);
  return v as Json;
}

export function string(v: unknown, path: string, maxLength = 4096): string {
  if (typeof v !== 'string') fail(path, 'a string', v);
  if (v.length > maxLength) fail(path, `a string of at most ${maxLength} characters`, v);
  return v;
}

export function optString(v: unknown, path: string, maxLength = 4096): string | undefined {
  return v === undefined ? undefined : string(v, path, maxLength);
}

export function integer(v: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(path, `an integer in ${min}..${max}`, v);
  return v;
}

export function optInteger(v: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  return v === undefined ? undefined : integer(v, path, min, max);
}

export function finite(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'a finite number', v);
  return v;
}

export function boolean(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'a boolean', v);
  return v;
}

export function optBoolean(v: unknown, path: string): boolean | undefined {
  return v === undefined ? undefined : boolean(v, path);
}

export function array<T>(v: unknown, path: string, item: (x: unknown, path: string) => T, maxItems = 10_000): T[] {
  if (!Array.isArray(v)) fail(path, 'an array', v);
  if (v.length > maxItems) fail(path, `an array of at most ${maxItems} items`, v);
  return v.map((x, i) => item(x, `${path}[${i}]`));
}

/** A map of string to string (labels, resource lists as strings). */
export function stringMap(v: unknown, path: string, maxEntries = 256): Record<string, string> {
  const o = object(v, path);
  const keys = Object.keys(o);
  if (keys.length > maxEntries) fail(path, `a map of at most ${maxEntries} entries`, v);
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = string(o[k], `${path}.${k}`);
  return out;
}

/** A ResourceList: quantities as strings or numbers. */
export function quantityMap(v: unknown, path: string): Record<string, string | number> {
  const o = object(v, path);
  const out: Record<string, string | number> = {};
  for (const [k, q] of Object.entries(o)) {
    if (typeof q !== 'string' && (typeof q !== 'number' || !Number.isFinite(q))) fail(`${path}.${k}`, 'a quantity', q);
    out[k] = q;
  }
  return out;
}

export function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) fail(path, `one of ${values.join(', ')}`, v);
  return v as T;
}
