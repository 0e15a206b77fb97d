// What a pod sync must do, computed from the pod's spec and what the runtime holds (kubelet's
// computePodActions): pure, so that every restart rule is unit-tested without a runtime.

import type { Container, Pod } from '../../shared/api/core';
import type { ContainerStatus, SandboxStatus } from '../runtime/types';
import { containerHash, LABEL_CONTAINER_HASH } from './labels';
import { instancesOf, nextAttempt, sandboxesOf, type PodRuntime } from './pod-runtime';

export interface KillAction {
  container: ContainerStatus;
  /** For the Killing event, e.g. "Container web failed liveness probe, will be restarted". */
  message: string;
}

export interface StartAction {
  container: Container;
  init: boolean;
  attempt: number;
  /** The exited instance this start restarts: subject to CrashLoopBackOff from its finish time. */
  restartOf?: ContainerStatus;
  /** A created-but-never-started instance to remove first (it has the same attempt number). */
  replace?: ContainerStatus;
}

export interface PodActions {
  /** Make a new sandbox with this attempt (after killing what runs in the old ones). */
  createSandbox?: { attempt: number };
  /** The sandbox to work in when no new one is made. */
  sandbox?: SandboxStatus;
  /** Sandboxes to stop (and their containers to kill) because a newer one replaces them. */
  stopSandboxes: SandboxStatus[];
  /** Sandboxes too old to keep even for logs. */
  removeSandboxes: SandboxStatus[];
  kill: KillAction[];
  start: StartAction[];
}

export interface ProbeView {
  livenessFailed(containerId: string): boolean;
  startupFailed(containerId: string): boolean;
}

/**
 * `remembered`: the highest attempt per container name this kubelet has created, a floor for restart counts when
 * instances were removed behind its back. Call only for pods that are not terminal (Succeeded/Failed).
 */
export function computePodActions(pod: Pod, rt: PodRuntime, probes: ProbeView, remembered: ReadonlyMap<string, number> = new Map()): PodActions {
  const policy = pod.spec.restartPolicy ?? 'Always';
  const sandboxes = sandboxesOf(rt);
  const current = sandboxes[0];
  const next = (name: string): number => nextAttempt(rt, name, remembered.get(name));
  const actions: PodActions = { stopSandboxes: [], removeSandboxes: [], kill: [], start: [] };

  if (!current || current.state !== 'ready') {
    const running = rt.containers.filter((c) => c.state === 'running');
    // (A sandbox whose start failed holds containers that never ran: that pod may still get its first run.)
    if (current && policy === 'Never' && rt.containers.some((c) => c.state !== 'created')) {
      // A pod that never restarts gets no second sandbox: stop what is left; its phase follows from the exits.
      actions.kill = running.map((container) => ({ container, message: `Pod sandbox of ${container.name} is gone, stopping it` }));
      return actions;
    }
    actions.createSandbox = { attempt: current ? current.attempt + 1 : 0 };
    actions.stopSandboxes = sandboxes.slice(0, 1).filter((s) => s.state === 'ready' || running.some((c) => c.sandboxId === s.id));
    actions.removeSandboxes = sandboxes.slice(1);
    actions.kill = running.map((container) => ({ container, message: `Pod sandbox changed, ${container.name} will be killed and re-created` }));
    const first = pod.spec.initContainers?.[0];
    actions.start = first
      ? [{ container: first, init: true, attempt: next(first.name) }]
      : pod.spec.containers.map((c) => ({ container: c, init: false, attempt: next(c.name) }));
    return actions;
  }

  actions.sandbox = current;
  actions.stopSandboxes = sandboxes.slice(1).filter((s) => s.state === 'ready');
  actions.removeSandboxes = sandboxes.slice(2);
  const latest = (name: string): ContainerStatus | undefined => instancesOf(rt, name, current.id)[0];

  // Containers exist in this sandbox only once its init containers completed: if the exited init instances are
  // gone (`podman container prune`), they ran — running them again in a live pod would be wrong (kubelet does the same).
  const initialized = pod.spec.containers.some((c) => latest(c.name) !== undefined);
  for (const init of initialized ? [] : pod.spec.initContainers ?? []) {
    const s = latest(init.name);
    if (!s) {
      actions.start.push({ container: init, init: true, attempt: next(init.name) });
      return actions;
    }
    if (s.state === 'created') {
      actions.start.push({ container: init, init: true, attempt: s.attempt, replace: s });
      return actions;
    }
    if (s.state !== 'exited') return actions; // running (or unknown): wait for it
    if (s.exitCode === 0) continue;
    if (policy !== 'Never') actions.start.push({ container: init, init: true, attempt: next(init.name), restartOf: s });
    return actions;
  }

  for (const c of pod.spec.containers) {
    const s = latest(c.name);
    if (!s) {
      actions.start.push({ container: c, init: false, attempt: next(c.name) });
    } else if (s.state === 'created') {
      actions.start.push({ container: c, init: false, attempt: s.attempt, replace: s });
    } else if (s.state === 'running') {
      const why = killReason(c, s, probes);
      if (why) actions.kill.push({ container: s, message: why });
    } else if (s.state === 'exited' && (policy === 'Always' || (policy === 'OnFailure' && s.exitCode !== 0))) {
      actions.start.push({ container: c, init: false, attempt: next(c.name), restartOf: s });
    }
  }
  return actions;
}

function killReason(spec: Container, s: ContainerStatus, probes: ProbeView): string | undefined {
  const hash = s.labels[LABEL_CONTAINER_HASH];
  if (hash !== undefined && hash !== containerHash(spec)) return `Container ${spec.name} definition changed, will be restarted`;
  if (probes.startupFailed(s.id)) return `Container ${spec.name} failed startup probe, will be restarted`;
  if (probes.livenessFailed(s.id)) return `Container ${spec.name} failed liveness probe, will be restarted`;
  return undefined;
}
