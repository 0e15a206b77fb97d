// Expands the compact schema table (shared/api/schema) into OpenAPI v3 component schemas, with
// Kubernetes' patch extensions so kubectl computes strategic merge patches from them. Everything is
// built on first use and memoized.

import { fieldType, fullSchemaName, KIND_SCHEMAS, SCHEMA_GROUPS, schemaTable, type FieldTable, type FieldType } from '../../../shared/api/schema';

type Schema = Record<string, unknown>;

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
let components: Map<string, Schema> | undefined;

const ref = (short: string): Schema => ({ allOf: [{ $ref: `#/components/schemas/${fullSchemaName(short)}` }], default: {} });

function expandType(t: FieldType): Schema {
  switch (t.kind) {
    case 'scalar':
      switch (t.code) {
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
      }
      break;
    case 'free':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    case 'map':
      return { type: 'object', additionalProperties: t.values === 'string' ? { type: 'string', default: '' } : { 'x-kubernetes-int-or-string': true } };
    case 'object':
      return t.retainKeys ? { ...ref(t.schema), 'x-kubernetes-patch-strategy': 'retainKeys' } : ref(t.schema);
    case 'list': {
      const schema: Schema = { type: 'array', items: expandType(t.item) };
      if (t.strategy === 'merge') schema['x-kubernetes-patch-strategy'] = t.retainKeys ? 'merge,retainKeys' : 'merge';
      if (t.mergeKey) schema['x-kubernetes-patch-merge-key'] = t.mergeKey;
      return schema;
    }
  }
  throw new Error(`schema table: cannot expand ${JSON.stringify(t)}`);
}

function expand(name: string, table: FieldTable): Schema {
  const properties: Schema = {};
  for (const [field, code] of Object.entries(table)) properties[field] = expandType(fieldType(code));
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
      const t = schemaTable(name);
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
