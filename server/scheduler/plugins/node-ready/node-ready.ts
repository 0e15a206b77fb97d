// NodeReady: only nodes whose Ready condition is True take new pods, unless the pod tolerates the
// taint Kubernetes' node lifecycle would put there (not-ready for False or a missing condition,
// unreachable for Unknown) with effect NoSchedule — so DaemonSet-style pods still land.

import type { EnqueuePlugin, FilterPlugin } from '../../framework/interface';
import { SUCCESS, unschedulable } from '../../framework/status';
import { tolerates } from '../../framework/taints';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const ERR_REASON_NOT_READY = 'node(s) were not ready';
const REJECT = unschedulable(ERR_REASON_NOT_READY);
const NOT_READY = { key: TAINT_NOT_READY, effect: 'NoSchedule' } as const;
const UNREACHABLE = { key: TAINT_UNREACHABLE, effect: 'NoSchedule' } as const;

export const NodeReady = {
  name: 'NodeReady',
  filter(_state, pod, node) {
    if (node.ready === 'True') return SUCCESS;
    const taint = node.ready === 'Unknown' ? UNREACHABLE : NOT_READY;
    return tolerates(pod.pod.spec.tolerations, taint) ? SUCCESS : REJECT;
  },
  eventsToRegister: () => ['NodeAdd', 'NodeCondition'],
} as const satisfies FilterPlugin & EnqueuePlugin;
