// PodTopologySpread's hard part (DoNotSchedule): PreFilter counts matching pods per topology domain
// over the nodes the pod could use; Filter rejects a node when placing the pod there would make its
// domain exceed the global minimum by more than maxSkew.

import { StateKey, type CycleState } from '../../framework/cycle-state';
import type { PreFilterResult, Snapshot } from '../../framework/interface';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { SKIP, SUCCESS, unresolvable, unschedulable, type Status } from '../../framework/status';
import { requiredNodeMatchers } from '../node-affinity/node-affinity';
import { constraintsOf, countOnNode, hasAllKeys, type Constraint } from './constraints';

export const ERR_REASON_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_MISSING_LABEL = `${ERR_REASON_CONSTRAINTS} (missing required label)`;
const REJECT = unschedulable(ERR_REASON_CONSTRAINTS);
const REJECT_LABEL = unresolvable(ERR_REASON_MISSING_LABEL);

interface FilterState {
  constraints: Constraint[];
  /** Per constraint: domain value → matching pods. */
  counts: Map<string, number>[];
  /** Per constraint: the smallest count over all domains (0 when fewer domains than minDomains). */
  minMatch: number[];
}
const FILTER_STATE = new StateKey<FilterState>('PodTopologySpread/filter');

export function preFilterSpread(state: CycleState, pod: PodInfo, snapshot: Snapshot): PreFilterResult {
  const constraints = constraintsOf(pod, true);
  if (constraints.length === 0) return { status: SKIP };
  const required = requiredNodeMatchers(pod);
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of snapshot.nodes) {
    if (!hasAllKeys(node, constraints) || !required.every((m) => m(node))) continue;
    constraints.forEach((c, i) => {
      const domain = node.labels[c.topologyKey] ?? '';
      const byDomain = counts[i] as Map<string, number>;
      byDomain.set(domain, (byDomain.get(domain) ?? 0) + countOnNode(c, node));
    });
  }
  const minMatch = constraints.map((c, i) => {
    const byDomain = counts[i] as Map<string, number>;
    if (byDomain.size === 0 || byDomain.size < c.minDomains) return 0;
    return Math.min(...byDomain.values());
  });
  state.write(FILTER_STATE, { constraints, counts, minMatch });
  return { status: SUCCESS };
}

export function filterSpread(state: CycleState, node: NodeInfo): Status {
  const s = state.read(FILTER_STATE);
  if (!s) return SUCCESS;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i] as Constraint;
    const domain = node.labels[c.topologyKey];
    if (domain === undefined) return REJECT_LABEL;
    const skew = (s.counts[i]?.get(domain) ?? 0) + (c.selfMatch ? 1 : 0) - (s.minMatch[i] ?? 0);
    if (skew > c.maxSkew) return REJECT;
  }
  return SUCCESS;
}
