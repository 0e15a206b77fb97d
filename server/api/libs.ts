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

/** A parsed selector: `matches(labels-or-fields)`; `fields` lists the keys it reads. */
export interface Selector {
  matches(values: Record<string, string | undefined>): boolean;
  fields: string[];
  empty: boolean;
}

interface Requirement {
  key: string;
  op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!';
  values: string[];
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

function parseRequirements(s: string, what: string, setBased: boolean): Requirement[] {
  return splitTopLevel(s).map((part) => {
    let m = /^([^\s!=()]+)\s*(==|!=|=)\s*([^\s,()]*)$/.exec(part);
    if (m && m[1] !== undefined && m[2] !== undefined) return { key: m[1], op: m[2] === '!=' ? '!=' : '=', values: [m[3] ?? ''] };
    if (setBased) {
      m = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
      if (m && m[1] && m[2]) return { key: m[1], op: m[2] === 'in' ? 'in' : 'notin', values: (m[3] ?? '').split(',').map((v) => v.trim()).filter(Boolean) };
      m = /^(!)?\s*([A-Za-z0-9][-A-Za-z0-9_./]*)$/.exec(part);
      if (m && m[2]) return { key: m[2], op: m[1] ? '!' : 'exists', values: [] };
    }
    throw new FlotillaError('BadRequest', `unable to parse requirement: invalid ${what} selector: "${part}"`);
  });
}

function selectorFrom(reqs: Requirement[]): Selector {
  return {
    fields: reqs.map((r) => r.key),
    empty: reqs.length === 0,
    matches(values) {
      return reqs.every((r) => {
        const v = values[r.key];
        switch (r.op) {
          case '=':
            return v === r.values[0];
          case '!=':
            return v !== r.values[0];
          case 'in':
            return v !== undefined && r.values.includes(v);
          case 'notin':
            return v === undefined || !r.values.includes(v);
          case 'exists':
            return v !== undefined;
          case '!':
            return v === undefined;
        }
      });
    },
  };
}

export function parseLabelSelector(s: string | null): Selector {
  return selectorFrom(s ? parseRequirements(s, 'label', true) : []);
}

export function parseFieldSelector(s: string | null): Selector {
  return selectorFrom(s ? parseRequirements(s, 'field', false) : []);
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
