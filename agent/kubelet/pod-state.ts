// What the kubelet keeps in memory per pod between syncs. Everything that must survive an agent restart
// (restart counts, what runs) is read back from the runtime's labels instead.

import type { Pod } from '../../shared/api/core';
import type { ContainerStatus } from '../runtime/types';
import type { PodRef, SourceName } from './api';
import { emptyRuntime, type PodRuntime } from './pod-runtime';
import type { Waiting } from './pod-status';

export interface PodState {
  uid: string;
  ref: PodRef;
  source: SourceName;
  /** The newest desired spec; undefined once the pod is no longer desired (it is then torn down). */
  pod?: Pod;
  /** The last desired spec, kept to report the final status of a removed pod. */
  lastPod?: Pod;
  /** Why admission refused the pod (invalid manifest): it never runs. */
  rejected?: string;
  /** Per container name: why it is not running, as decided by the last sync. */
  waiting: Map<string, Waiting>;
  /** The last FailedMount message, so the event is not repeated every sync. */
  mountError?: string;
  /** The last FailedCreatePodSandBox message, likewise. */
  sandboxError?: string;
  /** IP of the sandbox it belongs to. */
  sandboxIP?: { id: string; ip?: string };
  startTime?: string;
  /** Succeeded/Failed once its restartPolicy says nothing more will run. */
  terminal?: 'Succeeded' | 'Failed';
  /** The last snapshot the pod was synced from (logs, exec and status read it). */
  runtime: PodRuntime;
  /** Highest attempt created per container name: a floor for restart counts. */
  attempts: Map<string, number>;
  /** Exited containers as inspected once (exact times, OOMKilled), by container id. */
  exits: Map<string, ContainerStatus>;
  /** Aborted when the pod stops being wanted: long work of the sync in flight (an image pull) is abandoned. */
  wanted: AbortController;
}

export function newPodState(ref: PodRef, source: SourceName): PodState {
  return { uid: ref.uid, ref, source, waiting: new Map(), runtime: emptyRuntime(), attempts: new Map(), exits: new Map(), wanted: new AbortController() };
}

export function refOf(pod: Pod): PodRef {
  return { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
}
