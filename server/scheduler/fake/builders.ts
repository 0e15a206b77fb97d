// Builders for Nodes, Pods, NodeInfos and a Snapshot, for the scheduler's table-driven tests and
// the benchmark. Only what a case sets differs from a plain, Ready, schedulable node or pod.

import type { Container, Node, NodeCondition, Pod, PodSpec, Taint } from '../../../shared/api/core';
import type { Labels, OwnerReference } from '../../../shared/api/types';
import { ControllerCounts } from '../framework/controller-counts';
import type { Snapshot } from '../framework/interface';
import { NodeInfo, normalizeImageName } from '../framework/node-info';
import { podInfoOf, type PodInfo } from '../framework/pod-info';

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: number;
  extra?: Record<string, string>;
  labels?: Labels;
  taints?: Taint[];
  /** Ready condition status; null: no Ready condition at all. Default "True". */
  ready?: 'True' | 'False' | 'Unknown' | null;
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
  architecture?: string;
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  const allocatable = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: String(o.pods ?? 110), ...o.extra };
  const conditions: NodeCondition[] = o.ready === null ? [] : [{ type: 'Ready', status: o.ready ?? 'True' }];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.unschedulable ? { unschedulable: true } : {}), ...(o.taints ? { taints: o.taints } : {}) },
    status: {
      capacity: allocatable,
      allocatable,
      conditions,
      ...(o.images ? { images: o.images } : {}),
      ...(o.architecture ? { nodeInfo: { architecture: o.architecture, operatingSystem: 'linux' } as NonNullable<Node['status']>['nodeInfo'] } : {}),
    },
  };
}

export interface PodOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  extra?: Record<string, string>;
  labels?: Labels;
  annotations?: Record<string, string>;
  owner?: string;
  image?: string;
  spec?: Partial<PodSpec>;
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  const requests: Record<string, string> = { ...o.extra };
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const container: Container = { name: 'app', image: o.image ?? 'registry.local/app:1', ...(Object.keys(requests).length ? { resources: { requests } } : {}) };
  const owner: OwnerReference[] | undefined = o.owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: `uid-${o.owner}`, controller: true }] : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'default',
      uid: `uid-${name}`,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(owner ? { ownerReferences: owner } : {}),
    },
    spec: { containers: [container], ...o.spec },
  };
}

/** A NodeInfo for `node` holding `pods` (their spec.nodeName is not checked). */
export function nodeInfo(node: Node, pods: Pod[] = []): NodeInfo {
  const info = new NodeInfo(node.metadata.name ?? '');
  info.setNode(node);
  for (const p of pods) info.addPod(podInfoOf(p));
  return info;
}

export function podInfo(pod: Pod): PodInfo {
  return podInfoOf(pod);
}

/** A Snapshot over fixed NodeInfos (no incremental updates); numbers their indexes and zones. */
export function fakeSnapshot(nodes: NodeInfo[]): Snapshot {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const zones = new Map<string, number>();
  nodes.forEach((n, i) => {
    n.index = i;
    const zone = n.labels['topology.kubernetes.io/zone'];
    if (zone !== undefined && !zones.has(zone)) zones.set(zone, zones.size + 1);
    n.zoneId = zone === undefined ? 0 : (zones.get(zone) ?? 0);
  });
  return {
    nodes,
    zoneCount: zones.size + 1,
    get: (name) => byName.get(name),
    imageNodeCount: (image) => nodes.filter((n) => n.imageSizes.has(normalizeImageName(image))).length,
    controllerCounts(uid) {
      const counts = new ControllerCounts();
      for (const n of nodes) for (const p of n.pods.values()) if (p.controllerUid === uid && !p.pod.metadata.deletionTimestamp) counts.add(n, 1);
      return counts.total > 0 ? counts : undefined;
    },
  };
}
