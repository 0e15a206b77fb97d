// The scheduler's cache (kube-scheduler internal/cache): NodeInfos kept current from the informers'
// events, plus assumed pods — placed by a scheduling cycle, binding still in flight — so that pods
// in flight already count against their node. Serves as the Snapshot plugins read.

import type { Node } from '../../../shared/api/core';
import type { Cached } from '../../informer/informer';
import { ControllerCounts } from '../framework/controller-counts';
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
  private readonly controllers = new Map<string, ControllerCounts>();
  /** zone label value → id (0 is "no zone label"). */
  private readonly zoneIds = new Map<string, number>();
  private readonly freeIndexes: number[] = [];
  private nextIndex = 0;

  /**
   * Nodes with a Node object, zones interleaved (a, b, c, a, b, c…) like kube-scheduler's node
   * tree, so that sampling a share of the nodes still sees every zone. Rebuilt lazily.
   */
  get nodes(): readonly NodeInfo[] {
    if (this.orderDirty) this.reorder();
    return this.ordered;
  }

  get zoneCount(): number {
    return this.zoneIds.size + 1;
  }

  get(name: string): NodeInfo | undefined {
    return this.infos.get(name);
  }

  imageNodeCount(image: string): number {
    return this.images.get(image) ?? 0;
  }

  controllerCounts(uid: string): Readonly<ControllerCounts> | undefined {
    return this.controllers.get(uid);
  }

  /** Adds or replaces a Node. */
  setNode(node: Cached<Node>): void {
    const info = this.infoFor(node.metadata.name ?? '');
    const hadNode = info.node !== undefined;
    const oldZone = info.zoneId;
    this.countImages(info, -1);
    info.setNode(node);
    this.countImages(info, 1);
    const zone = this.zoneIdOf(info.labels[LABEL_ZONE]);
    if (zone !== oldZone) {
      for (const pod of info.pods.values()) this.countController(pod, info, -1);
      info.zoneId = zone;
      for (const pod of info.pods.values()) this.countController(pod, info, 1);
    }
    if (!hadNode || zone !== oldZone) this.orderDirty = true;
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info?.node) return;
    this.countImages(info, -1);
    info.setNode(undefined);
    // Pods still bound there keep their NodeInfo until they go; the node is no longer a candidate.
    if (info.pods.size === 0) this.dropInfo(info);
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
    if (!info) return;
    const removed = info.removePod(key);
    if (removed) this.countController(removed, info, -1);
    if (!info.node && info.pods.size === 0) this.dropInfo(info);
  }

  hasPod(key: string): boolean {
    return this.podNode.has(key);
  }

  private infoFor(name: string): NodeInfo {
    let info = this.infos.get(name);
    if (!info) {
      info = new NodeInfo(name);
      info.index = this.freeIndexes.pop() ?? this.nextIndex++;
      this.infos.set(name, info);
    }
    return info;
  }

  private dropInfo(info: NodeInfo): void {
    this.infos.delete(info.name);
    this.freeIndexes.push(info.index);
  }

  private zoneIdOf(value: string | undefined): number {
    if (value === undefined) return 0;
    let id = this.zoneIds.get(value);
    if (id === undefined) this.zoneIds.set(value, (id = this.zoneIds.size + 1));
    return id;
  }

  private placePod(pod: PodInfo, nodeName: string): void {
    this.removePod(pod.key);
    const info = this.infoFor(nodeName);
    info.addPod(pod);
    this.podNode.set(pod.key, nodeName);
    this.countController(pod, info, 1);
  }

  private countController(pod: PodInfo, info: NodeInfo, delta: 1 | -1): void {
    const uid = pod.controllerUid;
    if (!uid || pod.pod.metadata.deletionTimestamp) return;
    let counts = this.controllers.get(uid);
    if (!counts) this.controllers.set(uid, (counts = new ControllerCounts()));
    counts.add(info, delta);
    if (counts.total <= 0) this.controllers.delete(uid);
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
    const zones = new Map<number, NodeInfo[]>();
    for (const info of this.infos.values()) {
      if (!info.node) continue;
      let list = zones.get(info.zoneId);
      if (!list) zones.set(info.zoneId, (list = []));
      list.push(info);
    }
    const lists = [...zones.values()];
    const longest = Math.max(0, ...lists.map((l) => l.length));
    const ordered: NodeInfo[] = [];
    for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) ordered.push(l[i] as NodeInfo);
    this.ordered = ordered;
    this.orderDirty = false;
  }
}
