// PodTopologySpread: spread a workload's pods evenly across hostnames and zone-like domains —
// DoNotSchedule constraints filter (filtering.ts), ScheduleAnyway constraints score (scoring.ts),
// and pods of ReplicaSets/StatefulSets without constraints get the system defaults (defaults.ts).

import type { EnqueuePlugin, FilterPlugin, NormalizeScorePlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../../framework/interface';
import { SKIP } from '../../framework/status';
import { hasDefaultsState, normalizeDefaults, preScoreDefaults, scoreDefaults, spreadsByDefault } from './defaults';
import { filterSpread, preFilterSpread } from './filtering';
import { normalizeSpread, preScoreSpread, scoreSpread } from './scoring';

export const PodTopologySpread = {
  name: 'PodTopologySpread',
  preFilter: (state, pod, snapshot) => preFilterSpread(state, pod, snapshot),
  filter: (state, _pod, node) => filterSpread(state, node),
  preScore(state, pod, nodes, snapshot) {
    if ((pod.pod.spec.topologySpreadConstraints ?? []).length > 0) return preScoreSpread(state, pod, nodes, snapshot);
    return spreadsByDefault(pod) ? preScoreDefaults(state, pod, nodes, snapshot) : SKIP;
  },
  score: (state, _pod, node) => (hasDefaultsState(state) ? scoreDefaults(state, node) : scoreSpread(state, node)),
  normalizeScore: (state, _pod, scores, nodes) => (hasDefaultsState(state) ? normalizeDefaults(scores) : normalizeSpread(state, scores, nodes)),
  eventsToRegister: () => ['NodeAdd', 'NodeLabel', 'AssignedPodAdd', 'AssignedPodUpdate', 'AssignedPodDelete'],
} as const satisfies PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & NormalizeScorePlugin & EnqueuePlugin;
