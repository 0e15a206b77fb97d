// PodTopologySpread's soft part for explicit ScheduleAnyway constraints: nodes whose domains hold
// fewer matching pods score higher, each constraint weighted by log(number of domains + 2), then
// normalized so the emptiest domain gets 100 (kube-scheduler's scoring.go). Nodes lacking one of
// the topology keys score 0.

import { StateKey, type CycleState } from '../../framework/cycle-state';
import type { Snapshot } from '../../framework/interface';
import type { NodeInfo } from '../../framework/node-info';
import { reverseMinMax } from './normalize';
import type { PodInfo } from '../../framework/pod-info';
import { SKIP, SUCCESS, type Status } from '../../framework/status';
import { requiredNodeMatchers } from '../node-affinity/node-affinity';
import { constraintsOf, countOnNode, hasAllKeys, LABEL_HOSTNAME, type Constraint } from './constraints';

interface ScoreState {
  constraints: Constraint[];
  /** Per constraint (not hostname): domain value → matching pods. */
  counts: Map<string, number>[];
  weights: number[];
  /** Nodes lacking a topology key: scored 0. */
  ignored: Set<string>;
}
const SCORE_STATE = new StateKey<ScoreState>('PodTopologySpread/score');

export function preScoreSpread(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Status {
  const constraints = constraintsOf(pod, false);
  if (constraints.length === 0) return SKIP;
  const ignored = new Set<string>();
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of nodes) {
    if (!hasAllKeys(node, constraints)) {
      ignored.add(node.name);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey !== LABEL_HOSTNAME) (counts[i] as Map<string, number>).set(node.labels[c.topologyKey] ?? '', 0);
    });
  }
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? nodes.length - ignored.size : (counts[i] as Map<string, number>).size) + 2));
  // Domain counts over every node the pod could use (its required node affinity honoured).
  const required = requiredNodeMatchers(pod);
  if (constraints.some((c) => c.topologyKey !== LABEL_HOSTNAME)) {
    for (const node of snapshot.nodes) {
      if (!hasAllKeys(node, constraints) || !required.every((m) => m(node))) continue;
      constraints.forEach((c, i) => {
        if (c.topologyKey === LABEL_HOSTNAME) return;
        const byDomain = counts[i] as Map<string, number>;
        const domain = node.labels[c.topologyKey] ?? '';
        const current = byDomain.get(domain);
        if (current !== undefined) byDomain.set(domain, current + countOnNode(c, node));
      });
    }
  }
  state.write(SCORE_STATE, { constraints, counts, weights, ignored });
  return SUCCESS;
}

export function scoreSpread(state: CycleState, node: NodeInfo): number {
  const s = state.read(SCORE_STATE);
  if (!s || s.ignored.has(node.name)) return 0;
  let score = 0;
  s.constraints.forEach((c, i) => {
    const domain = node.labels[c.topologyKey] ?? '';
    const count = c.topologyKey === LABEL_HOSTNAME ? countOnNode(c, node) : (s.counts[i]?.get(domain) ?? 0);
    score += count * (s.weights[i] ?? 0) + (c.maxSkew - 1);
  });
  return Math.round(score);
}

export function normalizeSpread(state: CycleState, scores: number[], nodes: readonly NodeInfo[]): void {
  const s = state.read(SCORE_STATE);
  if (s) reverseMinMax(scores, (i) => s.ignored.has((nodes[i] as NodeInfo).name));
}
