// Resource vectors as the scheduler counts them (milli-CPU, bytes, pod slots, extended resources) and
// a pod's effective request: Kubernetes' rule for init and sidecar containers plus pod overhead.

import type { Container, PodSpec, ResourceList } from '../../../shared/api/core';
import { quantityMilli, quantityValue } from './quantity';

export interface Resource {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Pod slots: on allocatable, how many pods fit; on a pod's request, unused (0). */
  pods: number;
  /** Extended and other resources (e.g. "flotilla.io/camera"), in whole units. Undefined when none. */
  scalar: Map<string, number> | undefined;
}

/** Scoring pretends pods without CPU or memory requests ask for this much (schedutil's defaults). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResource(): Resource {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: undefined };
}

export function resourceFromList(list: Readonly<ResourceList> | undefined): Resource {
  const r = emptyResource();
  if (!list) return r;
  for (const [name, q] of Object.entries(list)) {
    if (name === 'cpu') r.milliCpu = quantityMilli(q);
    else if (name === 'memory') r.memory = quantityValue(q);
    else if (name === 'ephemeral-storage') r.ephemeralStorage = quantityValue(q);
    else if (name === 'pods') r.pods = quantityValue(q);
    else (r.scalar ??= new Map()).set(name, quantityValue(q));
  }
  return r;
}

/** into += r (sign -1: into -= r). */
export function addResource(into: Resource, r: Resource, sign: 1 | -1 = 1): void {
  into.milliCpu += sign * r.milliCpu;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  into.pods += sign * r.pods;
  if (r.scalar) for (const [name, v] of r.scalar) (into.scalar ??= new Map()).set(name, (into.scalar.get(name) ?? 0) + sign * v);
}

/** into = max(into, r), per resource. */
function maxResource(into: Resource, r: Resource): void {
  into.milliCpu = Math.max(into.milliCpu, r.milliCpu);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  if (r.scalar) for (const [name, v] of r.scalar) (into.scalar ??= new Map()).set(name, Math.max(into.scalar.get(name) ?? 0, v));
}

function copyResource(r: Resource): Resource {
  return { ...r, scalar: r.scalar && new Map(r.scalar) };
}

function requestsOf(c: Container, fillDefaults: boolean): Resource {
  const r = resourceFromList(c.resources?.requests);
  if (fillDefaults) {
    if (c.resources?.requests?.cpu === undefined) r.milliCpu = DEFAULT_MILLI_CPU_REQUEST;
    if (c.resources?.requests?.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * The pod's effective request (resourcehelper.PodRequests): the sum of its containers and sidecars
 * (init containers with restartPolicy Always), or — if larger, per resource — the biggest moment of
 * its init phase (an init container plus the sidecars started before it); then plus `overhead`.
 * `fillDefaults` counts a container without a CPU or memory request as asking for the defaults
 * (what scoring uses, so that request-less pods still spread).
 */
export function podRequests(spec: Readonly<PodSpec>, fillDefaults = false): Resource {
  const total = emptyResource();
  for (const c of spec.containers ?? []) addResource(total, requestsOf(c, fillDefaults));
  const sidecars = emptyResource();
  const initPeak = emptyResource();
  for (const c of spec.initContainers ?? []) {
    const req = requestsOf(c, fillDefaults);
    let moment: Resource;
    if (c.restartPolicy === 'Always') {
      addResource(total, req);
      addResource(sidecars, req);
      moment = sidecars;
    } else {
      moment = copyResource(req);
      addResource(moment, sidecars);
    }
    maxResource(initPeak, moment);
  }
  maxResource(total, initPeak);
  if (spec.overhead) addResource(total, resourceFromList(spec.overhead));
  return total;
}

/** CPU and memory for scoring: the effective request with defaults for containers that ask for none. */
export function nonZeroRequests(spec: Readonly<PodSpec>): { milliCpu: number; memory: number } {
  const r = podRequests(spec, true);
  return { milliCpu: r.milliCpu, memory: r.memory };
}
