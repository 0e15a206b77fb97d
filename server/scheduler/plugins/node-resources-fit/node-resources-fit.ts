// NodeResourcesFit: the pod's effective request must fit in the node's allocatable minus what the
// pods already there (assumed ones included) request — CPU, memory, ephemeral storage, extended
// resources such as flotilla.io/camera, and one pod slot.

import type { EnqueuePlugin, FilterPlugin } from '../../framework/interface';
import { SUCCESS, unschedulable, type Status } from '../../framework/status';

const TOO_MANY_PODS = 'Too many pods';
const byReasons = new Map<string, Status>();

/** One frozen Status per distinct reason list, so a full cluster does not allocate per node. */
function reject(reasons: string[]): Status {
  const key = reasons.join('\n');
  let status = byReasons.get(key);
  if (!status) byReasons.set(key, (status = unschedulable(...reasons)));
  return status;
}

export const NodeResourcesFit = {
  name: 'NodeResourcesFit',
  filter(_state, pod, node) {
    const req = pod.requests;
    const alloc = node.allocatable;
    const used = node.requested;
    // The common case in one expression; anything else takes the careful path below.
    if (
      req.scalar === undefined &&
      node.pods.size < alloc.pods &&
      req.milliCpu <= alloc.milliCpu - used.milliCpu &&
      req.memory <= alloc.memory - used.memory &&
      req.ephemeralStorage <= alloc.ephemeralStorage - used.ephemeralStorage
    ) {
      return SUCCESS;
    }
    let reasons: string[] | undefined;
    if (node.pods.size + 1 > alloc.pods) (reasons ??= []).push(TOO_MANY_PODS);
    if (req.milliCpu > 0 && req.milliCpu > alloc.milliCpu - used.milliCpu) (reasons ??= []).push('Insufficient cpu');
    if (req.memory > 0 && req.memory > alloc.memory - used.memory) (reasons ??= []).push('Insufficient memory');
    if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) (reasons ??= []).push('Insufficient ephemeral-storage');
    if (req.scalar) {
      for (const [name, want] of req.scalar) {
        if (want > 0 && want > (alloc.scalar?.get(name) ?? 0) - (used.scalar?.get(name) ?? 0)) (reasons ??= []).push(`Insufficient ${name}`);
      }
    }
    return reasons ? reject(reasons) : SUCCESS;
  },
  eventsToRegister: () => ['NodeAdd', 'NodeAllocatable', 'AssignedPodDelete', 'AssignedPodUpdate'],
} as const satisfies FilterPlugin & EnqueuePlugin;
