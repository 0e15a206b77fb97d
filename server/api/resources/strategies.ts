// Kind-specific write behaviour of the built-in kinds (Kubernetes' registry "strategies"): what the
// server sets on create, what it carries over on update, and grace periods on delete. Defaults and
// validation are shared/api's (run by admission around these hooks).

import type { KubeObject } from '../../../shared/api/types';
import { compareQuantities, tryParseQuantity } from '../../../shared/api/quantity';
import type { ResourceStrategy } from '../registry';
import { arr, obj, str } from '../tables/format';

type Json = Record<string, unknown>;

function resourcesOf(c: Json): { requests: Json; limits: Json } {
  const r = obj(c.resources);
  return { requests: obj(r.requests), limits: obj(r.limits) };
}

function sameQuantity(a: unknown, b: unknown): boolean {
  const qa = tryParseQuantity(a);
  const qb = tryParseQuantity(b);
  return qa && qb ? compareQuantities(qa, qb) === 0 : String(a) === String(b);
}

/** Kubernetes' QoS class (pkg/apis/core/helper/qos): BestEffort, Guaranteed or Burstable. */
export function qosClass(podSpec: Json): 'BestEffort' | 'Guaranteed' | 'Burstable' {
  const containers = [...arr(podSpec.containers), ...arr(podSpec.initContainers)].map(obj);
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const { requests, limits } = resourcesOf(c);
    for (const res of ['cpu', 'memory']) {
      const req = requests[res];
      const lim = limits[res];
      if (req !== undefined || lim !== undefined) any = true;
      if (lim === undefined) guaranteed = false;
      else if (req !== undefined && !sameQuantity(req, lim)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function withStatus(o: KubeObject, status: Json): void {
  o.status = { ...obj(o.status), ...status };
}

export const podStrategy: ResourceStrategy = {
  prepareForCreate(o) {
    // A new pod's status is the server's to set: only the phase and QoS class at creation.
    o.status = { phase: 'Pending', qosClass: qosClass(obj(o.spec)) };
  },
  gracePeriodFor(o, requested) {
    // Only a pod an agent runs needs time to stop; an unbound pod goes at once.
    if (!str(obj(o.spec).nodeName)) return 0;
    const fromSpec = obj(o.spec).terminationGracePeriodSeconds;
    return requested ?? (typeof fromSpec === 'number' ? fromSpec : 30);
  },
};

export const namespaceStrategy: ResourceStrategy = {
  prepareForCreate(o) {
    o.spec = { ...obj(o.spec), finalizers: ['kubernetes'] };
    o.status = { phase: 'Active' };
  },
  prepareForUpdate(o, old) {
    // spec.finalizers only changes through the finalize subresource (the namespace controller).
    o.spec = { ...obj(o.spec), finalizers: obj(old.spec).finalizers };
  },
  beginDeletion(o, now) {
    if (arr(obj(o.spec).finalizers).length === 0) return undefined;
    o.metadata.deletionTimestamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    o.metadata.deletionGracePeriodSeconds = 0;
    o.status = { ...obj(o.status), phase: 'Terminating' };
    return o;
  },
};

/** Secrets: stringData is write-only, folded into data (base64) as Kubernetes does. */
export const secretStrategy: ResourceStrategy = {
  prepareForCreate: foldStringData,
  prepareForUpdate: (o) => foldStringData(o),
};

function foldStringData(o: KubeObject): void {
  const stringData = obj(o.stringData);
  if (o.stringData === undefined) return;
  const data = { ...obj(o.data) };
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(str(v), 'utf8').toString('base64');
  o.data = data;
  delete o.stringData;
}

export const nodeStrategy: ResourceStrategy = {
  prepareForCreate(o) {
    if (o.status === undefined) o.status = {};
  },
};

export const serviceStrategy: ResourceStrategy = {
  prepareForCreate(o) {
    withStatus(o, { loadBalancer: {} });
  },
  prepareForUpdate(o, old) {
    // clusterIP is immutable once set.
    const spec = obj(o.spec);
    const oldIp = obj(old.spec).clusterIP;
    if (spec.clusterIP === undefined && oldIp !== undefined) spec.clusterIP = oldIp;
    o.spec = spec;
  },
};

function workloadStatus(fields: string[]): ResourceStrategy {
  return {
    prepareForCreate(o) {
      const st: Json = {};
      for (const f of fields) st[f] = 0;
      o.status = fields.length ? st : {};
    },
  };
}

export const deploymentStrategy = workloadStatus([]);
export const replicaSetStrategy = workloadStatus(['replicas']);
export const daemonSetStrategy = workloadStatus(['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady']);
export const jobStrategy: ResourceStrategy = { prepareForCreate: (o) => void (o.status = {}) };
export const cronJobStrategy: ResourceStrategy = { prepareForCreate: (o) => void (o.status = {}) };
