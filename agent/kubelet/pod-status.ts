// A pod's API status as the kubelet reports it (generateAPIPodStatus + getPhase): container states with
// reasons and exit codes, restart counts from attempt labels, phase, conditions, IPs. Pure.

import type { Container, ContainerState, ContainerStatus as ApiContainerStatus, Pod, PodCondition, PodPhase, PodStatus } from '../../shared/api/core';
import type { ContainerStatus } from '../runtime/types';
import { instancesOf, sandboxesOf, type PodRuntime } from './pod-runtime';
import { qosClass } from './qos';

/** Why a container is not running, decided by the last sync (ErrImagePull, CrashLoopBackOff, …). */
export interface Waiting {
  reason: string;
  message?: string;
}

export interface StatusInput {
  pod: Pod;
  rt: PodRuntime;
  /** Per container name; applies while its latest instance is not running. */
  waiting: ReadonlyMap<string, Waiting>;
  probes: { ready(containerId: string): boolean; started(containerId: string): boolean };
  podIP?: string;
  hostIP?: string;
  startTime?: string;
  /** The status last reported: conditions keep their transition times while they hold. */
  previous?: PodStatus;
  /** The pod is being deleted (or was removed): once nothing runs its phase is final. */
  terminating?: boolean;
  now: Date;
}

export const containerId = (id: string): string => `podman://${id}`;
const imageId = (id: string): string => (id.includes(':') || id === '' ? id : `sha256:${id}`);

export function computePodStatus(input: StatusInput): PodStatus {
  const { pod } = input;
  const initStatuses = (pod.spec.initContainers ?? []).map((c) => containerStatus(c, input, true));
  const statuses = pod.spec.containers.map((c) => containerStatus(c, input, false)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const phase = podPhase(pod, initStatuses, statuses, input.terminating ?? false);
  const incompleteInit = initStatuses.filter((s) => s.state.terminated?.exitCode !== 0).map((s) => s.name);
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const conditions: PodCondition[] = [
    condition('Initialized', incompleteInit.length === 0, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.join(' ')}]`),
    terminal
      ? condition('Ready', false, 'PodCompleted', '')
      : condition('Ready', unready.length === 0, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`),
    terminal
      ? condition('ContainersReady', false, 'PodCompleted', '')
      : condition('ContainersReady', unready.length === 0, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`),
    condition('PodScheduled', true, '', ''),
  ].map((c) => withTransition(c, input));

  const status: PodStatus = { phase, conditions };
  if (input.hostIP) Object.assign(status, { hostIP: input.hostIP, hostIPs: [{ ip: input.hostIP }] });
  if (input.podIP) Object.assign(status, { podIP: input.podIP, podIPs: [{ ip: input.podIP }] });
  if (input.startTime) status.startTime = input.startTime;
  if (initStatuses.length > 0) status.initContainerStatuses = initStatuses;
  status.containerStatuses = statuses;
  status.qosClass = qosClass(pod);
  return status;
}

function condition(type: string, ok: boolean, reason: string, message: string): PodCondition {
  const c: PodCondition = { type, status: ok ? 'True' : 'False', lastProbeTime: null };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

function withTransition(c: PodCondition, input: StatusInput): PodCondition {
  const before = input.previous?.conditions?.find((p) => p.type === c.type) ?? input.pod.status?.conditions?.find((p) => p.type === c.type);
  const at = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : iso(input.now);
  return { ...c, lastTransitionTime: at };
}

function containerStatus(spec: Container, input: StatusInput, init: boolean): ApiContainerStatus {
  const [current, previous] = instancesOf(input.rt, spec.name);
  const waiting = input.waiting.get(spec.name);
  let state: ContainerState;
  let lastState: ContainerState = previous ? terminatedOf(previous) : {};
  if (current?.state === 'running') {
    state = { running: { startedAt: iso(current.startedAt ?? current.createdAt) } };
  } else if (waiting) {
    state = { waiting: waiting.message ? { reason: waiting.reason, message: waiting.message } : { reason: waiting.reason } };
    if (current?.state === 'exited') lastState = terminatedOf(current);
  } else if (current?.state === 'exited') {
    state = terminatedOf(current);
  } else if (init && !current && mainContainersCreated(input)) {
    // Its exited instance was pruned; the pod's containers exist, so it completed.
    state = { terminated: { exitCode: 0, reason: 'Completed' } };
  } else {
    state = { waiting: { reason: init || !initialized(input) ? 'PodInitializing' : 'ContainerCreating' } };
  }
  const running = current?.state === 'running';
  const status: ApiContainerStatus = {
    name: spec.name,
    state,
    lastState,
    ready: running && current !== undefined && input.probes.ready(current.id),
    restartCount: current?.attempt ?? 0,
    image: spec.image ?? '',
    imageID: current ? imageId(current.imageId) : '',
    started: running && current !== undefined && input.probes.started(current.id),
  };
  if (current) status.containerID = containerId(current.id);
  return status;
}

function initialized(input: StatusInput): boolean {
  return (input.pod.spec.initContainers ?? []).every((c) => {
    const latest = instancesOf(input.rt, c.name)[0];
    return latest?.state === 'exited' && latest.exitCode === 0;
  }) || mainContainersCreated(input);
}

/** Some container of the pod exists in its newest sandbox: that sandbox's init containers completed. */
function mainContainersCreated(input: StatusInput): boolean {
  const sandbox = sandboxesOf(input.rt)[0];
  return sandbox !== undefined && input.pod.spec.containers.some((c) => instancesOf(input.rt, c.name, sandbox.id).length > 0);
}

function terminatedOf(c: ContainerStatus): ContainerState {
  const t: NonNullable<ContainerState['terminated']> = { exitCode: c.exitCode ?? 0, reason: c.reason ?? (c.exitCode === 0 ? 'Completed' : 'Error') };
  if (c.startedAt) t.startedAt = iso(c.startedAt);
  if (c.finishedAt) t.finishedAt = iso(c.finishedAt);
  t.containerID = containerId(c.id);
  return { terminated: t };
}

/** Kubernetes' getPhase. */
export function podPhase(pod: Pod, inits: ApiContainerStatus[], statuses: ApiContainerStatus[], terminal: boolean): PodPhase {
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of inits) {
    if (s.state.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state.waiting && s.lastState.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else {
      pendingInit++;
    }
  }
  let running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const s of statuses) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting && s.lastState.terminated) stopped++;
    else waiting++;
  }
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0 && !terminal) return 'Pending';
  if (waiting > 0 && !terminal) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (terminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return terminal ? 'Failed' : 'Pending';
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
