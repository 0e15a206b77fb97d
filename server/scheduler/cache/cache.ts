// The scheduler's cache (kube-scheduler internal/cache): NodeInfos kept current from the informers'
// events, plus assumed pods — placed by a scheduling cycle, binding still in flight — so that pods
// in flight already count against their node. Serves as the Snapshot plugins read.

import type { Node } from '../../../shared/api/core';
import type { Cached } from '../../informer/informer';
import type { Snapshot } from '../framework/interface';
import { NodeInfo } from '../framework/node-info';
import type { PodInfo } from '../framework/pod-info';

export const LABEL_ZONE = 'topology.kubernetes.io/zone';

export class SchedulerCache implements Snapshot {
  private readonly infos = new Map<string, NodeInfo>();
  private ordered: NodeInfo[] = [];
  private orderDirty = false;
  /** pod key → node name, for every pod the cache holds. */
  private readonly podNode = new Map<string, string>();
  private readonly assumed = new Set<string>();
  /** normalized image → number of nodes holding it. */
  private readonly images = new Map<string, number>();
  /** controller uid → node name → its non-terminating pods there. */
  private readonly controllers = new Map<string, Map<string, number>>();

  /**
   * Nodes with a Node object, zones interleaved (a, b, c, a, b, c…) like kube-scheduler's node
   * tree, so that sampling a share of the nodes still sees every zone. Rebuilt lazily.
   */
  get nodes(): readonly NodeInfo[] {
    if (this.orderDirty) this.reorder();
    return this.ordered;
  }

  get(name: string): NodeInfo | undefined {
    return this.infos.get(name);
  }

  imageNodeCount(image: string): number {
    return this.images.get(image) ?? 0;
  }

  controllerPodCounts(uid: string): ReadonlyMap<string, number> | undefined {
    return this.controllers.get(uid);
  }

  /** Adds or replaces a Node. */
  setNode(node: Cached<Node>): void {
    const name = node.metadata.name ?? '';
    let info = this.infos.get(name);
    if (!info) this.infos.set(name, (info = new NodeInfo(name)));
    const hadNode = info.node !== undefined;
    const oldZone = info.labels[LABEL_ZONE];
    this.countImages(info, -1);
    info.setNode(node);
    this.countImages(info, 1);
    if (!hadNode || oldZone !== info.labels[LABEL_ZONE]) this.orderDirty = true;
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info?.node) return;
    this.countImages(info, -1);
    info.setNode(undefined);
    // Pods still bound there keep their NodeInfo until they go; the node is no longer a candidate.
    if (info.pods.size === 0) this.infos.delete(name);
    this.orderDirty = true;
  }

  /** A scheduling cycle placed `pod` on `nodeName`; it counts there until confirmed or forgotten. */
  assumePod(pod: PodInfo, nodeName: string): void {
    this.placePod(pod, nodeName);
    this.assumed.add(pod.key);
  }

  /** Binding failed: the assumed pod no longer counts. No-op if it was confirmed meanwhile. */
  forgetPod(key: string): void {
    if (this.assumed.delete(key)) this.removePod(key);
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  /** An assigned pod as the informer reports it (confirms an assumed pod; moves it if bound elsewhere). */
  addOrUpdatePod(pod: PodInfo): void {
    const nodeName = pod.pod.spec.nodeName;
    if (!nodeName) return;
    this.assumed.delete(pod.key);
    this.placePod(pod, nodeName);
  }

  removePod(key: string): void {
    const nodeName = this.podNode.get(key);
    if (nodeName === undefined) return;
    this.podNode.delete(key);
    this.assumed.delete(key);
    const info = this.infos.get(nodeName);
    const removed = info?.removePod(key);
    if (removed) this.countController(removed, nodeName, -1);
    if (info && !info.node && info.pods.size === 0) this.infos.delete(nodeName);
  }

  hasPod(key: string): boolean {
    return this.podNode.has(key);
  }

  private placePod(pod: PodInfo, nodeName: string): void {
    this.removePod(pod.key);
    let info = this.infos.get(nodeName);
    if (!info) this.infos.set(nodeName, (info = new NodeInfo(nodeName)));
    info.addPod(pod);
    this.podNode.set(pod.key, nodeName);
    this.countController(pod, nodeName, 1);
  }

  private countController(pod: PodInfo, nodeName: string, delta: 1 | -1): void {
    const uid = pod.controllerUid;
    if (!uid || pod.pod.metadata.deletionTimestamp) return;
    let perNode = this.controllers.get(uid);
    if (!perNode) this.controllers.set(uid, (perNode = new Map()));
    const n = (perNode.get(nodeName) ?? 0) + delta;
    if (n > 0) perNode.set(nodeName, n);
    else perNode.delete(nodeName);
    if (perNode.size === 0) this.controllers.delete(uid);
  }

  private countImages(info: NodeInfo, delta: 1 | -1): void {
    if (!info.node) return;
    for (const image of info.imageSizes.keys()) {
      const n = (this.images.get(image) ?? 0) + delta;
      if (n > 0) this.images.set(image, n);
      else this.images.delete(image);
    }
  }

  private reorder(): void {
    const zones = new Map<string, NodeInfo[]>();
    for (const info of this.infos.values()) {
      if (!info.node) continue;
      const zone = info.labels[LABEL_ZONE] ?? '';
      let list = zones.get(zone);
      if (!list) zones.set(zone, (list = []));
      list.push(info);
    }
    const lists = [...zones.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, l]) => l);
    const longest = Math.max(0, ...lists.map((l) => l.length));
    const ordered: NodeInfo[] = [];
    for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) ordered.push(l[i] as NodeInfo);
    this.ordered = ordered;
    this.orderDirty = false;
  }
}
