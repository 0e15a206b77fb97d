// Lookups in the schema table: the schema groups by component-name prefix, a schema's field table
// by full or short name, and the component name of a served kind.

import type { FieldTable } from './codes';
import { KIND_SCHEMAS } from './tables/kinds';
import { CORE_V1 } from './tables/core';
import { META_V1 } from './tables/meta';
import { POD_V1 } from './tables/pod';
import { APPS_V1, AUTOSCALING_V1, BATCH_V1, COORDINATION_V1 } from './tables/workloads';

/** Schema groups: component-name prefix → schemas by short name. Short names are unique across groups. */
export const SCHEMA_GROUPS: Record<string, Record<string, FieldTable>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1': META_V1,
  'io.k8s.api.core.v1': { ...CORE_V1, ...POD_V1 },
  'io.k8s.api.apps.v1': APPS_V1,
  'io.k8s.api.batch.v1': BATCH_V1,
  'io.k8s.api.coordination.v1': COORDINATION_V1,
  'io.k8s.api.autoscaling.v1': AUTOSCALING_V1,
};

let shortIndex: Map<string, string> | undefined;
let kindIndex: Map<string, string> | undefined;

/** "PodSpec" → "io.k8s.api.core.v1.PodSpec". Throws for a name not in the table (a bug in the table). */
export function fullSchemaName(short: string): string {
  if (!shortIndex) {
    shortIndex = new Map();
    for (const [prefix, schemas] of Object.entries(SCHEMA_GROUPS)) for (const name of Object.keys(schemas)) shortIndex.set(name, `${prefix}.${name}`);
  }
  const full = shortIndex.get(short);
  if (!full) throw new Error(`schema table: unknown schema "${short}"`);
  return full;
}

/**
 * The field table of a schema, by full component name ("io.k8s.api.apps.v1.Deployment") or short
 * name ("PodSpec"). Top-level kinds get apiVersion, kind and metadata added. undefined = not in the
 * table (a free-form kind).
 */
export function schemaTable(name: string): FieldTable | undefined {
  const kind = KIND_SCHEMAS[name];
  if (kind) return { apiVersion: 's', kind: 's', metadata: 'ObjectMeta', ...kind.fields };
  const dot = name.lastIndexOf('.');
  if (dot < 0) {
    for (const schemas of Object.values(SCHEMA_GROUPS)) if (schemas[name]) return schemas[name];
    return undefined;
  }
  return SCHEMA_GROUPS[name.slice(0, dot)]?.[name.slice(dot + 1)];
}

/**
 * The component name of a served kind: schemaNameOf("apps/v1", "Deployment") →
 * "io.k8s.api.apps.v1.Deployment". undefined when the table has no such kind.
 */
export function schemaNameOf(apiVersion: string, kind: string): string | undefined {
  if (!kindIndex) {
    kindIndex = new Map();
    for (const [name, k] of Object.entries(KIND_SCHEMAS)) kindIndex.set(`${k.group ? `${k.group}/` : ''}${k.version}/${k.kind}`, name);
  }
  return kindIndex.get(`${apiVersion}/${kind}`);
}
