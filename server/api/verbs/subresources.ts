// Subresources with their own shape: pods/binding (assigns spec.nodeName once: ../binding.ts), pods/eviction,
// pods/log (delegated to a PodLogProvider; 503 while no agent can serve it) and {deployments,
// replicasets}/scale as autoscaling/v1 Scale.

import type { KubeObject } from '../../../shared/api/types';
import { conflict, FlotillaError } from '../../../shared/errors';
import { applyBinding } from '../binding';
import { readJsonBody, readObjectBody } from '../admission';
import { authorize } from '../auth';
import { getOrNotFound, isDryRun, type ResourceRequest } from '../context';
import { sendJson } from '../negotiate';
import { successStatus } from '../status';
import { formatLabelSelector } from '../../../shared/api/selectors';
import type { LabelSelector } from '../../../shared/api/core';
import { obj, str } from '../tables/format';
import { deleteOne, readDeleteOptions } from './delete';
import { applyPatchDocument, patchTypeOf } from './patch';
import { MODIFIED_MESSAGE, writeWith } from './update';

export async function handleBinding(r: ResourceRequest): Promise<void> {
  await authorize(r.identity, { verb: 'create', group: '', resource: 'pods', subresource: 'binding', namespace: r.namespace, name: r.name }, r.deps.store);
  const binding = await readObjectBody(r, { apiVersion: 'v1', kind: 'Binding' });
  const target = obj(binding.target);
  const node = str(target.name);
  if (!node) throw new FlotillaError('Invalid', `Binding "${r.name ?? ''}" is invalid: target.name: Required value`, { details: { kind: 'Binding', name: r.name ?? '', causes: [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }] } });
  if (binding.metadata.name && binding.metadata.name !== r.name) throw new FlotillaError('BadRequest', `the name of the object (${binding.metadata.name}) does not match the name on the URL (${r.name ?? ''})`);
  await writeWith(r, async (pod) => applyBinding(pod, { nodeName: node, uid: binding.metadata.uid, annotations: binding.metadata.annotations }, r.now));
  sendJson(r.res, 201, successStatus(undefined));
}

export async function handleEviction(r: ResourceRequest): Promise<void> {
  await authorize(r.identity, { verb: 'create', group: '', resource: 'pods', subresource: 'eviction', namespace: r.namespace, name: r.name }, r.deps.store);
  const eviction = await readObjectBody(r, { apiVersion: 'policy/v1', kind: 'Eviction' });
  const opts = obj(eviction.deleteOptions);
  const grace = typeof opts.gracePeriodSeconds === 'number' ? opts.gracePeriodSeconds : undefined;
  await deleteOne(r, r.name ?? '', grace !== undefined ? { gracePeriodSeconds: grace } : {}, isDryRun(r));
  sendJson(r.res, 201, successStatus(undefined));
}

export async function handleLog(r: ResourceRequest): Promise<void> {
  await authorize(r.identity, { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: r.namespace, name: r.name }, r.deps.store);
  const pod = await getOrNotFound(r);
  const node = str(obj(pod.spec).nodeName);
  if (!node) throw new FlotillaError('BadRequest', `pod ${r.name ?? ''} is not yet scheduled to a node: no logs yet`);
  if (!r.deps.podLogs) throw new FlotillaError('ServiceUnavailable', `no agent connected for node "${node}": logs of pod ${r.namespace ?? ''}/${r.name ?? ''} are not available`);
  await r.deps.podLogs(pod, r.query, r.res);
}

function toScale(o: KubeObject): KubeObject {
  const m = o.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: obj(o.spec).replicas ?? 1 },
    status: { replicas: obj(o.status).replicas ?? 0, selector: formatLabelSelector(obj(o.spec).selector as LabelSelector | undefined) },
  };
}

function replicasOf(scale: unknown): number {
  const replicas = obj(obj(scale).spec).replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new FlotillaError('Invalid', `Scale.autoscaling "" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {
      details: { kind: 'Scale', group: 'autoscaling', causes: [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: 'must be greater than or equal to 0' }] },
    });
  }
  return replicas;
}

export async function handleScale(r: ResourceRequest, verb: 'get' | 'update' | 'patch'): Promise<void> {
  await authorize(r.identity, { verb, group: r.def.group, resource: r.def.plural, subresource: 'scale', namespace: r.namespace, name: r.name }, r.deps.store);
  if (verb === 'get') {
    sendJson(r.res, 200, toScale(await getOrNotFound(r)));
    return;
  }
  const body = verb === 'update' ? await readObjectBody(r, { apiVersion: 'autoscaling/v1', kind: 'Scale' }) : await readJsonBody(r);
  const type = verb === 'patch' ? patchTypeOf(r) : undefined;
  const updated = await writeWith(r, async (current) => {
    const scale = type ? applyPatchDocument(type, toScale(current), body) : (body as KubeObject);
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(r.def.plural, r.name ?? '', MODIFIED_MESSAGE, r.def.group);
    return { ...current, spec: { ...obj(current.spec), replicas: replicasOf(scale) } };
  });
  sendJson(r.res, 200, toScale(updated));
}
