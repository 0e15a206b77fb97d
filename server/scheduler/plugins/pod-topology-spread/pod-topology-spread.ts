// PodTopologySpread: spread a workload's pods evenly across hostnames and zone-like domains —
// DoNotSchedule constraints filter, ScheduleAnyway constraints (and the system defaults for pods
// with a controller) score. See filtering.ts and scoring.ts.

import type { EnqueuePlugin, FilterPlugin, NormalizeScorePlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../../framework/interface';
import { filterSpread, preFilterSpread } from './filtering';
import { normalizeSpread, preScoreSpread, scoreSpread } from './scoring';

export const PodTopologySpread = {
  name: 'PodTopologySpread',
  preFilter: (state, pod, snapshot) => preFilterSpread(state, pod, snapshot),
  filter: (state, _pod, node) => filterSpread(state, node),
  preScore: (state, pod, nodes, snapshot) => preScoreSpread(state, pod, nodes, snapshot),
  score: (state, _pod, node) => scoreSpread(state, node),
  normalizeScore: (state, _pod, scores, nodes) => normalizeSpread(state, scores, nodes),
  eventsToRegister: () => ['NodeAdd', 'NodeLabel', 'AssignedPodAdd', 'AssignedPodUpdate', 'AssignedPodDelete'],
} as const satisfies PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & NormalizeScorePlugin & EnqueuePlugin;
