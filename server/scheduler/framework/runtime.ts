// Runs one scheduling cycle for a pod through the plugins of a profile (kube-scheduler's
// schedulePod): PreFilter → Filter over a rotating sample of nodes → PreScore → Score → Normalize →
// weighted sum → best node, ties broken at random. Synchronous: it reads the cache as it is.

import { CycleState } from './cycle-state';
import { fitErrorMessage, NO_NODES_MESSAGE } from './fit-error';
import {
  isFilter, isNormalizeScore, isPreFilter, isPreScore, isScore,
  type FilterPlugin, type NormalizeScorePlugin, type Plugin, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type Snapshot,
} from './interface';
import type { NodeInfo } from './node-info';
import type { PodInfo } from './pod-info';
import { isRejection } from './status';

export interface WeightedPlugin {
  plugin: Plugin;
  /** Multiplies its Score. Default 1. */
  weight: number;
}

export interface FrameworkOptions {
  /** In order: filters run in this order and the first rejection per node is its reason. */
  plugins: readonly (Plugin | WeightedPlugin)[];
  /** Stop filtering once this % of the nodes were found feasible. 0 or unset: kube-scheduler's adaptive default. */
  percentageOfNodesToScore?: number;
  /** Tie-breaking between equally scored nodes; [0, 1). */
  random?: () => number;
}

export type ScheduleResult =
  | { status: 'Scheduled'; nodeName: string; evaluatedNodes: number; feasibleNodes: number }
  /** `rejectors`: plugins that turned nodes down — events they registered for retry the pod. */
  | { status: 'Unschedulable'; message: string; rejectors: ReadonlySet<string> };

interface Scorer {
  plugin: ScorePlugin;
  normalizer: NormalizeScorePlugin | undefined;
  weight: number;
}

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE = 5;

/** kube-scheduler's numFeasibleNodesToFind: all of a small cluster, a shrinking share of a big one. */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125));
  if (pct >= 100) return numAllNodes;
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.trunc((numAllNodes * pct) / 100));
}

function nodesNamed(snapshot: Snapshot, names: ReadonlySet<string>): NodeInfo[] {
  const out: NodeInfo[] = [];
  for (const name of names) {
    const info = snapshot.get(name);
    if (info?.node) out.push(info);
  }
  return out;
}

export class Framework {
  private readonly preFilters: PreFilterPlugin[] = [];
  private readonly filters: FilterPlugin[] = [];
  private readonly preScores: PreScorePlugin[] = [];
  private readonly scorers: Scorer[] = [];
  readonly plugins: readonly Plugin[];
  private readonly random: () => number;
  private nextStartIndex = 0;
  private readonly feasible: NodeInfo[] = [];
  private readonly totals: number[] = [];
  private readonly scores: number[] = [];

  constructor(private readonly options: FrameworkOptions) {
    this.random = options.random ?? Math.random;
    const plugins: Plugin[] = [];
    for (const entry of options.plugins) {
      const { plugin, weight } = 'plugin' in entry ? entry : { plugin: entry, weight: 1 };
      plugins.push(plugin);
      if (isPreFilter(plugin)) this.preFilters.push(plugin);
      if (isFilter(plugin)) this.filters.push(plugin);
      if (isPreScore(plugin)) this.preScores.push(plugin);
      if (isScore(plugin) && weight > 0) this.scorers.push({ plugin, normalizer: isNormalizeScore(plugin) ? plugin : undefined, weight });
    }
    this.plugins = plugins;
  }

  schedule(pod: PodInfo, snapshot: Snapshot): ScheduleResult {
    const all = snapshot.nodes;
    if (all.length === 0) return { status: 'Unschedulable', message: NO_NODES_MESSAGE, rejectors: new Set() };
    const state = new CycleState();
    const skipped = new Set<string>();
    let only: ReadonlySet<string> | undefined;
    const narrowedBy: string[] = [];
    for (const p of this.preFilters) {
      const { status, nodeNames } = p.preFilter(state, pod, snapshot);
      if (status.code === 'Skip') skipped.add(p.name);
      else if (isRejection(status)) return { status: 'Unschedulable', message: fitErrorMessage(all.length, new Map(), status.reasons.join(', ')), rejectors: new Set([p.name]) };
      if (nodeNames) {
        only = only ? new Set([...only].filter((n) => nodeNames.has(n))) : nodeNames;
        narrowedBy.push(p.name);
      }
    }
    const filters = skipped.size === 0 ? this.filters : this.filters.filter((f) => !skipped.has(f.name));

    const candidates = only ? nodesNamed(snapshot, only) : all;
    const n = candidates.length;
    const want = only ? n : numFeasibleNodesToFind(n, this.options.percentageOfNodesToScore);
    const start = only || n === 0 ? 0 : this.nextStartIndex % n;
    // Reused between cycles like the score arrays; plugins only see it during this cycle.
    const feasible = this.feasible;
    feasible.length = 0;
    const reasons = new Map<string, number>();
    const rejected = new Array<boolean>(filters.length).fill(false);
    let processed = 0;
    for (; processed < n && feasible.length < want; processed++) {
      let i = start + processed;
      if (i >= n) i -= n;
      const node = candidates[i] as NodeInfo;
      let fits = true;
      for (let f = 0; f < filters.length; f++) {
        const status = (filters[f] as FilterPlugin).filter(state, pod, node);
        if (status.code === 'Success') continue;
        fits = false;
        rejected[f] = true;
        for (const reason of status.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        break;
      }
      if (fits) feasible.push(node);
    }
    if (!only && n > 0) this.nextStartIndex = (start + processed) % n;

    if (feasible.length === 0) {
      const rejectors = new Set(filters.filter((_, f) => rejected[f]).map((f) => f.name));
      if (all.length > n) {
        reasons.set(`node(s) didn't satisfy plugin(s) [${narrowedBy.join(' ')}]`, all.length - n);
        for (const name of narrowedBy) rejectors.add(name);
      }
      return { status: 'Unschedulable', message: fitErrorMessage(all.length, reasons), rejectors };
    }
    const chosen = feasible.length === 1 ? (feasible[0] as NodeInfo) : this.pick(state, pod, feasible, snapshot);
    return { status: 'Scheduled', nodeName: chosen.name, evaluatedNodes: processed, feasibleNodes: feasible.length };
  }

  /** Scores the feasible nodes and returns the best; equal totals are chosen between at random. */
  private pick(state: CycleState, pod: PodInfo, nodes: NodeInfo[], snapshot: Snapshot): NodeInfo {
    const skipped = new Set<string>();
    for (const p of this.preScores) if (p.preScore(state, pod, nodes, snapshot).code === 'Skip') skipped.add(p.name);
    // Reused between cycles (a cycle never runs inside another): no allocation per pod.
    const totals = this.totals;
    const scores = this.scores;
    totals.length = nodes.length;
    scores.length = nodes.length;
    totals.fill(0);
    for (const { plugin, normalizer, weight } of this.scorers) {
      if (skipped.has(plugin.name)) continue;
      for (let i = 0; i < nodes.length; i++) scores[i] = plugin.score(state, pod, nodes[i] as NodeInfo);
      normalizer?.normalizeScore(state, pod, scores, nodes);
      for (let i = 0; i < nodes.length; i++) totals[i] = (totals[i] as number) + (scores[i] as number) * weight;
    }
    let best = 0;
    let bestScore = -Infinity;
    let ties = 0;
    for (let i = 0; i < nodes.length; i++) {
      const total = totals[i] as number;
      if (total > bestScore) {
        bestScore = total;
        best = i;
        ties = 1;
      } else if (total === bestScore) {
        ties++;
        if (this.random() * ties < 1) best = i;
      }
    }
    return nodes[best] as NodeInfo;
  }
}
