// The kubelet's seam to the world around it: pod sources feed it desired state, the node channel
// (agent/sync, MQTT) and the standalone mode read statuses, events, logs and exec through it.
// Implemented by agent/kubelet; nothing here depends on Podman or MQTT.

import type { ConfigMap, Pod, PodStatus, Secret } from '../../shared/api/core';
import type { ExecResult, ExecStream, ExecStreamOptions, LogLine, LogOptions } from '../runtime/types';

/**
 * The whole desired state of one source, level-triggered: what is not in it must not run.
 * The server's copy holds the node's pods plus exactly the ConfigMaps and Secrets they reference.
 */
export interface DesiredState {
  /** Grows with every state the source publishes; a state not newer than the applied one is ignored. */
  version: number;
  pods: Pod[];
  configMaps: ConfigMap[];
  secrets: Secret[];
}

/** "static": manifests from `--manifests DIR`; "server": the node channel. Both may run at once. */
export type SourceName = 'static' | 'server';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

/** A pod's status as the kubelet last computed it. `version` grows per pod with every change. */
export interface PodStatusUpdate extends PodRef {
  source: SourceName;
  version: number;
  status: PodStatus;
  /**
   * true once a pod that was removed from the desired state, or carries a deletionTimestamp, has
   * stopped and left the runtime: the server may then finish deleting it.
   */
  terminated?: boolean;
}

/** A Kubernetes-style event about a pod ("Pulled", "Started", "BackOff", "Unhealthy", …). */
export interface KubeletEvent {
  pod: PodRef;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** e.g. "spec.containers{web}" */
  fieldPath?: string;
  time: Date;
}

export interface ContainerRef {
  namespace: string;
  name: string;
  /** Default: the pod's only container; required when it has several. */
  container?: string;
}

export interface KubeletApi {
  /**
   * Replaces the desired state of `source`. Persists it in the data dir (atomic, fsynced) before
   * acting on it and resolves once persisted; reconciliation then runs in the background.
   * A state whose version is not newer than the current one of that source is ignored (resolves false).
   */
  setDesiredState(source: SourceName, state: DesiredState): Promise<boolean>;
  /** The applied desired-state version of `source` (0 = none yet). */
  desiredVersion(source: SourceName): number;
  /** The latest status of every pod the kubelet knows, terminated ones until they are acknowledged. */
  podStatuses(): PodStatusUpdate[];
  /** Status changes as they happen (coalesced: only the newest per pod is guaranteed). Returns unsubscribe. */
  onPodStatus(listener: (update: PodStatusUpdate) => void): () => void;
  onEvent(listener: (event: KubeletEvent) => void): () => void;
  /** `previous`: the instance before the last restart. NotFound (FlotillaError) for unknown pods/containers. */
  logs(ref: ContainerRef, options?: LogOptions & { previous?: boolean }): AsyncIterable<LogLine>;
  /** Rejects once `timeoutMs` passed or `signal` aborted; the output is bounded (see Runtime.exec). */
  exec(ref: ContainerRef, command: string[], options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<ExecResult>;
  /** Starts an interactive command (`kubectl exec -i/-t`) in a running container. */
  execStream(ref: ContainerRef, command: string[], options: ExecStreamOptions): Promise<ExecStream>;
}
