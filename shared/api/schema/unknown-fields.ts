// Finds the fields of an object its schema does not know: the API server's field validation
// (fieldValidation=Strict|Warn) and the agent's check of Pod manifests.

import type { KubeObject } from '../types';
import { fieldType, type FieldTable, type FieldType } from './codes';
import { schemaNameOf, schemaTable } from './lookup';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function walk(value: unknown, type: FieldType, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  if (type.kind === 'list') {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, type.item, `${path}[${i}]`, out));
    return;
  }
  if (type.kind !== 'object' || !isPlainObject(value)) return;
  const table = schemaTable(type.schema);
  if (table) walkTable(value, table, path, out);
}

function walkTable(value: Record<string, unknown>, table: FieldTable, path: string, out: string[]): void {
  for (const [k, v] of Object.entries(value)) {
    const p = path ? `${path}.${k}` : k;
    // Own fields only: "constructor" or "toString" are unknown fields, not Object.prototype's members.
    const code = Object.hasOwn(table, k) ? table[k] : undefined;
    if (code === undefined) out.push(p);
    else walk(v, fieldType(code), p, out);
  }
}

/**
 * Paths of the fields `obj` carries that its schema does not know, e.g.
 * ["spec.template.spec.containers[0].foo"]; [] when all are known. `schemaName` is a component name
 * ("io.k8s.api.core.v1.Pod"); omitted, it is looked up from the object's apiVersion and kind. A kind
 * without a schema (free-form) has no unknown fields. Called by the API server on every write and by
 * the agent on Pod manifests; pure.
 */
export function unknownFields(obj: KubeObject | Record<string, unknown>, schemaName?: string): string[] {
  const name = schemaName ?? schemaNameOf(String(obj.apiVersion ?? ''), String(obj.kind ?? ''));
  const table = name === undefined ? undefined : schemaTable(name);
  if (!table) return [];
  const out: string[] = [];
  walkTable(obj as Record<string, unknown>, table, '', out);
  return out;
}
