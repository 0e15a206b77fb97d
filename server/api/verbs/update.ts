// PUT of an object or its status subresource. The main resource keeps the stored status; the status
// subresource changes only status. Runs inside the store's read-modify-write so concurrent writers
// cannot interleave; the body's resourceVersion is a precondition (409 when stale).

import type { KubeObject, ObjectMeta } from '../../../shared/api/types';
import { conflict, FlotillaError } from '../../../shared/errors';
import { admit, checkIdentity, checkUnknownFields, readObjectBody } from '../admission';
import { authorize } from '../auth';
import { getOrNotFound, isDryRun, refOf, strategyContext, type ResourceRequest } from '../context';
import { sendJson } from '../negotiate';
import { warningHeaders } from './create';

export const MODIFIED_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

/** Carries the fields only the server owns from the stored object over to the new one. */
function keepServerMeta(next: ObjectMeta, current: ObjectMeta): void {
  next.uid = current.uid;
  next.creationTimestamp = current.creationTimestamp;
  if (current.generation !== undefined) next.generation = current.generation;
  if (current.deletionTimestamp) next.deletionTimestamp = current.deletionTimestamp;
  else delete next.deletionTimestamp;
  if (current.deletionGracePeriodSeconds !== undefined) next.deletionGracePeriodSeconds = current.deletionGracePeriodSeconds;
  else delete next.deletionGracePeriodSeconds;
  delete next.managedFields;
}

/**
 * Turns a desired object into the one to store: for the main resource the status stays as stored
 * (when the kind has a status subresource); for "status" only the status is taken. Runs admission.
 * Returns the object and the unknown-field warnings.
 */
export async function prepareUpdate(r: ResourceRequest, desired: KubeObject, current: KubeObject, dryRun: boolean): Promise<{ next: KubeObject; warnings: string[] }> {
  const wantedRv = desired.metadata.resourceVersion;
  if (wantedRv && wantedRv !== current.metadata.resourceVersion) throw conflict(r.def.plural, current.metadata.name ?? '', MODIFIED_MESSAGE, r.def.group);
  let next: KubeObject;
  if (r.subresource === 'status') {
    next = structuredClone(current);
    if (desired.status === undefined) delete next.status;
    else next.status = desired.status;
  } else {
    next = desired;
    keepServerMeta(next.metadata, current.metadata);
    if (r.def.subresources?.includes('status')) {
      if (current.status === undefined) delete next.status;
      else next.status = structuredClone(current.status);
    }
  }
  next.metadata.resourceVersion = current.metadata.resourceVersion;
  const warnings = checkUnknownFields(r, next);
  if (r.subresource !== 'status') await admit(r, next, current, strategyContext(r, dryRun));
  return { next, warnings };
}

/**
 * Read-modify-write of the addressed object: `build` gets the current object and returns the new
 * one. With dryRun=All it runs once on a plain read and nothing is written.
 */
export async function writeWith(r: ResourceRequest, build: (current: KubeObject) => Promise<KubeObject>, preconditions?: { resourceVersion?: string }): Promise<KubeObject> {
  if (isDryRun(r)) {
    const current = await getOrNotFound(r);
    if (preconditions?.resourceVersion && preconditions.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(r.def.plural, r.name ?? '', MODIFIED_MESSAGE, r.def.group);
    }
    return build(current);
  }
  return r.deps.store.guaranteedUpdate(refOf(r), build, preconditions ? { preconditions } : {});
}

export async function handleUpdate(r: ResourceRequest): Promise<void> {
  await authorize(r.identity, { verb: 'update', group: r.def.group, resource: r.def.plural, subresource: r.subresource, namespace: r.namespace, name: r.name }, r.deps.store);
  const desired = await readObjectBody(r);
  checkIdentity(r, desired);
  if (!r.name) throw new FlotillaError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const dryRun = isDryRun(r);
  let warnings: string[] = [];
  const rv = desired.metadata.resourceVersion;
  const updated = await writeWith(r, async (current) => {
    const out = await prepareUpdate(r, structuredClone(desired), current, dryRun);
    warnings = out.warnings;
    return out.next;
  }, rv ? { resourceVersion: rv } : undefined);
  sendJson(r.res, 200, updated, warningHeaders(warnings));
}
