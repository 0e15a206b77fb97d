// Pure object bookkeeping for the store: keys, Kubernetes timestamps, JSON copies, deep equality,
// generateName, and the rules that decide generation and deletion. No I/O, no state.

import type { KubeObject, ObjectRef } from '../../shared/api/types';
import { refString } from '../../shared/api/types';
import { badRequest, fieldError, invalidError } from '../../shared/errors';

/** The alphabet Kubernetes uses for generateName suffixes (no vowels, so no accidental words). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const SUFFIX_LENGTH = 5;
const MAX_NAME_LENGTH = 63;

/** The store key of an object: "pods/default/web" or, cluster-scoped, "nodes/pi-1". */
export function storeKey(ref: ObjectRef): string {
  return refString(ref);
}

/** Inverse of storeKey. Names, namespaces and resources never contain "/". */
export function parseKey(key: string): ObjectRef | undefined {
  const parts = key.split('/');
  if (parts.length === 2 && parts[0] && parts[1]) return { resource: parts[0], name: parts[1] };
  if (parts.length === 3 && parts[0] && parts[1] && parts[2]) return { resource: parts[0], namespace: parts[1], name: parts[2] };
  return undefined;
}

/** RFC 3339 in UTC without fractional seconds, as Kubernetes writes it: "2026-11-25T10:00:00Z". */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A deep copy through JSON: drops undefined fields, exactly what the store persists. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Structural equality of JSON-like values; a field set to undefined equals a missing field. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let definedInA = 0;
  for (const k of Object.keys(ra)) {
    if (ra[k] === undefined) continue;
    definedInA++;
    if (!deepEqual(ra[k], rb[k])) return false;
  }
  let definedInB = 0;
  for (const k of Object.keys(rb)) if (rb[k] !== undefined) definedInB++;
  return definedInA === definedInB;
}

/** Freezes a JSON-like value in place, all the way down, and returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** `generateName` + 5 random characters, the base cut so the result stays ≤ 63 characters. */
export function generatedName(generateName: string, random: () => number): string {
  let suffix = '';
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length)] ?? 'x';
  return generateName.slice(0, MAX_NAME_LENGTH - SUFFIX_LENGTH) + suffix;
}

/** "apps/v1" → "apps", "v1" → "". */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Throws unless the object has a usable metadata block; create also accepts generateName. */
export function checkShape(resource: string, object: KubeObject, allowGenerateName: boolean): void {
  const meta: unknown = (object as { metadata?: unknown }).metadata;
  if (typeof meta !== 'object' || meta === null) throw badRequest(`${resource}: metadata is required: got ${JSON.stringify(meta)}`);
  const name = object.metadata.name;
  if (name !== undefined && (typeof name !== 'string' || name === '' || name.includes('/'))) {
    throw badRequest(`${resource}: metadata.name must be a non-empty string without "/": got ${JSON.stringify(name)}`);
  }
  const ns = object.metadata.namespace;
  if (ns !== undefined && (typeof ns !== 'string' || ns.includes('/'))) {
    throw badRequest(`${resource}: metadata.namespace must be a string without "/": got ${JSON.stringify(ns)}`);
  }
  if (name === undefined && !(allowGenerateName && object.metadata.generateName)) {
    const required = allowGenerateName ? 'name or generateName is required' : 'name is required';
    throw invalidError(object.kind, groupOf(object.apiVersion), '', [fieldError('FieldValueRequired', 'metadata.name', `Required value: ${required}`)]);
  }
}

/**
 * Carries the system-owned fields of `current` into `next` (an update never sets them) and moves
 * generation when spec deep-changed. Throws Invalid when an object being deleted gains a finalizer.
 */
export function carrySystemFields(current: KubeObject, next: KubeObject): void {
  const cm = current.metadata;
  const nm = next.metadata;
  nm.uid = cm.uid;
  nm.creationTimestamp = cm.creationTimestamp;
  nm.deletionTimestamp = cm.deletionTimestamp;
  nm.deletionGracePeriodSeconds = cm.deletionGracePeriodSeconds;
  nm.generation = cm.generation;
  nm.resourceVersion = cm.resourceVersion;
  delete nm.generateName;
  if (cm.generateName !== undefined) nm.generateName = cm.generateName;
  if (!deepEqual(current.spec, next.spec)) nm.generation = (cm.generation ?? 0) + 1;
  if (cm.deletionTimestamp !== undefined) {
    const before = new Set(cm.finalizers ?? []);
    const added = (nm.finalizers ?? []).filter((f) => !before.has(f));
    if (added.length > 0) {
      throw invalidError(next.kind, groupOf(next.apiVersion), nm.name ?? '', [
        fieldError('FieldValueForbidden', 'metadata.finalizers', `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`),
      ]);
    }
  }
}

/**
 * Kubernetes' rule for an update of an object being deleted: once no finalizer is left and the
 * grace period is over (deletionGracePeriodSeconds 0 or absent), the update removes the object.
 * A pod in graceful deletion (grace > 0) stays until its kubelet deletes it with grace 0.
 */
export function shouldRemoveAfterUpdate(next: KubeObject): boolean {
  const m = next.metadata;
  return m.deletionTimestamp !== undefined && (m.finalizers ?? []).length === 0 && (m.deletionGracePeriodSeconds ?? 0) === 0;
}
