// Expands the compact schema table into OpenAPI v3 component schemas (with Kubernetes' patch
// extensions, so kubectl computes strategic merge patches from them) and finds unknown fields in
// an object for server-side field validation. Everything is built on first use and memoized.

import { KIND_SCHEMAS, SCHEMA_GROUPS, type FieldTable } from './schema-table';

type Schema = Record<string, unknown>;

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
let shortIndex: Map<string, string> | undefined;
let components: Map<string, Schema> | undefined;

function fullName(short: string): string {
  if (!shortIndex) {
    shortIndex = new Map();
    for (const [prefix, schemas] of Object.entries(SCHEMA_GROUPS)) for (const name of Object.keys(schemas)) shortIndex.set(name, `${prefix}.${name}`);
  }
  const full = shortIndex.get(short);
  if (!full) throw new Error(`schema table: unknown schema "${short}"`);
  return full;
}

/** The field table of a component (kinds get apiVersion/kind/metadata added). */
function tableOf(name: string): FieldTable | undefined {
  const kind = KIND_SCHEMAS[name];
  if (kind) return { apiVersion: 's', kind: 's', metadata: 'ObjectMeta', ...kind.fields };
  const dot = name.lastIndexOf('.');
  return SCHEMA_GROUPS[name.slice(0, dot)]?.[name.slice(dot + 1)];
}

const ref = (short: string): Schema => ({ allOf: [{ $ref: `#/components/schemas/${fullName(short)}` }], default: {} });

function scalar(code: string): Schema | undefined {
  switch (code) {
    case 's':
      return { type: 'string', default: '' };
    case 'i':
      return { type: 'integer', format: 'int64' };
    case 'b':
      return { type: 'boolean' };
    case 'n':
      return { type: 'number', format: 'double' };
    case 't':
      return { type: 'string', format: 'date-time' };
    case 'ios':
    case 'q':
      return { 'x-kubernetes-int-or-string': true };
    case 'o':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    case 'ms':
      return { type: 'object', additionalProperties: { type: 'string', default: '' } };
    case 'mq':
      return { type: 'object', additionalProperties: { 'x-kubernetes-int-or-string': true } };
    default:
      return undefined;
  }
}

function expandField(code: string): Schema {
  if (code.startsWith('[]')) {
    const m = /^\[\](\w+)(\+)?(?:@(\w+)(!)?)?$/.exec(code);
    if (!m || !m[1]) throw new Error(`schema table: bad list code "${code}"`);
    const [, item = '', set, key, retain] = m;
    const schema: Schema = { type: 'array', items: scalar(item) ?? ref(item) };
    if (set) schema['x-kubernetes-patch-strategy'] = 'merge';
    if (key) {
      schema['x-kubernetes-patch-merge-key'] = key;
      schema['x-kubernetes-patch-strategy'] = retain ? 'merge,retainKeys' : 'merge';
    }
    return schema;
  }
  const s = scalar(code);
  if (s) return s;
  if (code.endsWith('!')) return { ...ref(code.slice(0, -1)), 'x-kubernetes-patch-strategy': 'retainKeys' };
  return ref(code);
}

function expand(name: string, table: FieldTable): Schema {
  const properties: Schema = {};
  for (const [field, code] of Object.entries(table)) properties[field] = expandField(code);
  const schema: Schema = { type: 'object', properties };
  const kind = KIND_SCHEMAS[name];
  if (kind) schema['x-kubernetes-group-version-kind'] = [{ group: kind.group, kind: kind.kind, version: kind.version }];
  return schema;
}

/** Every component schema by full name ("io.k8s.api.core.v1.Pod"). */
export function allComponents(): Map<string, Schema> {
  if (!components) {
    components = new Map();
    for (const [prefix, schemas] of Object.entries(SCHEMA_GROUPS)) for (const [n, t] of Object.entries(schemas)) components.set(`${prefix}.${n}`, expand(`${prefix}.${n}`, t));
    for (const name of Object.keys(KIND_SCHEMAS)) {
      const t = tableOf(name);
      if (t) components.set(name, expand(name, t));
    }
  }
  return components;
}

export function hasSchema(name: string): boolean {
  return KIND_SCHEMAS[name] !== undefined;
}

/** `roots` and every component they reference, transitively. */
export function componentClosure(roots: string[]): Record<string, Schema> {
  const all = allComponents();
  const out: Record<string, Schema> = {};
  const visit = (name: string): void => {
    if (out[name] !== undefined) return;
    const s = all.get(name);
    if (!s) return;
    out[name] = s;
    JSON.stringify(s, (key, value: unknown) => {
      if (key === '$ref' && typeof value === 'string') visit(value.replace('#/components/schemas/', ''));
      return value;
    });
  };
  for (const r of roots) visit(r);
  return out;
}

/** A free-form kind schema for registered kinds without a table entry (e.g. ApiToken). */
export function freeFormKindSchema(group: string, version: string, kind: string): Schema {
  return {
    type: 'object',
    properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }], default: {} } },
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': [{ group, kind, version }],
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function walk(value: unknown, code: string, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  if (code.startsWith('[]')) {
    const item = /^\[\](\w+)/.exec(code)?.[1] ?? 'o';
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, item, `${path}[${i}]`, out));
    return;
  }
  if (scalar(code)) return;
  const table = tableOf(fullName(code.replace(/!$/, '')));
  if (table && isPlainObject(value)) walkTable(value, table, path, out);
}

function walkTable(value: Record<string, unknown>, table: FieldTable, path: string, out: string[]): void {
  for (const [k, v] of Object.entries(value)) {
    const p = path ? `${path}.${k}` : k;
    const code = table[k];
    if (code === undefined) out.push(p);
    else walk(v, code, p, out);
  }
}

/** Paths of fields the schema `name` does not know ("spec.template.spec.containers[0].foo"). */
export function unknownFields(obj: Record<string, unknown>, name: string): string[] {
  const table = tableOf(name);
  if (!table) return [];
  const out: string[] = [];
  walkTable(obj, table, '', out);
  return out;
}
