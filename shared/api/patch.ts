// JSON merge patch (RFC 7386) and Kubernetes' strategic merge patch, driven by the schema table:
// lists merge by their merge key (containers by name, ports by containerPort, volumeMounts by
// mountPath, …) or as sets, lists without a patch strategy are replaced, and the directives
// `$patch: replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/<f>` and
// `$setElementOrder/<f>` (which kubectl apply sends) are honoured as apimachinery's strategicpatch
// applies them. JSON patch (RFC 6902) is the server's business (fast-json-patch).

import { FlotillaError } from '../errors';
import { fieldType, schemaNameOf, schemaTable, type FieldTable, type FieldType } from './schema';

type Json = Record<string, unknown>;
type ListType = Extract<FieldType, { kind: 'list' }>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM = '$deleteFromPrimitiveList/';
const SET_ORDER = '$setElementOrder/';

function isObj(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function bad(message: string): FlotillaError {
  return new FlotillaError('BadRequest', `invalid strategic merge patch: ${message}`);
}

/**
 * RFC 7386 JSON merge patch: objects merge recursively, null deletes, everything else (lists
 * included) replaces. Returns a new value; neither argument is mutated.
 */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Json = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMergePatch(out[k], v);
  }
  return out;
}

/** The field table for a field of `type` (undefined = free-form: maps merge, lists are replaced). */
function tableOf(type: FieldType | undefined): FieldTable | undefined {
  if (type?.kind === 'object') return schemaTable(type.schema);
  if (type?.kind === 'list') return tableOf(type.item);
  return undefined;
}

function typeOfField(table: FieldTable | undefined, field: string): FieldType | undefined {
  const code = table && Object.hasOwn(table, field) ? table[field] : undefined;
  return code === undefined ? undefined : fieldType(code);
}

function applyRetainKeys(out: Json, patch: Json): void {
  const keys = patch[RETAIN_KEYS];
  if (keys === undefined) return;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw bad(`${RETAIN_KEYS} must be a list of field names: got ${JSON.stringify(keys)}`);
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$') || v === null) continue;
    if (!keys.includes(k)) throw bad(`field "${k}" is set but not listed in ${RETAIN_KEYS} ${JSON.stringify(keys)}`);
  }
  for (const k of Object.keys(out)) if (!keys.includes(k)) delete out[k];
}

function mergeMap(original: Json | undefined, patch: Json, table: FieldTable | undefined): Json {
  const directive = patch[DIRECTIVE];
  if (directive === 'delete') return {};
  if (directive === 'replace') {
    const { [DIRECTIVE]: _replace, ...rest } = patch;
    return mergeMap(undefined, rest, table);
  }
  if (directive !== undefined && directive !== 'merge') throw bad(`unknown ${DIRECTIVE} directive ${JSON.stringify(directive)}`);
  const out: Json = original ? { ...original } : {};
  applyRetainKeys(out, patch);
  const ordered = new Set<string>();
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const field = k.slice(SET_ORDER.length);
    if (!Array.isArray(order)) throw bad(`${k} must be a list: got ${JSON.stringify(order)}`);
    const type = typeOfField(table, field);
    const patchList = patch[field];
    if (patchList !== undefined && !Array.isArray(patchList)) throw bad(`${k} is given but "${field}" is not a list`);
    const listType = type?.kind === 'list' ? type : undefined;
    if (patchList) checkOrderCovers(patchList, order, listType?.mergeKey);
    const before = out[field];
    const merged = patchList ? mergeValue(before, patchList, type) : before;
    if (!Array.isArray(merged)) continue;
    out[field] = orderBySetElementOrder(merged, order, listType?.mergeKey, Array.isArray(before) ? before : []);
    ordered.add(field);
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || ordered.has(k)) continue;
    if (k.startsWith(DELETE_FROM)) {
      const field = k.slice(DELETE_FROM.length);
      if (!Array.isArray(v)) throw bad(`${k} must be a list: got ${JSON.stringify(v)}`);
      const current = out[field];
      if (Array.isArray(current)) out[field] = current.filter((x) => !v.some((d) => d === x));
      continue;
    }
    if (k.startsWith('$')) throw bad(`unknown directive "${k}"`);
    if (v === null) delete out[k];
    else out[k] = mergeValue(out[k], v, typeOfField(table, k));
  }
  return out;
}

function mergeValue(original: unknown, patch: unknown, type: FieldType | undefined): unknown {
  if (isObj(patch)) return mergeMap(isObj(original) ? original : undefined, patch, tableOf(type));
  if (!Array.isArray(patch)) return patch;
  if (type?.kind === 'list' && type.strategy === 'merge') return mergeList(Array.isArray(original) ? original : [], patch, type);
  return structuredClone(patch);
}

/** Where an item sits in `order`, by merge key for objects and by value for scalars; -1 when absent. */
function indexIn(order: readonly unknown[], item: unknown, key: string | undefined): number {
  if (key !== undefined && isObj(item)) return order.findIndex((o) => isObj(o) && o[key] === item[key]);
  return order.findIndex((o) => o === item);
}

/** Stable sort of `items` by their position in `order`; items not in it keep their place at the end. */
function sortBy(items: unknown[], order: readonly unknown[], key: string | undefined): unknown[] {
  const found = items.filter((i) => indexIn(order, i, key) >= 0).sort((a, b) => indexIn(order, a, key) - indexIn(order, b, key));
  return [...found, ...items.filter((i) => indexIn(order, i, key) < 0)];
}

/**
 * apimachinery's normalizeElementOrder: patch items in patch order, server-only items in live order,
 * interleaved so that each server-only item goes before the first patch item that follows it in the
 * live list (patch items new to the list come first).
 */
function interleave(patchItems: unknown[], serverOnly: unknown[], patchOrder: readonly unknown[], serverOrder: readonly unknown[], key: string | undefined): unknown[] {
  const right = sortBy(patchItems, patchOrder, key);
  const left = sortBy(serverOnly, serverOrder, key);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = indexIn(serverOrder, left[i], key);
      const ri = indexIn(serverOrder, right[j], key);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function mergeList(original: unknown[], patch: unknown[], type: ListType): unknown[] {
  const key = type.mergeKey;
  const itemTable = tableOf(type.item);
  if (key === undefined) {
    if (patch.some(isObj)) throw bad(`cannot merge a list of objects without a merge key: ${JSON.stringify(patch).slice(0, 200)}`);
    const merged = [...original];
    for (const p of patch) if (!merged.some((m) => m === p)) merged.push(p);
    const inPatch = merged.filter((m) => patch.includes(m));
    return interleave(inPatch, merged.filter((m) => !patch.includes(m)), patch, original, undefined);
  }
  let base = original;
  const plain: Json[] = [];
  let replace = false;
  for (const item of patch) {
    if (!isObj(item)) throw bad(`list items merged by "${key}" must be objects: got ${JSON.stringify(item)}`);
    const directive = item[DIRECTIVE];
    if (directive === undefined) plain.push(item);
    else if (directive === 'delete') {
      if (!(key in item)) throw bad(`${JSON.stringify(item)} does not contain declared merge key: ${key}`);
      base = base.filter((b) => !(isObj(b) && b[key] === item[key]));
    } else if (directive === 'replace') replace = true;
    else if (directive === 'merge') throw bad('merging lists cannot yet be specified in the patch');
    else throw bad(`unknown ${DIRECTIVE} directive ${JSON.stringify(directive)}`);
  }
  if (replace) return plain.map((p) => mergeMap(undefined, p, itemTable));
  const merged = [...base];
  for (const item of plain) {
    if (!(key in item)) throw bad(`${JSON.stringify(item).slice(0, 200)} does not contain declared merge key: ${key}`);
    const at = merged.findIndex((m) => isObj(m) && m[key] === item[key]);
    if (at >= 0) merged[at] = mergeMap(merged[at] as Json, item, itemTable);
    else merged.push(mergeMap(undefined, item, itemTable));
  }
  const inPatch = (m: unknown): boolean => indexIn(plain, m, key) >= 0;
  return interleave(merged.filter(inPatch), merged.filter((m) => !inPatch(m)), plain, base, key);
}

/** Checks that the patch's items appear in `$setElementOrder` in the same relative order. */
function checkOrderCovers(patchList: unknown[], order: unknown[], key: string | undefined): void {
  const items = patchList.filter((p) => !(isObj(p) && p[DIRECTIVE] !== undefined));
  let at = 0;
  for (const item of items) {
    while (at < order.length && indexIn([order[at]], item, key) < 0) at++;
    if (at >= order.length) throw bad(`the order in the patch list ${JSON.stringify(patchList).slice(0, 200)} doesn't match the $setElementOrder list ${JSON.stringify(order).slice(0, 200)}`);
    at++;
  }
}

/** Items named in the order list take its order; the others (server-only) keep their live order. */
function orderBySetElementOrder(merged: unknown[], order: unknown[], key: string | undefined, live: unknown[]): unknown[] {
  const k = merged.some(isObj) ? key : undefined;
  if (merged.some(isObj) && k === undefined) return merged;
  const listed = merged.filter((m) => indexIn(order, m, k) >= 0);
  const serverOnly = merged.filter((m) => indexIn(order, m, k) < 0);
  return interleave(listed, serverOnly, order, live, k);
}

/**
 * Applies a strategic merge patch to `original` (not mutated) and returns the result. The schema is
 * `options.schema` (a component name) or the one of the object's apiVersion/kind; a kind without a
 * schema merges maps and replaces lists. Throws a FlotillaError BadRequest for a malformed patch
 * (unknown directive, missing merge key, $setElementOrder that contradicts the patch, …).
 * Called by the API server's PATCH handler; pure.
 */
export function strategicMergePatch<T extends object>(original: T, patch: unknown, options: { schema?: string } = {}): T {
  if (!isObj(patch)) throw bad('the patch must be a JSON object');
  const o = original as Json;
  const name = options.schema ?? schemaNameOf(String(o.apiVersion ?? ''), String(o.kind ?? ''));
  const table = name === undefined ? undefined : schemaTable(name);
  return mergeMap(structuredClone(o), patch, table) as T;
}
