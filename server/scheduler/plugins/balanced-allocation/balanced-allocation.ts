// NodeResourcesBalancedAllocation: prefer nodes where, after placing the pod, the CPU and memory
// fractions in use are close to each other (kube-scheduler's formula: (1 − std) × 100), so that no
// device runs out of one resource while the other sits idle. Best-effort pods are not scored.

import type { PreScorePlugin, ScorePlugin } from '../../framework/interface';
import { MAX_NODE_SCORE } from '../../framework/interface';
import { SKIP, SUCCESS } from '../../framework/status';

export function balancedScore(cpuFraction: number, memoryFraction: number): number {
  const std = Math.abs(Math.min(cpuFraction, 1) - Math.min(memoryFraction, 1)) / 2;
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const NodeResourcesBalancedAllocation = {
  name: 'NodeResourcesBalancedAllocation',
  preScore(_state, pod, _nodes, _snapshot) {
    return pod.requests.milliCpu === 0 && pod.requests.memory === 0 ? SKIP : SUCCESS;
  },
  score(_state, pod, node) {
    const cpuCap = node.allocatable.milliCpu;
    const memCap = node.allocatable.memory;
    const cpu = cpuCap > 0 ? (node.requested.milliCpu + pod.requests.milliCpu) / cpuCap : undefined;
    const memory = memCap > 0 ? (node.requested.memory + pod.requests.memory) / memCap : undefined;
    // With one resource (or none) there is nothing to balance: std 0.
    if (cpu === undefined || memory === undefined) return MAX_NODE_SCORE;
    return balancedScore(cpu, memory);
  },
} as const satisfies PreScorePlugin & ScorePlugin;
