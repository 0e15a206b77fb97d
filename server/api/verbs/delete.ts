// DELETE of one object and of a collection. DeleteOptions come from the body or the query
// (gracePeriodSeconds, propagationPolicy, preconditions, dryRun). Foreground adds the
// `foregroundDeletion` finalizer and Orphan the `orphan` finalizer for the garbage collector
// (server/controllers/gc), Background (the default) neither; orphanDependents is the old Orphan;
// the kind's strategy picks the grace period (pods bound to a node) or turns the delete into a
// mark (namespaces with spec.finalizers).

import type { KubeObject } from '../../../shared/api/types';
import { conflict, FlotillaError } from '../../../shared/errors';
import { readJsonBody } from '../admission';
import { authorize } from '../auth';
import { isDryRun, notFoundFor, refOf, type ResourceRequest } from '../context';
import { sendJson } from '../negotiate';
import { apiVersionOf } from '../registry';
import { successStatus } from '../status';
import { listFiltered, parseFilter } from './read';

export interface DeleteOptionsInput {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

const POLICY_FINALIZER: Record<string, string> = { Foreground: 'foregroundDeletion', Orphan: 'orphan' };

/** Reads DeleteOptions from the body (if any) and the query; 400 on bad values. */
export async function readDeleteOptions(r: ResourceRequest): Promise<DeleteOptionsInput> {
  const hasBody = Number(r.req.headers['content-length'] ?? 0) > 0 || r.req.headers['transfer-encoding'] !== undefined;
  const body = hasBody ? await readJsonBody(r).catch((err: unknown) => {
    if (err instanceof FlotillaError && err.message === 'the request body is empty') return {};
    throw err;
  }) : {};
  const o = (body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const out: DeleteOptionsInput = {};
  const grace = o.gracePeriodSeconds ?? (r.query.has('gracePeriodSeconds') ? Number(r.query.get('gracePeriodSeconds')) : undefined);
  if (grace !== undefined) {
    if (typeof grace !== 'number' || !Number.isInteger(grace)) throw new FlotillaError('BadRequest', `gracePeriodSeconds must be an integer: got ${JSON.stringify(grace)}`);
    out.gracePeriodSeconds = Math.max(0, grace);
  }
  let policy = o.propagationPolicy ?? r.query.get('propagationPolicy') ?? undefined;
  const orphanDependents = o.orphanDependents ?? (r.query.has('orphanDependents') ? r.query.get('orphanDependents') === 'true' : undefined);
  if (policy !== undefined && orphanDependents !== undefined) {
    throw new FlotillaError('Invalid', 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "' + String(policy) + '": orphanDependents and deletionPropagation cannot be both set', {
      details: { kind: 'DeleteOptions', group: 'meta.k8s.io', causes: [{ reason: 'FieldValueInvalid', field: 'propagationPolicy', message: 'orphanDependents and deletionPropagation cannot be both set' }] },
    });
  }
  // The deprecated orphanDependents: true is Orphan, false is Background.
  if (orphanDependents !== undefined) policy = orphanDependents === true ? 'Orphan' : 'Background';
  if (policy !== undefined) {
    if (policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') throw new FlotillaError('BadRequest', `propagationPolicy must be one of Orphan, Background, Foreground: got ${JSON.stringify(policy)}`);
    out.propagationPolicy = policy;
  }
  const pre = o.preconditions;
  if (pre !== undefined && pre !== null && typeof pre === 'object') {
    const p = pre as Record<string, unknown>;
    out.preconditions = { ...(typeof p.uid === 'string' ? { uid: p.uid } : {}), ...(typeof p.resourceVersion === 'string' ? { resourceVersion: p.resourceVersion } : {}) };
  }
  return out;
}

/**
 * The garbage-collection finalizers an explicit policy asks for (Kubernetes' deletionFinalizers):
 * Orphan adds `orphan`, Foreground adds `foregroundDeletion`, each removing the other, and
 * Background removes both. No policy leaves the finalizers as they are.
 */
function withPolicyFinalizers(o: KubeObject, policy: DeleteOptionsInput['propagationPolicy']): KubeObject {
  if (!policy) return o;
  const wanted = POLICY_FINALIZER[policy];
  const kept = (o.metadata.finalizers ?? []).filter((f) => !Object.values(POLICY_FINALIZER).includes(f) || f === wanted);
  if (wanted && !kept.includes(wanted)) kept.push(wanted);
  if (kept.length > 0) o.metadata.finalizers = kept;
  else delete o.metadata.finalizers;
  return o;
}

function sameFinalizers(a: KubeObject, b: KubeObject): boolean {
  return (a.metadata.finalizers ?? []).join('\n') === (b.metadata.finalizers ?? []).join('\n');
}

/** Deletes (or marks) one object. `deleted` false = it stays with deletionTimestamp set. */
export async function deleteOne(r: ResourceRequest, name: string, opts: DeleteOptionsInput, dryRun: boolean): Promise<{ object: KubeObject; deleted: boolean }> {
  const ref = refOf(r, name);
  const store = r.deps.store;
  const current = await store.get(ref);
  if (!current) throw notFoundFor(r, name);
  const pre = opts.preconditions ?? {};
  if (pre.uid && pre.uid !== current.metadata.uid) throw conflict(r.def.plural, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`, r.def.group);
  if (pre.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(r.def.plural, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`, r.def.group);
  }
  const policy = opts.propagationPolicy;
  const strategy = r.def.strategy;
  const preconditions = Object.keys(pre).length ? { preconditions: pre } : {};
  if (!current.metadata.deletionTimestamp && strategy?.beginDeletion?.(structuredClone(current), r.now)) {
    const mark = (o: KubeObject): KubeObject => withPolicyFinalizers(strategy.beginDeletion?.(o, r.now) ?? o, policy);
    if (dryRun) return { object: mark(structuredClone(current)), deleted: false };
    return { object: await store.guaranteedUpdate(ref, mark, preconditions), deleted: false };
  }
  const grace = strategy?.gracePeriodFor?.(current, opts.gracePeriodSeconds) ?? 0;
  const wanted = withPolicyFinalizers(structuredClone(current), policy);
  const changesFinalizers = !sameFinalizers(wanted, current);
  if (dryRun) {
    const stays = (wanted.metadata.finalizers?.length ?? 0) > 0 || grace > 0;
    return { object: wanted, deleted: !stays };
  }
  if (changesFinalizers) {
    // Dropping the last finalizer of an object already being deleted removes it (store contract).
    const updated = await store.guaranteedUpdate(ref, (o) => withPolicyFinalizers(o, policy), preconditions);
    if (current.metadata.deletionTimestamp && (updated.metadata.finalizers?.length ?? 0) === 0) {
      const still = await store.get(ref);
      if (!still) return { object: updated, deleted: true };
    }
  }
  return store.delete(ref, { ...preconditions, gracePeriodSeconds: grace });
}

export async function handleDelete(r: ResourceRequest): Promise<void> {
  const name = r.name ?? '';
  await authorize(r.identity, { verb: 'delete', group: r.def.group, resource: r.def.plural, namespace: r.namespace, name }, r.deps.store);
  const opts = await readDeleteOptions(r);
  const { object, deleted } = await deleteOne(r, name, opts, isDryRun(r));
  if (!deleted) {
    sendJson(r.res, 200, object);
    return;
  }
  sendJson(r.res, 200, successStatus({ name, group: r.def.group, kind: r.def.plural, ...(object.metadata.uid ? { uid: object.metadata.uid } : {}) }));
}

export async function handleDeleteCollection(r: ResourceRequest): Promise<void> {
  await authorize(r.identity, { verb: 'deletecollection', group: r.def.group, resource: r.def.plural, namespace: r.namespace }, r.deps.store);
  const opts = await readDeleteOptions(r);
  const dryRun = isDryRun(r);
  const { items, resourceVersion } = await listFiltered(r, parseFilter(r.def, r.query));
  const done: KubeObject[] = [];
  for (const item of items) {
    try {
      done.push((await deleteOne({ ...r, namespace: item.metadata.namespace }, item.metadata.name ?? '', opts, dryRun)).object);
    } catch (err) {
      if (!(err instanceof FlotillaError && err.code === 'NotFound')) throw err;
    }
  }
  sendJson(r.res, 200, { kind: `${r.def.kind}List`, apiVersion: apiVersionOf(r.def), metadata: { resourceVersion }, items: done });
}
