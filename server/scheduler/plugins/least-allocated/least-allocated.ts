// NodeResourcesLeastAllocated: prefer nodes with the most CPU and memory left after placing the pod
// (kube-scheduler's LeastAllocated strategy, CPU and memory weighted 1:1, requests defaulted for
// containers that set none) — spreads load across devices.

import type { ScorePlugin } from '../../framework/interface';
import { MAX_NODE_SCORE } from '../../framework/interface';

/** ((capacity − requested) × 100) / capacity, 0 when over capacity, integer like Kubernetes. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export const NodeResourcesLeastAllocated = {
  name: 'NodeResourcesLeastAllocated',
  score(_state, pod, node) {
    const cpuCap = node.allocatable.milliCpu;
    const memCap = node.allocatable.memory;
    let sum = 0;
    let weights = 0;
    if (cpuCap > 0) {
      sum += leastRequestedScore(node.nonZeroCpu + pod.nonZeroCpu, cpuCap);
      weights++;
    }
    if (memCap > 0) {
      sum += leastRequestedScore(node.nonZeroMemory + pod.nonZeroMemory, memCap);
      weights++;
    }
    return weights === 0 ? 0 : Math.trunc(sum / weights);
  },
} as const satisfies ScorePlugin;
