// GET of one object and of collections (label/field selectors, Table output; `limit` is accepted
// and everything is returned in one page with no continue token).

import type { KubeObject } from '../../../shared/api/types';
import { FlotillaError } from '../../../shared/errors';
import { getOrNotFound, type ResourceRequest } from '../context';
import { parseFieldSelector, parseLabelSelector, type Selector } from '../../../shared/api/selectors';
import { sendJson, tableVersion } from '../negotiate';
import { apiVersionOf, storeResource, type ResourceDefinition } from '../registry';
import { buildTable, parseIncludeObject } from '../tables/table';

export interface ObjectFilter {
  labels: Selector;
  fields: Selector;
  def: ResourceDefinition;
}

/** The reader of a selectable field; own entries only ("constructor" is not a field). */
function selectable(def: ResourceDefinition, field: string): ((o: KubeObject) => string | undefined) | undefined {
  const fields = def.selectableFields;
  return fields && Object.hasOwn(fields, field) ? fields[field] : undefined;
}

/** Parses labelSelector/fieldSelector; 400 for a field the resource cannot be selected by. */
export function parseFilter(def: ResourceDefinition, query: URLSearchParams): ObjectFilter {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  for (const f of fields.keys) {
    if (f === 'metadata.name' || (f === 'metadata.namespace' && def.namespaced) || selectable(def, f)) continue;
    throw new FlotillaError('BadRequest', `field label not supported: ${f}`);
  }
  return { labels, fields, def };
}

export function matchesFilter(f: ObjectFilter, o: KubeObject): boolean {
  if (!f.labels.empty && !f.labels.matches(o.metadata.labels ?? {})) return false;
  if (f.fields.empty) return true;
  const values: Record<string, string | undefined> = { 'metadata.name': o.metadata.name, 'metadata.namespace': o.metadata.namespace ?? '' };
  for (const name of f.fields.keys) {
    const read = selectable(f.def, name);
    if (read) values[name] = read(o) ?? '';
  }
  return f.fields.matches(values);
}

function sendObjects(r: ResourceRequest, single: KubeObject | undefined, items: KubeObject[], resourceVersion: string): void {
  const tv = tableVersion(r.req.headers.accept);
  if (tv) {
    const table = buildTable(r.def, single ? [single] : items, {
      version: tv,
      includeObject: parseIncludeObject(r.query.get('includeObject')),
      now: r.now,
      withColumns: true,
      resourceVersion,
    });
    sendJson(r.res, 200, table);
    return;
  }
  if (single) sendJson(r.res, 200, single);
  else sendJson(r.res, 200, { kind: `${r.def.kind}List`, apiVersion: apiVersionOf(r.def), metadata: { resourceVersion }, items });
}

export async function handleGet(r: ResourceRequest): Promise<void> {
  const obj = await getOrNotFound(r);
  sendObjects(r, obj, [], obj.metadata.resourceVersion ?? '');
}

/** Lists the resource in the request's namespace (all namespaces when none) through `filter`. */
export async function listFiltered(r: ResourceRequest, filter: ObjectFilter): Promise<{ items: KubeObject[]; resourceVersion: string }> {
  const result = await r.deps.store.list(storeResource(r.def), r.def.namespaced && r.namespace ? { namespace: r.namespace } : {});
  return { items: result.items.filter((o) => matchesFilter(filter, o)), resourceVersion: result.resourceVersion };
}

export async function handleList(r: ResourceRequest): Promise<void> {
  const limit = r.query.get('limit');
  if (limit !== null && !/^\d+$/.test(limit)) throw new FlotillaError('BadRequest', `limit must be a non-negative integer: got "${limit}"`);
  const { items, resourceVersion } = await listFiltered(r, parseFilter(r.def, r.query));
  sendObjects(r, undefined, items, resourceVersion);
}
