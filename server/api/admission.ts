// The checks every write passes before the store is touched: body decoding, apiVersion/kind/name/
// namespace against the URL, the namespace's lifecycle, unknown fields (fieldValidation),
// defaults, the kind's strategy hooks and validation. Nothing is written when any of them fails.

import type { KubeObject } from '../../shared/api/types';
import { FlotillaError, invalidError } from '../../shared/errors';
import { isFlotillaError } from '../../shared/errors';
import type { ResourceRequest } from './context';
import { decodeBody, mediaType, readBody } from './negotiate';
import { applyDefaults } from '../../shared/api/defaults';
import { unknownFields } from '../../shared/api/schema';
import { validateObject } from '../../shared/api/validation';
import { apiVersionOf, type StrategyContext } from './registry';

export async function readJsonBody(r: ResourceRequest): Promise<unknown> {
  const body = await readBody(r.req, r.deps.maxBodyBytes);
  return decodeBody(body, mediaType(r.req));
}

/** Decodes the request body as an object of this resource's (or `expected`) apiVersion and kind. */
export async function readObjectBody(r: ResourceRequest, expected = { apiVersion: apiVersionOf(r.def), kind: r.def.kind }): Promise<KubeObject> {
  const raw = await readJsonBody(r);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new FlotillaError('BadRequest', 'the request body must be a JSON object');
  const o = raw as Record<string, unknown>;
  if (typeof o.kind !== 'string' || o.kind === '') throw new FlotillaError('BadRequest', `Object 'Kind' is missing in '${JSON.stringify(raw).slice(0, 200)}'`);
  if (o.apiVersion !== undefined && o.apiVersion !== expected.apiVersion) {
    throw new FlotillaError('BadRequest', `the API version in the data (${String(o.apiVersion)}) does not match the expected API version (${expected.apiVersion})`);
  }
  if (o.kind !== expected.kind) throw new FlotillaError('BadRequest', `the kind in the data (${o.kind}) does not match the expected kind (${expected.kind})`);
  if (o.metadata !== undefined && (o.metadata === null || typeof o.metadata !== 'object' || Array.isArray(o.metadata))) {
    throw new FlotillaError('BadRequest', 'metadata must be an object');
  }
  return { ...o, apiVersion: expected.apiVersion, kind: expected.kind, metadata: { ...(o.metadata as object | undefined) } } as KubeObject;
}

/** Makes the object's namespace and name agree with the URL; 400 when they contradict it. */
export function checkIdentity(r: ResourceRequest, obj: KubeObject): void {
  const meta = obj.metadata;
  if (r.def.namespaced) {
    if (meta.namespace && meta.namespace !== r.namespace) throw new FlotillaError('BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    meta.namespace = r.namespace;
  } else delete meta.namespace;
  if (r.name !== undefined) {
    if (meta.name && meta.name !== r.name) throw new FlotillaError('BadRequest', `the name of the object (${meta.name}) does not match the name on the URL (${r.name})`);
    meta.name = r.name;
  }
}

/** Creating in a missing namespace is 404, in a terminating one 403 (Kubernetes' NamespaceLifecycle). */
export async function ensureNamespaceAcceptsCreate(r: ResourceRequest): Promise<void> {
  if (!r.def.namespaced || !r.namespace) return;
  const ns = await r.deps.store.get({ resource: 'namespaces', name: r.namespace });
  if (!ns) throw new FlotillaError('NotFound', `namespaces "${r.namespace}" not found`, { details: { kind: 'namespaces', name: r.namespace } });
  if (ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
    throw new FlotillaError('Forbidden', `unable to create new content in namespace ${r.namespace} because it is being terminated`, {
      details: { kind: r.def.plural, group: r.def.group, ...(r.name ? { name: r.name } : {}) },
    });
  }
}

/** Drops what only the server sets on create. */
export function stripServerFields(obj: KubeObject): void {
  const m = obj.metadata;
  delete m.uid;
  delete m.resourceVersion;
  delete m.creationTimestamp;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.generation;
  delete m.managedFields;
  delete (m as Record<string, unknown>).selfLink;
}

/**
 * Applies `fieldValidation` (Strict: 400 listing the unknown fields; Warn (default): returns
 * warnings; Ignore: nothing). Returns the Warning header values to send.
 */
export function checkUnknownFields(r: ResourceRequest, obj: KubeObject): string[] {
  const mode = r.query.get('fieldValidation') ?? 'Warn';
  if (mode !== 'Strict' && mode !== 'Warn' && mode !== 'Ignore') {
    throw new FlotillaError('BadRequest', `fieldValidation must be one of "Ignore", "Warn" or "Strict": got "${mode}"`);
  }
  if (mode === 'Ignore' || !r.def.schema) return [];
  const unknown = unknownFields(obj as unknown as Record<string, unknown>, r.def.schema);
  if (unknown.length === 0) return [];
  if (mode === 'Strict') throw new FlotillaError('BadRequest', `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  return unknown.map((f) => `299 - "unknown field \\"${f}\\""`);
}

/**
 * Defaults (shared/api/defaults), the strategy's prepare hook, then validation (shared/api/validation
 * plus the strategy's own); 422 Invalid with every bad field. On create the object carries the uid
 * the server picked (a Job's generated selector names it).
 */
export async function admit(r: ResourceRequest, obj: KubeObject, old: KubeObject | undefined, ctx: StrategyContext): Promise<void> {
  applyDefaults(obj);
  const strategy = r.def.strategy;
  if (old) await strategy?.prepareForUpdate?.(obj, old, ctx);
  else await strategy?.prepareForCreate?.(obj, ctx);
  const errors = [...validateObject(obj, old ? { old } : {}), ...(strategy?.validate?.(obj, old) ?? [])];
  if (errors.length > 0) throw invalidError(r.def.kind, r.def.group, obj.metadata.name ?? obj.metadata.generateName ?? '', errors);
}

export function isNotFound(err: unknown): boolean {
  return isFlotillaError(err, 'NotFound');
}
