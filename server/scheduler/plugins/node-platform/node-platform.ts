// NodePlatform: a pod whose images exist only for some CPU architectures or one OS goes only to
// nodes that run them. The pod says so with the annotation flotilla.io/architectures ("arm64,arm",
// Go/OCI names) and/or spec.os.name; the node's kubernetes.io/arch and kubernetes.io/os labels say
// what it runs, falling back to status.nodeInfo. (A kubernetes.io/arch nodeSelector or affinity is
// NodeAffinity's job.)

import type { Node } from '../../../../shared/api/core';
import { StateKey } from '../../framework/cycle-state';
import type { EnqueuePlugin, FilterPlugin, PreFilterPlugin } from '../../framework/interface';
import type { NodeInfo } from '../../framework/node-info';
import { SKIP, SUCCESS, unresolvable } from '../../framework/status';

export const ARCHITECTURES_ANNOTATION = 'flotilla.io/architectures';
export const LABEL_ARCH = 'kubernetes.io/arch';
export const LABEL_OS = 'kubernetes.io/os';
export const ERR_REASON_ARCH = "node(s) didn't match Pod's architecture";
export const ERR_REASON_OS = "node(s) didn't match Pod's OS";
const REJECT_ARCH = unresolvable(ERR_REASON_ARCH);
const REJECT_OS = unresolvable(ERR_REASON_OS);
const WANTED = new StateKey<{ archs: ReadonlySet<string> | undefined; os: string | undefined }>('NodePlatform/wanted');

function nodeInfoField(node: NodeInfo, field: 'architecture' | 'operatingSystem'): string | undefined {
  const info: NonNullable<Node['status']>['nodeInfo'] | undefined = node.node?.status?.nodeInfo;
  return info?.[field] || undefined;
}

export const NodePlatform = {
  name: 'NodePlatform',
  preFilter(state, pod, _snapshot) {
    const listed = pod.pod.metadata.annotations?.[ARCHITECTURES_ANNOTATION];
    const archs = listed ? new Set(listed.split(',').map((a) => a.trim()).filter(Boolean)) : undefined;
    const os = pod.pod.spec.os?.name || undefined;
    if (!archs?.size && !os) return { status: SKIP };
    state.write(WANTED, { archs: archs?.size ? archs : undefined, os });
    return { status: SUCCESS };
  },
  filter(state, _pod, node) {
    const wanted = state.read(WANTED);
    if (!wanted) return SUCCESS;
    if (wanted.archs) {
      const arch = node.labels[LABEL_ARCH] ?? nodeInfoField(node, 'architecture');
      if (arch === undefined || !wanted.archs.has(arch)) return REJECT_ARCH;
    }
    if (wanted.os) {
      const os = node.labels[LABEL_OS] ?? nodeInfoField(node, 'operatingSystem');
      if (os !== wanted.os) return REJECT_OS;
    }
    return SUCCESS;
  },
  eventsToRegister: () => ['NodeAdd', 'NodeLabel'],
} as const satisfies PreFilterPlugin & FilterPlugin & EnqueuePlugin;
