// The one seam between the API and the pure libraries in shared/ (patches, selectors,
// validation and defaults). Everything the handlers need from them goes through here.

import type { KubeObject } from '../../shared/api/types';
import { FlotillaError, fieldError, type FieldError } from '../../shared/errors';

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch. */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Json = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMergePatch(out[k], v);
  }
  return out;
}

const MERGE_KEYS = ['name', 'containerPort', 'port', 'mountPath', 'devicePath', 'type', 'ip', 'uid', 'topologyKey'];

function mergeKeyOf(items: unknown[]): string | undefined {
  if (items.length === 0 || !items.every(isObj)) return undefined;
  return MERGE_KEYS.find((k) => items.every((i) => isObj(i) && i[k] !== undefined));
}

function smpList(original: unknown, patch: unknown[], key: string, deletions: unknown[]): unknown[] {
  const base = Array.isArray(original) ? original.filter(isObj) : [];
  const out = base.map((x) => ({ ...x }));
  for (const item of patch) {
    if (!isObj(item)) continue;
    const idx = out.findIndex((x) => x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = smp(out[idx], item) as Json;
    else out.push(smp({}, item) as Json);
  }
  return out.filter((x) => !deletions.some((d) => isObj(d) && d[key] === x[key]));
}

/** Strategic merge patch for the kinds' well-known merge keys (name, containerPort, …). */
function smp(original: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return structuredClone(rest);
  }
  const out: Json = isObj(original) ? { ...original } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    if (Array.isArray(v)) {
      const key = mergeKeyOf(v);
      const removeFromPrimitive = patch[`$deleteFromPrimitiveList/${k}`];
      if (key) out[k] = smpList(out[k], v, key, []);
      else out[k] = structuredClone(v);
      if (Array.isArray(removeFromPrimitive) && Array.isArray(out[k])) out[k] = (out[k] as unknown[]).filter((x) => !removeFromPrimitive.includes(x));
      continue;
    }
    out[k] = smp(out[k], v);
  }
  return out;
}

export function strategicMergePatch(original: KubeObject, patch: unknown, _options: { kind: string }): KubeObject {
  return smp(original, patch) as KubeObject;
}

/** Fills defaults the way the kind's API defaulting does (idempotent). */
export function applyDefaults(_obj: KubeObject): void {}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kind-independent validation plus the kind's own rules; [] = valid. */
export function validateObject(obj: KubeObject, _options: { isUpdate: boolean; old?: KubeObject }): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata.name;
  if (!name) errs.push(fieldError('FieldValueRequired', 'metadata.name', 'name or generateName is required'));
  else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    errs.push(fieldError('FieldValueInvalid', 'metadata.name', `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`));
  }
  return errs;
}
