// NodeAffinity: spec.nodeSelector and requiredDuringScheduling node affinity must match the node
// (filter); preferredDuringScheduling terms add their weights (score). Affinity pinned to node names
// through matchFields metadata.name (DaemonSet pods) narrows the nodes looked at to those.

import { StateKey } from '../../framework/cycle-state';
import type { EnqueuePlugin, FilterPlugin, NormalizeScorePlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../../framework/interface';
import { compileNodeSelector, compileTerm, compileTerms, pinnedNodeNames, type NodeMatcher } from '../../framework/node-selector';
import { defaultNormalizeScore } from '../../framework/normalize';
import type { PodInfo } from '../../framework/pod-info';
import { SKIP, SUCCESS, unresolvable } from '../../framework/status';

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
const REJECT = unresolvable(ERR_REASON_POD);
const REQUIRED = new StateKey<NodeMatcher[]>('NodeAffinity/required');
const PREFERRED = new StateKey<{ weight: number; matches: NodeMatcher }[]>('NodeAffinity/preferred');

/** The pod's hard node constraints (nodeSelector AND required affinity), or [] when it has none. */
export function requiredNodeMatchers(pod: PodInfo): NodeMatcher[] {
  const spec = pod.pod.spec;
  const out: NodeMatcher[] = [];
  if (spec.nodeSelector && Object.keys(spec.nodeSelector).length > 0) out.push(compileNodeSelector(spec.nodeSelector));
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) out.push(compileTerms(required.nodeSelectorTerms ?? []));
  return out;
}

export const NodeAffinity = {
  name: 'NodeAffinity',
  preFilter(state, pod, _snapshot) {
    const matchers = requiredNodeMatchers(pod);
    if (matchers.length === 0) return { status: SKIP };
    state.write(REQUIRED, matchers);
    const terms = pod.pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    const pinned = terms ? pinnedNodeNames(terms) : undefined;
    return pinned ? { status: SUCCESS, nodeNames: pinned } : { status: SUCCESS };
  },
  filter(state, _pod, node) {
    for (const m of state.read(REQUIRED) ?? []) if (!m(node)) return REJECT;
    return SUCCESS;
  },
  preScore(state, pod, _nodes, _snapshot) {
    const preferred = pod.pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const terms = preferred.filter((t) => t.weight !== 0).map((t) => ({ weight: t.weight, matches: compileTerm(t.preference) }));
    if (terms.length === 0) return SKIP;
    state.write(PREFERRED, terms);
    return SUCCESS;
  },
  score(state, _pod, node) {
    let sum = 0;
    for (const t of state.read(PREFERRED) ?? []) if (t.matches(node)) sum += t.weight;
    return sum;
  },
  normalizeScore(_state, _pod, scores, _nodes) {
    defaultNormalizeScore(scores, false);
  },
  eventsToRegister: () => ['NodeAdd', 'NodeLabel'],
} as const satisfies PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & NormalizeScorePlugin & EnqueuePlugin;
