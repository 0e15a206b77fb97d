// What the scheduler knows about one node: the Node object with the facts plugins read per pod
// pre-digested (allocatable, taints, readiness, images), and the pods on it with their request
// totals, updated incrementally as pods are assumed, bound and deleted.

import type { ConditionStatus, Node, Taint } from '../../../shared/api/core';
import type { Labels } from '../../../shared/api/types';
import type { Cached } from '../../informer/informer';
import type { PodInfo } from './pod-info';
import { addResource, emptyResource, resourceFromList, type Resource } from './resources';

/** Image names as Kubernetes compares them: a reference without a tag means ":latest". */
export function normalizeImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

const NO_LABELS: Readonly<Labels> = Object.freeze({});
const NO_TAINTS: readonly Taint[] = Object.freeze([]);

export class NodeInfo {
  /** undefined while pods are known on a node whose Node object is gone (or not yet seen). */
  node: Cached<Node> | undefined;
  labels: Readonly<Labels> = NO_LABELS;
  allocatable: Resource = emptyResource();
  taints: readonly Taint[] = NO_TAINTS;
  unschedulable = false;
  /** status of the Ready condition; undefined when the node reports none. */
  ready: ConditionStatus | undefined;
  /** normalized image name → size in bytes. */
  imageSizes: ReadonlyMap<string, number> = new Map();
  /** Sum of the effective requests of the pods on the node (assumed ones included). */
  readonly requested: Resource = emptyResource();
  nonZeroCpu = 0;
  nonZeroMemory = 0;
  /** Pods on the node by "namespace/name". */
  readonly pods = new Map<string, PodInfo>();
  /** Bumped on every change, for callers that cache per-node results. */
  generation = 0;
  /** Dense number of this node in its cache, for per-node arrays. */
  index = 0;
  /** Interned value of its topology.kubernetes.io/zone label; 0 = none. Set by the cache. */
  zoneId = 0;

  constructor(readonly name: string) {}

  setNode(node: Cached<Node> | undefined): void {
    this.node = node;
    this.generation++;
    if (!node) return;
    const status = node.status;
    this.labels = node.metadata.labels ?? NO_LABELS;
    this.allocatable = resourceFromList(status?.allocatable ?? status?.capacity);
    this.taints = node.spec?.taints ?? NO_TAINTS;
    this.unschedulable = node.spec?.unschedulable === true;
    this.ready = status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const images = new Map<string, number>();
    for (const image of status?.images ?? []) for (const name of image.names) images.set(normalizeImageName(name), image.sizeBytes ?? 0);
    this.imageSizes = images;
  }

  addPod(pod: PodInfo): void {
    this.removePod(pod.key);
    this.pods.set(pod.key, pod);
    addResource(this.requested, pod.requests);
    this.nonZeroCpu += pod.nonZeroCpu;
    this.nonZeroMemory += pod.nonZeroMemory;
    this.generation++;
  }

  /** Returns the removed pod, or undefined when it was not here. */
  removePod(key: string): PodInfo | undefined {
    const pod = this.pods.get(key);
    if (!pod) return undefined;
    this.pods.delete(key);
    addResource(this.requested, pod.requests, -1);
    this.nonZeroCpu -= pod.nonZeroCpu;
    this.nonZeroMemory -= pod.nonZeroMemory;
    this.generation++;
    return pod;
  }
}
