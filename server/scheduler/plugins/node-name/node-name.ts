// NodeName: a pod that names its node (spec.nodeName) fits only there.

import type { EnqueuePlugin, FilterPlugin, PreFilterPlugin } from '../../framework/interface';
import { SKIP, SUCCESS, unresolvable } from '../../framework/status';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";
const REJECT = unresolvable(ERR_REASON_NODE_NAME);

export const NodeName = {
  name: 'NodeName',
  preFilter(_state, pod, _snapshot) {
    const wanted = pod.pod.spec.nodeName;
    return wanted ? { status: SUCCESS, nodeNames: new Set([wanted]) } : { status: SKIP };
  },
  filter(_state, pod, node) {
    const wanted = pod.pod.spec.nodeName;
    return !wanted || wanted === node.name ? SUCCESS : REJECT;
  },
  eventsToRegister: () => ['NodeAdd'],
} as const satisfies PreFilterPlugin & FilterPlugin & EnqueuePlugin;
