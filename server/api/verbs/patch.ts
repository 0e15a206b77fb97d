// PATCH with JSON patch (RFC 6902, fast-json-patch), JSON merge patch (RFC 7386) or strategic
// merge patch (built-in kinds only). Server-side apply (apply-patch+yaml) is refused with 415.
// The patched object then goes through the same path as an update.

import { applyPatch, type Operation } from 'fast-json-patch';
import type { KubeObject } from '../../../shared/api/types';
import { FlotillaError } from '../../../shared/errors';
import { readJsonBody } from '../admission';
import { authorize } from '../auth';
import type { ResourceRequest } from '../context';
import { jsonMergePatch, strategicMergePatch } from '../../../shared/api/patch';
import { mediaType } from '../negotiate';
import { sendJson } from '../negotiate';
import { apiVersionOf } from '../registry';
import { warningHeaders } from './create';
import { prepareUpdate, writeWith } from './update';

export type PatchType = 'json' | 'merge' | 'strategic';

export function patchTypeOf(r: ResourceRequest): PatchType {
  const ct = mediaType(r.req);
  switch (ct) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      if (!r.def.schema) throw new FlotillaError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json`);
      return 'strategic';
    case 'application/apply-patch+yaml':
      throw new FlotillaError('UnsupportedMediaType', 'server-side apply (application/apply-patch+yaml) is not supported by Flotilla: use client-side `kubectl apply` (without --server-side)');
    default:
      throw new FlotillaError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
  }
}

/** fast-json-patch error names for operations that are well-formed but do not apply to the object. */
const APPLY_ERRORS = new Set(['TEST_OPERATION_FAILED', 'OPERATION_PATH_UNRESOLVABLE', 'OPERATION_PATH_CANNOT_ADD', 'OPERATION_FROM_UNRESOLVABLE', 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX', 'OPERATION_VALUE_OUT_OF_BOUNDS']);

/** Applies a decoded patch document of `type` to `target` (not mutated). */
export function applyPatchDocument(type: PatchType, target: KubeObject, patch: unknown): KubeObject {
  if (type === 'json') {
    if (!Array.isArray(patch)) throw new FlotillaError('BadRequest', 'a JSON patch must be an array of operations');
    try {
      return applyPatch(structuredClone(target), patch as Operation[], true, false).newDocument;
    } catch (err) {
      // As kube-apiserver: a malformed patch document is 400, a well-formed one that cannot apply is 422.
      const name = (err as { name?: string }).name ?? '';
      const code = APPLY_ERRORS.has(name) ? 'Invalid' : 'BadRequest';
      const { index, operation } = err as { index?: number; operation?: { op?: string; path?: string } };
      const where = index === undefined ? '' : `operation ${index} (${operation?.op ?? '?'} ${operation?.path ?? '?'}): `;
      throw new FlotillaError(code, `the JSON patch could not be applied: ${where}${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)}`, { cause: err });
    }
  }
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) throw new FlotillaError('BadRequest', 'a merge patch must be a JSON object');
  if (type === 'merge') return jsonMergePatch(target, patch) as KubeObject;
  return strategicMergePatch(target, patch);
}

/** The patched object must stay the same object: same apiVersion, kind, name and namespace. */
function checkPatchedIdentity(r: ResourceRequest, patched: KubeObject, current: KubeObject): KubeObject {
  if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) throw new FlotillaError('BadRequest', 'the patch did not produce an object');
  if (patched.apiVersion !== apiVersionOf(r.def) || patched.kind !== r.def.kind) {
    throw new FlotillaError('BadRequest', `the patch may not change apiVersion or kind (${String(patched.apiVersion)}, ${String(patched.kind)})`);
  }
  const meta = patched.metadata ?? {};
  if (meta.name !== current.metadata.name) throw new FlotillaError('BadRequest', `the name of the object (${String(meta.name)}) does not match the name on the URL (${r.name ?? ''})`);
  if ((meta.namespace ?? '') !== (current.metadata.namespace ?? '')) throw new FlotillaError('BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  return { ...patched, metadata: meta };
}

export async function handlePatch(r: ResourceRequest): Promise<void> {
  await authorize(r.identity, { verb: 'patch', group: r.def.group, resource: r.def.plural, subresource: r.subresource, namespace: r.namespace, name: r.name }, r.deps.store);
  const type = patchTypeOf(r);
  const patch = await readJsonBody(r);
  const dryRun = r.query.has('dryRun');
  let warnings: string[] = [];
  const updated = await writeWith(r, async (current) => {
    const patched = checkPatchedIdentity(r, applyPatchDocument(type, current, patch), current);
    const out = await prepareUpdate(r, patched, current, dryRun);
    warnings = out.warnings;
    return out.next;
  });
  sendJson(r.res, 200, updated, warningHeaders(warnings));
}
