// TaintToleration: a node's NoSchedule and NoExecute taints keep out pods that do not tolerate them
// (filter); each PreferNoSchedule taint a pod does not tolerate lowers the node's score.

import type { Taint, Toleration } from '../../../../shared/api/core';
import { StateKey } from '../../framework/cycle-state';
import type { EnqueuePlugin, FilterPlugin, NormalizeScorePlugin, PreScorePlugin, ScorePlugin } from '../../framework/interface';
import { defaultNormalizeScore } from '../../framework/normalize';
import { SKIP, SUCCESS, unresolvable, type Status } from '../../framework/status';
import { tolerates } from '../../framework/taints';

const PREFER_TOLERATIONS = new StateKey<Toleration[]>('TaintToleration/prefer');
const byTaint = new Map<string, Status>();

/** Kubernetes' reason names the first taint the pod does not tolerate. */
function reject(taint: Taint): Status {
  const reason = `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  let status = byTaint.get(reason);
  if (!status) {
    if (byTaint.size > 1024) byTaint.clear();
    byTaint.set(reason, (status = unresolvable(reason)));
  }
  return status;
}

export const TaintToleration = {
  name: 'TaintToleration',
  filter(_state, pod, node) {
    for (const taint of node.taints) {
      if (taint.effect === 'PreferNoSchedule') continue;
      if (!tolerates(pod.pod.spec.tolerations, taint)) return reject(taint);
    }
    return SUCCESS;
  },
  preScore(state, pod, nodes, _snapshot) {
    // Without PreferNoSchedule taints on any candidate every node scores the same: skip.
    if (!nodes.some((n) => n.taints.length > 0 && n.taints.some((t) => t.effect === 'PreferNoSchedule'))) return SKIP;
    state.write(PREFER_TOLERATIONS, (pod.pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule'));
    return SUCCESS;
  },
  score(state, _pod, node) {
    const tolerations = state.read(PREFER_TOLERATIONS);
    let intolerable = 0;
    for (const taint of node.taints) if (taint.effect === 'PreferNoSchedule' && !tolerates(tolerations, taint)) intolerable++;
    return intolerable;
  },
  normalizeScore(_state, _pod, scores, _nodes) {
    defaultNormalizeScore(scores, true);
  },
  eventsToRegister: () => ['NodeAdd', 'NodeTaint'],
} as const satisfies FilterPlugin & PreScorePlugin & ScorePlugin & NormalizeScorePlugin & EnqueuePlugin;
