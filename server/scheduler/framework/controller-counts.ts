// How many pods of one controller sit on each node and in each zone, kept as arrays indexed by
// NodeInfo.index and NodeInfo.zoneId so that spreading reads a count per node in O(1) without
// hashing. Maintained by the cache as pods come and go.

import type { NodeInfo } from './node-info';

export class ControllerCounts {
  /** Pods per node, by NodeInfo.index (entries past the end are 0). */
  perNode = new Int32Array(16);
  /** Pods per zone, by NodeInfo.zoneId (0: nodes without a zone label). */
  perZone = new Int32Array(4);
  total = 0;

  add(node: NodeInfo, delta: number): void {
    if (node.index >= this.perNode.length) this.perNode = grown(this.perNode, node.index);
    if (node.zoneId >= this.perZone.length) this.perZone = grown(this.perZone, node.zoneId);
    this.perNode[node.index] = (this.perNode[node.index] ?? 0) + delta;
    this.perZone[node.zoneId] = (this.perZone[node.zoneId] ?? 0) + delta;
    this.total += delta;
  }

  onNode(node: NodeInfo): number {
    return this.perNode[node.index] ?? 0;
  }

  inZone(zoneId: number): number {
    return this.perZone[zoneId] ?? 0;
  }
}

function grown(a: Int32Array, index: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(Math.max(index + 1, a.length * 2));
  out.set(a);
  return out;
}
