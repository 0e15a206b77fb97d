// The scheduling framework's extension points (kube-scheduler framework/interface.go): each is a
// one-method interface plus a `name`. A plugin implements the points it needs and proves it with
// `satisfies` at its definition. All of them run synchronously inside one scheduling cycle, on the
// scheduler cache as it is at that moment (assumed pods included); none may do I/O.

import type { ControllerCounts } from './controller-counts';
import type { CycleState } from './cycle-state';
import type { NodeInfo } from './node-info';
import type { PodInfo } from './pod-info';
import type { Status } from './status';

/** Scores are 0..MAX_NODE_SCORE after normalization, then multiplied by the plugin's weight. */
export const MAX_NODE_SCORE = 100;

/** The cluster as plugins see it during a cycle: read-only. */
export interface Snapshot {
  /** Every node that has a Node object, in a stable order. */
  readonly nodes: readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** How many nodes report holding `image` (normalized name). */
  imageNodeCount(image: string): number;
  /** Non-terminating pods of the controller with this uid per node and per zone; undefined when none. */
  controllerCounts(uid: string): Readonly<ControllerCounts> | undefined;
  /** Zone ids handed out so far: every NodeInfo.zoneId is below this. */
  readonly zoneCount: number;
}

export interface Plugin {
  readonly name: string;
}

export interface PreFilterResult {
  status: Status;
  /** When set, only these nodes can fit (e.g. spec.nodeName, matchFields metadata.name): others are not evaluated. */
  nodeNames?: ReadonlySet<string>;
}

export interface PreFilterPlugin extends Plugin {
  /**
   * Called once per pod per cycle before any Filter. Computes per-pod state into `state`. Skip: this
   * plugin's Filter is not run for this pod. A rejection fails the pod on every node.
   */
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): PreFilterResult;
}

export interface FilterPlugin extends Plugin {
  /**
   * Can `pod` run on `node`? Called for many nodes per pod: must be O(1) or O(labels/taints) and
   * allocation-free on success. Returns SUCCESS or a rejection with Kubernetes' reason phrases.
   */
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}

export interface PreScorePlugin extends Plugin {
  /**
   * Called once per pod with the feasible nodes before Score. Skip: this plugin's Score is not run.
   * `nodes` is the framework's buffer: valid during this cycle only, never to be kept.
   */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Status;
}

export interface ScorePlugin extends Plugin {
  /** A raw score for a feasible node; higher is better. Range is the plugin's unless it normalizes. */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
}

export interface NormalizeScorePlugin extends Plugin {
  /** Rewrites this plugin's raw `scores` (one per entry of `nodes`) into 0..MAX_NODE_SCORE, in place. */
  normalizeScore(state: CycleState, pod: PodInfo, scores: number[], nodes: readonly NodeInfo[]): void;
}

/** Changes in the cluster that can make a rejected pod schedulable (kube-scheduler ClusterEvent). */
export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeAllocatable'
  | 'NodeLabel'
  | 'NodeTaint'
  | 'NodeCondition'
  | 'NodeSpecUnschedulable'
  | 'NodeImages'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete';

export interface EnqueuePlugin extends Plugin {
  /** The events after which a pod this plugin rejected is worth another attempt. */
  eventsToRegister(): readonly ClusterEvent[];
}

export function isPreFilter(p: Plugin): p is PreFilterPlugin {
  return typeof (p as Partial<PreFilterPlugin>).preFilter === 'function';
}
export function isFilter(p: Plugin): p is FilterPlugin {
  return typeof (p as Partial<FilterPlugin>).filter === 'function';
}
export function isPreScore(p: Plugin): p is PreScorePlugin {
  return typeof (p as Partial<PreScorePlugin>).preScore === 'function';
}
export function isScore(p: Plugin): p is ScorePlugin {
  return typeof (p as Partial<ScorePlugin>).score === 'function';
}
export function isNormalizeScore(p: Plugin): p is NormalizeScorePlugin {
  return typeof (p as Partial<NormalizeScorePlugin>).normalizeScore === 'function';
}
export function isEnqueue(p: Plugin): p is EnqueuePlugin {
  return typeof (p as Partial<EnqueuePlugin>).eventsToRegister === 'function';
}
