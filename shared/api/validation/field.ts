// Builders of field errors worded as Kubernetes' field.Error (apimachinery/pkg/util/validation/field):
// `<path>: Invalid value: -3: must be greater than or equal to 0`. The path goes in `field`, the rest
// in `message`; invalidError (shared/errors.ts) joins them. They keep field.Invalid's (path, value,
// detail) argument order on purpose, so rules read like Kubernetes' own.

import { fieldError, type FieldError } from '../../errors';

/** A bad value as Go's %q / %v print it: strings quoted, numbers and booleans bare, the rest as JSON (shortened). */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  const json = JSON.stringify(value) ?? 'null';
  return typeof value === 'object' && json.length > MAX_SHOWN ? `${json.slice(0, MAX_SHOWN)}…` : json;
}

/** Objects (templates, selectors) are shown up to this many characters in a message. */
const MAX_SHOWN = 256;

const withDetail = (head: string, detail?: string): string => (detail ? `${head}: ${detail}` : head);

export function required(field: string, detail?: string): FieldError {
  return fieldError('FieldValueRequired', field, withDetail('Required value', detail));
}

export function invalid(field: string, value: unknown, detail?: string): FieldError {
  return fieldError('FieldValueInvalid', field, withDetail(`Invalid value: ${formatValue(value)}`, detail));
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  return fieldError('FieldValueNotSupported', field, `Unsupported value: ${formatValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`);
}

export function duplicate(field: string, value: unknown, detail?: string): FieldError {
  return fieldError('FieldValueDuplicate', field, withDetail(`Duplicate value: ${formatValue(value)}`, detail));
}

export function forbidden(field: string, detail: string): FieldError {
  return fieldError('FieldValueForbidden', field, `Forbidden: ${detail}`);
}

export function tooLong(field: string, max: number): FieldError {
  return fieldError('FieldValueTooLong', field, `Too long: may not be more than ${max} bytes`);
}

export function notFound(field: string, value: unknown): FieldError {
  return fieldError('FieldValueNotFound', field, `Not found: ${formatValue(value)}`);
}

/** One Invalid error per message of a name check (Kubernetes reports each rule it breaks). */
export function invalidEach(field: string, value: unknown, messages: readonly string[]): FieldError[] {
  return messages.map((m) => invalid(field, value, m));
}

// Readers for unknown JSON: validation never trusts the shape it is given.
export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function obj(v: unknown): Json {
  return isObject(v) ? v : {};
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Common numeric rules, worded as Kubernetes' ValidateNonnegativeField and friends. */
export function nonNegative(field: string, value: unknown): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'number' || !Number.isInteger(value)) return [invalid(field, value, 'must be an integer')];
  return value < 0 ? [invalid(field, value, 'must be greater than or equal to 0')] : [];
}

export function positive(field: string, value: unknown): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'number' || !Number.isInteger(value)) return [invalid(field, value, 'must be an integer')];
  return value <= 0 ? [invalid(field, value, 'must be greater than 0')] : [];
}

/** An integer in [min, max] (Kubernetes' InclusiveRangeError); absent is fine. */
export function inRange(field: string, value: unknown, range: { min: number; max: number }): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    return [invalid(field, value, `must be between ${range.min} and ${range.max}, inclusive`)];
  }
  return [];
}

/** An optional enum: absent or "" is fine, anything else must be one of `supported`. */
export function oneOf(field: string, value: unknown, supported: readonly string[]): FieldError[] {
  if (value === undefined || value === '') return [];
  return typeof value === 'string' && supported.includes(value) ? [] : [notSupported(field, value, supported)];
}

/** A required enum: Required when absent or "", Unsupported value unless one of `supported`. */
export function requiredOneOf(field: string, value: unknown, supported: readonly string[]): FieldError[] {
  return value === undefined || value === '' ? [required(field)] : oneOf(field, value, supported);
}

/** Kubernetes' ValidateImmutableField: `field is immutable` when the JSON values differ. */
export function immutable(field: string, value: unknown, old: unknown): FieldError[] {
  return deepEqual(value, old) ? [] : [invalid(field, value, 'field is immutable')];
}

/** Structural equality of JSON values (key order does not matter; undefined keys are absent). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

/** A relative path without "..": volume subPaths and key-to-path items. */
export function validateLocalPath(value: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (value.startsWith('/')) errs.push(invalid(path, value, 'must be a relative path'));
  if (value.split('/').includes('..')) errs.push(invalid(path, value, "must not contain '..'"));
  return errs;
}
