// A pod with what every plugin needs computed once: its key, effective requests and controller.

import type { Pod } from '../../../shared/api/core';
import type { Cached } from '../../informer/informer';
import { keyOf } from '../../informer/informer';
import { nonZeroRequests, podRequests, type Resource } from './resources';

export interface PodInfo {
  /** "namespace/name". */
  readonly key: string;
  readonly pod: Cached<Pod>;
  /** Effective request (init containers, sidecars, overhead) for fitting. */
  readonly requests: Resource;
  /** CPU and memory for scoring, defaults filled in for containers without requests. */
  readonly nonZeroCpu: number;
  readonly nonZeroMemory: number;
  /** uid and kind of the controlling owner (ReplicaSet, DaemonSet, Job…), for default spreading. */
  readonly controllerUid: string | undefined;
  readonly controllerKind: string | undefined;
}

export function podInfoOf(pod: Cached<Pod>): PodInfo {
  const nonZero = nonZeroRequests(pod.spec);
  const controller = pod.metadata.ownerReferences?.find((o) => o.controller);
  return {
    key: keyOf(pod),
    pod,
    requests: podRequests(pod.spec),
    nonZeroCpu: nonZero.milliCpu,
    nonZeroMemory: nonZero.memory,
    controllerUid: controller?.uid,
    controllerKind: controller?.kind,
  };
}
