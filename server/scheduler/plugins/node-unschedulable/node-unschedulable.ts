// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint (DaemonSet pods do).

import type { EnqueuePlugin, FilterPlugin } from '../../framework/interface';
import { SUCCESS, unresolvable } from '../../framework/status';
import { tolerates } from '../../framework/taints';

export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const REJECT = unresolvable(ERR_REASON_UNSCHEDULABLE);
const CORDON_TAINT = { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' } as const;

export const NodeUnschedulable = {
  name: 'NodeUnschedulable',
  filter(_state, pod, node) {
    if (!node.unschedulable || tolerates(pod.pod.spec.tolerations, CORDON_TAINT)) return SUCCESS;
    return REJECT;
  },
  eventsToRegister: () => ['NodeAdd', 'NodeSpecUnschedulable', 'NodeTaint'],
} as const satisfies FilterPlugin & EnqueuePlugin;
