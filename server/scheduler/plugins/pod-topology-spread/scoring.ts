// PodTopologySpread's soft part (ScheduleAnyway, and the system defaults): nodes whose domains hold
// fewer matching pods score higher, each constraint weighted by log(number of domains + 2), then
// normalized so the emptiest domain gets 100 (kube-scheduler's scoring.go).

import { StateKey, type CycleState } from '../../framework/cycle-state';
import type { Snapshot } from '../../framework/interface';
import { MAX_NODE_SCORE } from '../../framework/interface';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { SKIP, SUCCESS, type Status } from '../../framework/status';
import { requiredNodeMatchers } from '../node-affinity/node-affinity';
import { constraintsOf, countOnNode, hasAllKeys, LABEL_HOSTNAME, type Constraint } from './constraints';

interface ScoreState {
  constraints: Constraint[];
  snapshot: Snapshot;
  /** Per constraint (not hostname): domain value → matching pods. */
  counts: Map<string, number>[];
  weights: number[];
  /** Nodes lacking a topology key of explicit constraints: scored 0. */
  ignored: Set<string>;
}
const SCORE_STATE = new StateKey<ScoreState>('PodTopologySpread/score');

export function preScoreSpread(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Status {
  const { constraints, systemDefaulted } = constraintsOf(pod, false);
  if (constraints.length === 0) return SKIP;
  const requireAll = !systemDefaulted;
  const ignored = new Set<string>();
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of nodes) {
    if (requireAll && !hasAllKeys(node, constraints)) {
      ignored.add(node.name);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey !== LABEL_HOSTNAME) (counts[i] as Map<string, number>).set(node.labels[c.topologyKey] ?? '', 0);
    });
  }
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? nodes.length - ignored.size : (counts[i] as Map<string, number>).size) + 2));

  const required = requiredNodeMatchers(pod);
  const countNode = (node: NodeInfo): void => {
    if (!node.node || (requireAll && !hasAllKeys(node, constraints)) || !required.every((m) => m(node))) return;
    constraints.forEach((c, i) => {
      if (c.topologyKey === LABEL_HOSTNAME) return;
      const byDomain = counts[i] as Map<string, number>;
      const domain = node.labels[c.topologyKey] ?? '';
      const current = byDomain.get(domain);
      if (current !== undefined) byDomain.set(domain, current + countOnNode(c, node, snapshot));
    });
  };
  const needsDomains = constraints.some((c) => c.topologyKey !== LABEL_HOSTNAME);
  const controller = constraints[0]?.controllerUid;
  if (needsDomains && controller) {
    // System defaults: only nodes holding the controller's pods can add anything.
    for (const name of snapshot.controllerPodCounts(controller)?.keys() ?? []) {
      const node = snapshot.get(name);
      if (node) countNode(node);
    }
  } else if (needsDomains) {
    for (const node of snapshot.nodes) countNode(node);
  }
  state.write(SCORE_STATE, { constraints, snapshot, counts, weights, ignored });
  return SUCCESS;
}

export function scoreSpread(state: CycleState, node: NodeInfo): number {
  const s = state.read(SCORE_STATE);
  if (!s || s.ignored.has(node.name)) return 0;
  let score = 0;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i] as Constraint;
    const domain = node.labels[c.topologyKey];
    if (domain === undefined) continue;
    const count = c.topologyKey === LABEL_HOSTNAME ? countOnNode(c, node, s.snapshot) : (s.counts[i]?.get(domain) ?? 0);
    score += count * (s.weights[i] ?? 0) + (c.maxSkew - 1);
  }
  return Math.round(score);
}

export function normalizeSpread(state: CycleState, scores: number[], nodes: readonly NodeInfo[]): void {
  const s = state.read(SCORE_STATE);
  if (!s) return;
  let min = Infinity;
  let max = 0;
  nodes.forEach((node, i) => {
    if (s.ignored.has(node.name)) return;
    const v = scores[i] ?? 0;
    if (v < min) min = v;
    if (v > max) max = v;
  });
  nodes.forEach((node, i) => {
    if (s.ignored.has(node.name)) scores[i] = 0;
    else if (max === 0) scores[i] = MAX_NODE_SCORE;
    else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - (scores[i] ?? 0))) / max);
  });
}
