// The Endpoints controller: for every Service with a selector, an Endpoints object of the same
// name listing the selected pods that have an IP — ready ones under `addresses`, the others under
// `notReadyAddresses` — with their node and a targetRef, and the Service's ports resolved against
// each pod's container ports (targetPort by number or by name), grouped like RepackSubsets.

import type { ContainerPort, EndpointAddress, EndpointSubset, Endpoints, Pod, Service, ServicePort } from '../../../shared/api/core';
import { isFlotillaError } from '../../../shared/errors';
import type { Cached } from '../../informer/informer';
import { deepEqual } from '../../store/object-meta';
import { informerWatch, objectKey, splitKey, type InformerWatch, type Reconciler } from '../controller';
import { BY_NAMESPACE, type ControllerContext } from '../context';
import { ignoreNotFound } from '../util/claim';
import { isPodReady, isPodTerminal } from '../util/pods';

type EndpointPort = NonNullable<EndpointSubset['ports']>[number];

function selects(svc: Cached<Service>, labels: Readonly<Record<string, string>> | undefined): boolean {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return false;
  const l = labels ?? {};
  return Object.entries(sel).every(([k, v]) => l[k] === v);
}

/** podutil.FindPort: a targetPort number as is, a name through the pod's container ports. */
function findPort(pod: Cached<Pod>, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  for (const c of pod.spec.containers) {
    const found = (c.ports ?? []).find((p: ContainerPort) => p.name === target && (p.protocol ?? 'TCP') === protocol);
    if (found) return found.containerPort;
  }
  return undefined;
}

export function endpointSubsets(svc: Cached<Service>, pods: readonly Cached<Pod>[]): EndpointSubset[] {
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  const publishNotReady = (svc.spec as { publishNotReadyAddresses?: boolean }).publishNotReadyAddresses === true;
  for (const pod of pods) {
    const ip = pod.status?.podIP;
    if (!ip || pod.metadata.deletionTimestamp || isPodTerminal(pod)) continue;
    const ports: EndpointPort[] = [];
    let resolved = true;
    for (const sp of svc.spec.ports ?? []) {
      const n = findPort(pod, sp);
      if (n === undefined) {
        resolved = false;
        break;
      }
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port: n, protocol: sp.protocol ?? 'TCP' });
    }
    if (!resolved) continue;
    const address: EndpointAddress = {
      ip,
      ...(pod.spec.hostname && pod.spec.subdomain === svc.metadata.name ? { hostname: pod.spec.hostname } : {}),
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
    };
    ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port);
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    (publishNotReady || isPodReady(pod) ? g.ready : g.notReady).push(address);
  }
  const byIp = (a: EndpointAddress, b: EndpointAddress) => a.ip.localeCompare(b.ip) || (a.targetRef?.name ?? '').localeCompare(b.targetRef?.name ?? '');
  return [...groups.values()].map((g) => ({
    ...(g.ready.length ? { addresses: g.ready.sort(byIp) } : {}),
    ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
    ...(g.ports.length ? { ports: g.ports } : {}),
  }));
}

export class EndpointsReconciler implements Reconciler {
  readonly name = 'endpoints';
  readonly primary = 'services';
  readonly watches = [];
  readonly informerWatches: InformerWatch[];

  constructor(private readonly ctx: ControllerContext) {
    const { services, pods, endpoints } = ctx.informers;
    this.informerWatches = [
      informerWatch(services, (_t, svc) => [objectKey(svc.metadata.namespace, svc.metadata.name)]),
      // Endpoints deleted behind our back are recreated; others (hand-made ones) are not ours to judge.
      informerWatch(endpoints, (type, ep) => (type === 'DELETED' ? [objectKey(ep.metadata.namespace, ep.metadata.name)] : [])),
      informerWatch(pods, (_t, pod, old) => {
        const ns = pod.metadata.namespace ?? '';
        return services
          .byIndex(BY_NAMESPACE, ns)
          .filter((svc) => selects(svc, pod.metadata.labels) || (old !== undefined && selects(svc, old.metadata.labels)))
          .map((svc) => objectKey(ns, svc.metadata.name));
      }),
    ];
  }

  async reconcile(key: string): Promise<void> {
    const { informers, store } = this.ctx;
    const { namespace = '', name } = splitKey(key);
    const svc = informers.services.get(key);
    const current = informers.endpoints.get(key);
    const ref = { resource: 'endpoints', namespace, name };
    if (!svc) {
      // The Service is gone: so are the Endpoints this controller kept for it.
      if (current) await ignoreNotFound(store.delete(ref, current.metadata.uid ? { preconditions: { uid: current.metadata.uid } } : {}));
      return;
    }
    if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) return;
    const pods = informers.pods.byIndex(BY_NAMESPACE, namespace).filter((p) => selects(svc, p.metadata.labels));
    const subsets = endpointSubsets(svc, pods);
    const labels = { ...(svc.metadata.labels ?? {}) };
    if (current && deepEqual(current.subsets ?? [], subsets) && deepEqual(current.metadata.labels ?? {}, labels)) return;
    const desired: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, ...(Object.keys(labels).length ? { labels } : {}) }, ...(subsets.length ? { subsets } : {}) };
    if (!current) {
      try {
        await store.create('endpoints', desired);
      } catch (err) {
        if (!isFlotillaError(err, 'AlreadyExists')) throw err;
      }
      return;
    }
    await ignoreNotFound(store.guaranteedUpdate(ref, (cur) => {
      const next: Endpoints = { ...(cur as Endpoints), metadata: { ...cur.metadata, ...(desired.metadata.labels ? { labels: desired.metadata.labels } : {}) } };
      if (!desired.metadata.labels) delete next.metadata.labels;
      if (subsets.length) next.subsets = subsets;
      else delete next.subsets;
      return next;
    }));
  }
}
