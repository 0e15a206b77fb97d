// OpenAPI v3: the index (/openapi/v3) and one document per group-version with the path operations
// (PATCH/PUT/POST carry `fieldValidation`, PATCH lists strategic-merge-patch for built-in kinds,
// each tagged with x-kubernetes-group-version-kind) and the component schemas. kubectl reads these
// to decide that the server validates fields and to compute strategic merge patches for apply.

import { createHash } from 'node:crypto';
import { apiVersionOf, verbsOf, type ResourceDefinition, type ResourceRegistry } from '../registry';
import { componentClosure, freeFormKindSchema, hasSchema } from './schemas';

type Json = Record<string, unknown>;

const PATCH_SCHEMA = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
const STATUS_SCHEMA = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';

const queryParam = (name: string, description: string): Json => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });
const WRITE_PARAMS = [
  queryParam('dryRun', 'When present, indicates that modifications should not be persisted. Valid value: All.'),
  queryParam('fieldManager', 'a name associated with the actor or entity that is making these changes.'),
  queryParam('fieldValidation', 'how the server handles unknown or duplicate fields: Ignore, Warn or Strict.'),
];
const LIST_PARAMS = ['labelSelector', 'fieldSelector', 'limit', 'continue', 'resourceVersion', 'timeoutSeconds', 'watch', 'allowWatchBookmarks'].map((n) => queryParam(n, n));

function schemaName(def: ResourceDefinition): string {
  if (def.schema && hasSchema(def.schema)) return def.schema;
  return `${def.group ? def.group.split('.').reverse().join('.') : 'core'}.${def.version}.${def.kind}`;
}

function content(name: string): Json {
  return { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } };
}

function op(def: ResourceDefinition, action: string, id: string, extra: Json = {}, kind = def.kind): Json {
  return {
    operationId: id,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: def.group, version: def.version, kind },
    responses: { '200': { description: 'OK', content: content(action === 'list' ? STATUS_SCHEMA : schemaName(def)) } },
    ...extra,
  };
}

function patchOp(def: ResourceDefinition, id: string): Json {
  const types = ['application/json-patch+json', 'application/merge-patch+json'];
  if (def.schema && hasSchema(def.schema)) types.push('application/strategic-merge-patch+json');
  const body: Json = {};
  for (const t of types) body[t] = { schema: { $ref: `#/components/schemas/${PATCH_SCHEMA}` } };
  return op(def, 'patch', id, { parameters: [...WRITE_PARAMS, queryParam('force', 'force')], requestBody: { content: body, required: true } });
}

function resourcePaths(def: ResourceDefinition, paths: Json): void {
  const base = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  const scope = def.namespaced ? `${base}/namespaces/{namespace}/${def.plural}` : `${base}/${def.plural}`;
  const verbs = new Set(verbsOf(def));
  const id = (verb: string): string => `${verb}${def.namespaced ? 'Namespaced' : ''}${def.kind}`;
  const collection: Json = {};
  if (verbs.has('list')) collection.get = op(def, 'list', id('list'), { parameters: LIST_PARAMS });
  if (verbs.has('create')) collection.post = op(def, 'post', id('create'), { parameters: WRITE_PARAMS, requestBody: { content: content(schemaName(def)), required: true } });
  if (verbs.has('deletecollection')) collection.delete = op(def, 'deletecollection', `deletecollection${def.kind}`, { parameters: LIST_PARAMS });
  paths[scope] = collection;
  if (def.namespaced && verbs.has('list')) paths[`${base}/${def.plural}`] = { get: op(def, 'list', `list${def.kind}ForAllNamespaces`, { parameters: LIST_PARAMS }) };
  const item: Json = {};
  if (verbs.has('get')) item.get = op(def, 'get', id('read'));
  if (verbs.has('update')) item.put = op(def, 'put', id('replace'), { parameters: WRITE_PARAMS, requestBody: { content: content(schemaName(def)), required: true } });
  if (verbs.has('patch')) item.patch = patchOp(def, id('patch'));
  if (verbs.has('delete')) item.delete = op(def, 'delete', id('delete'), { parameters: [...WRITE_PARAMS.slice(0, 1), queryParam('gracePeriodSeconds', ''), queryParam('propagationPolicy', '')] });
  paths[`${scope}/{name}`] = item;
  for (const sub of def.subresources ?? []) {
    if (sub !== 'status') continue;
    paths[`${scope}/{name}/status`] = {
      get: op(def, 'get', `${id('read')}Status`),
      put: op(def, 'put', `${id('replace')}Status`, { parameters: WRITE_PARAMS, requestBody: { content: content(schemaName(def)), required: true } }),
      patch: patchOp(def, `${id('patch')}Status`),
    };
  }
}

function buildDocument(registry: ResourceRegistry, group: string, version: string): Json {
  const defs = registry.inGroupVersion(group, version);
  const paths: Json = {};
  for (const d of defs) resourcePaths(d, paths);
  const schemas: Json = componentClosure(defs.map((d) => d.schema).filter((s): s is string => s !== undefined && hasSchema(s)));
  for (const d of defs) if (!(d.schema && hasSchema(d.schema))) schemas[schemaName(d)] = freeFormKindSchema(d.group, d.version, d.kind);
  Object.assign(schemas, componentClosure(['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']));
  schemas[PATCH_SCHEMA] = { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' };
  schemas[STATUS_SCHEMA] = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

export interface OpenApiDocs {
  /** The /openapi/v3 index. */
  index(): Json;
  /** The document for "api/v1" or "apis/apps/v1", serialized; undefined when no such group-version. */
  document(gv: string): { body: string; hash: string } | undefined;
}

/** Builds documents lazily on first request and keeps them (the registry is fixed once serving). */
export function createOpenApiDocs(registry: ResourceRegistry): OpenApiDocs {
  let docs: Map<string, { body: string; hash: string }> | undefined;
  const build = (): Map<string, { body: string; hash: string }> => {
    if (docs) return docs;
    docs = new Map();
    for (const g of registry.groups()) {
      for (const v of g.versions) {
        const body = JSON.stringify(buildDocument(registry, g.group, v));
        const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
        docs.set(g.group ? `apis/${apiVersionOf({ group: g.group, version: v })}` : `api/${v}`, { body, hash });
      }
    }
    return docs;
  };
  return {
    index() {
      const paths: Json = {};
      for (const [gv, d] of build()) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${d.hash}` };
      return { paths };
    },
    document: (gv) => build().get(gv),
  };
}
