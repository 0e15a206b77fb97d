// One pod sync (kubelet's SyncPod / SyncTerminatingPod): read what the runtime holds for the pod, set up
// its volumes, compute the actions, kill / create the sandbox / start containers, collect old instances,
// then report the status and (re)arm the probes. Level-triggered: run it any number of times.

import type { Pod, PodStatus } from '../../shared/api/core';
import type { Clock } from '../../shared/clock';
import { LABEL_NODE, LABEL_POD_UID, type Runtime } from '../runtime/types';
import type { ConfigLookup } from './config-lookup';
import { sandboxSpec, graceSeconds, DEFAULT_GRACE_SECONDS } from './container-config';
import type { ContainerStarter } from './container-start';
import { fieldPathOf, type EventRecorder } from './events';
import { LABEL_POD_GRACE } from './labels';
import { computePodActions, type KillAction } from './pod-actions';
import { instancesOf, sandboxesOf, type PodRuntime } from './pod-runtime';
import type { PodState } from './pod-state';
import type { StartSlots } from './start-slots';
import { computePodStatus } from './pod-status';
import type { SyncResult } from './pod-workers';
import type { ProbeManager } from './probes/probe-manager';
import type { StatusManager } from './status-manager';
import type { VolumeManager } from './volumes';

export interface SyncerDeps {
  runtime: Runtime;
  clock: Clock;
  nodeName: string;
  hostIP?: string;
  volumes: VolumeManager;
  probes: ProbeManager;
  statuses: StatusManager;
  events: EventRecorder;
  starter: ContainerStarter;
  /** New pods come up a few at a time. */
  startSlots: StartSlots;
  config(state: PodState): ConfigLookup;
}

/** How soon a pod whose volumes could not be set up tries again. */
const MOUNT_RETRY_MS = 5_000;

export class PodSyncer {
  constructor(private readonly deps: SyncerDeps) {}

  /** Makes the runtime match the desired pod in `state.pod` and reports its status. */
  async sync(state: PodState, pod: Pod): Promise<SyncResult> {
    const { runtime, events } = this.deps;
    let rt = await this.snapshot(state);
    state.startTime ??= pod.status?.startTime ?? isoSeconds(earliest(rt) ?? new Date(this.deps.clock.now()));
    const config = this.deps.config(state);
    let volumes;
    try {
      volumes = await this.deps.volumes.prepare(pod, config);
      state.mountError = undefined;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (state.mountError !== message) events.emit(state.ref, 'Warning', 'FailedMount', message);
      state.mountError = message;
    }

    const terminal = state.terminal ?? this.terminalPhase(state, pod, rt) ?? sourcePhase(pod);
    if (terminal) {
      // Its restartPolicy runs nothing more: the sandbox goes down, the containers stay for their logs.
      state.terminal = terminal;
      await Promise.all(rt.sandboxes.filter((x) => x.state === 'ready').map((x) => runtime.stopSandbox(x.id, graceSeconds(pod))));
      // With its containers gone (pruned) the source knows its final status better than a recomputed one.
      if (rt.containers.length > 0 || this.deps.statuses.get(state.uid)) await this.publish(state, pod, rt);
      return {};
    }
    if (!volumes) {
      await this.publish(state, pod, rt);
      return { requeueAfterMs: MOUNT_RETRY_MS };
    }

    const probeView = { livenessFailed: (id: string) => this.deps.probes.livenessFailed(id), startupFailed: (id: string) => this.deps.probes.startupFailed(id) };
    let actions = computePodActions(pod, rt, probeView, state.attempts);
    if (actions.kill.length > 0 && !actions.createSandbox) {
      await this.kill(state, pod, actions.kill);
      rt = await this.snapshot(state);
      actions = computePodActions(pod, rt, probeView, state.attempts);
    }
    const acted = actions.kill.length + actions.stopSandboxes.length + actions.removeSandboxes.length + actions.start.length > 0 || actions.createSandbox !== undefined;
    await this.kill(state, pod, actions.kill);
    await Promise.all(actions.stopSandboxes.map((s) => runtime.stopSandbox(s.id, graceSeconds(pod))));
    await Promise.all(actions.removeSandboxes.map((s) => runtime.removeSandbox(s.id)));

    const retries: number[] = [];
    let pendingIP: Promise<unknown> = Promise.resolve();
    const needsIP = actions.start.some((a) => JSON.stringify(a.container.env ?? []).includes('status.podIP'));
    const env = { nodeName: this.deps.nodeName, hostIP: this.deps.hostIP };
    const spec = actions.createSandbox ? sandboxSpec(pod, { nodeName: this.deps.nodeName, source: state.source, attempt: actions.createSandbox.attempt }) : undefined;
    if (spec && !needsIP && actions.start.every((a) => !a.init)) {
      // A new pod, as `podman kube play` does it: create the sandbox, its containers meanwhile, then
      // start it all at once — a few new pods at a time (StartSlots), images pulled before.
      const pulls = new Map<string, Promise<void>>();
      await this.deps.starter.prefetch({ state, pulls }, actions.start.map((a) => a.container));
      // A pod removed while it waits for a slot is not brought up.
      await this.deps.startSlots.run(async () => {
        const sandboxId = await this.newSandbox(state, pod, () => runtime.createSandbox(spec));
        state.sandboxIP = undefined;
        const ctx = { state, sandboxId, config, volumes, pulls, env };
        const results = await Promise.all(actions.start.map((a) => this.deps.starter.start(ctx, a, { deferStart: true })));
        for (const r of results) if (r.retryMs !== undefined) retries.push(r.retryMs);
        try {
          await runtime.startSandbox(sandboxId);
          actions.start.forEach((a, i) => results[i]?.created !== undefined && this.deps.starter.started(state, a));
          pendingIP = this.sandboxIP(state, sandboxId).catch(() => undefined);
        } catch (err) {
          // The containers that did not start are found 'created' by the next sync and started one by one.
          events.emit(state.ref, 'Warning', 'Failed', `Error: ${err instanceof Error ? err.message : String(err)}`);
          retries.push(1000);
        }
      }, state.wanted.signal);
    } else {
      let sandboxId = actions.sandbox?.id;
      if (spec) {
        sandboxId = await this.newSandbox(state, pod, () => runtime.runSandbox(spec));
        state.sandboxIP = undefined;
      }
      if (sandboxId !== undefined && actions.start.length > 0) {
        const ip = this.sandboxIP(state, sandboxId);
        // Containers that need the pod IP in their env wait for it; the others are created meanwhile.
        const ctx = { state, sandboxId, config, volumes, pulls: new Map(), env: { ...env, podIP: needsIP ? await ip : undefined } };
        const results = await Promise.all(actions.start.map((a) => this.deps.starter.start(ctx, a)));
        for (const r of results) if (r.retryMs !== undefined) retries.push(r.retryMs);
        await ip;
      }
    }
    if (acted) {
      [rt] = await Promise.all([this.snapshot(state), pendingIP]);
      await this.collectOld(pod, rt);
    }
    await this.publish(state, pod, rt);
    return retries.length > 0 ? { requeueAfterMs: Math.min(...retries) } : {};
  }

  /** Stops and removes everything the pod has in the runtime, then reports its final status. */
  async terminate(state: PodState): Promise<SyncResult> {
    const { runtime } = this.deps;
    const pod = state.pod ?? state.lastPod;
    this.deps.probes.removePod(state.uid);
    let rt = await this.snapshot(state);
    const running = rt.containers.filter((c) => c.state === 'running');
    if (running.length > 0 && pod) await this.kill(state, pod, running.map((container) => ({ container, message: `Stopping container ${container.name}` })));
    const grace = pod ? graceSeconds(pod) : Number(rt.sandboxes[0]?.labels[LABEL_POD_GRACE] ?? DEFAULT_GRACE_SECONDS);
    await Promise.all(rt.sandboxes.filter((s) => s.state === 'ready').map((s) => runtime.stopSandbox(s.id, grace)));
    if (rt.sandboxes.length > 0 || rt.containers.length > 0) rt = await this.snapshot(state);
    const final = rt;
    await Promise.all(rt.sandboxes.map((s) => runtime.removeSandbox(s.id)));
    await this.deps.volumes.remove(state.uid);
    this.deps.probes.removePod(state.uid);
    this.deps.starter.forget(state.uid);
    // Once the final status is out, a later sync (the pod still desired with its deletionTimestamp) finds
    // nothing left in the runtime: reporting that would overwrite the containers' exits with "waiting".
    const reported = this.deps.statuses.get(state.uid)?.terminated === true && final.sandboxes.length === 0 && final.containers.length === 0;
    if (pod && !state.rejected && !reported) await this.publish(state, pod, final, true);
    state.runtime = { sandboxes: [], containers: [] };
    return state.pod ? {} : { done: true };
  }

  /** A pod admission refused: nothing of it may run; its status says why. */
  async reject(state: PodState, pod: Pod, message: string): Promise<SyncResult> {
    const rt = await this.snapshot(state);
    if (rt.sandboxes.length > 0) await this.terminate({ ...state, pod: undefined, lastPod: undefined });
    const status: PodStatus = {
      phase: 'Failed',
      reason: 'Invalid',
      message,
      conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: state.startTime ?? isoSeconds(new Date(this.deps.clock.now())) }],
    };
    state.startTime ??= status.conditions?.[0]?.lastTransitionTime;
    this.deps.statuses.set(state.ref, state.source, status);
    return {};
  }

  /** Makes the sandbox; a failure (a taken hostPort, Podman away) is an event and the pod's status, then the worker backs off. */
  private async newSandbox(state: PodState, pod: Pod, make: () => Promise<string>): Promise<string> {
    try {
      const id = await make();
      state.sandboxError = undefined;
      return id;
    } catch (err) {
      const message = `Failed to create pod sandbox: ${err instanceof Error ? err.message : String(err)}`;
      if (state.sandboxError !== message) this.deps.events.emit(state.ref, 'Warning', 'FailedCreatePodSandBox', message);
      state.sandboxError = message;
      await this.publish(state, pod, state.runtime);
      throw err;
    }
  }

  /**
   * What the runtime holds for the pod. Listings give times to the second and no OOM kills, so each container
   * that exited is inspected once (exits are rare) for its exact finish time (back-off counts from it) and reason.
   */
  private async snapshot(state: PodState): Promise<PodRuntime> {
    const { runtime } = this.deps;
    const rt = await runtime.snapshot({ labels: { [LABEL_POD_UID]: state.uid, [LABEL_NODE]: this.deps.nodeName } });
    const exited = new Set(rt.containers.filter((c) => c.state === 'exited').map((c) => c.id));
    for (const id of state.exits.keys()) if (!exited.has(id)) state.exits.delete(id);
    await Promise.all(
      rt.containers.filter((c) => exited.has(c.id) && !state.exits.has(c.id)).map(async (c) => {
        state.exits.set(c.id, await runtime.containerStatus(c.id).catch(() => c));
      }),
    );
    rt.containers = rt.containers.map((c) => state.exits.get(c.id) ?? c);
    state.runtime = rt;
    return rt;
  }

  private terminalPhase(state: PodState, pod: Pod, rt: PodRuntime): 'Succeeded' | 'Failed' | undefined {
    if ((pod.spec.restartPolicy ?? 'Always') === 'Always' || rt.containers.length === 0) return undefined;
    const phase = this.compute(state, pod, rt, false).phase;
    return phase === 'Succeeded' || phase === 'Failed' ? phase : undefined;
  }

  private async kill(state: PodState, pod: Pod, kills: KillAction[]): Promise<void> {
    await Promise.all(
      kills.map(async ({ container, message }) => {
        const spec = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === container.name);
        const init = (pod.spec.initContainers ?? []).some((c) => c.name === container.name);
        this.deps.events.emit(state.ref, 'Normal', 'Killing', message, fieldPathOf(container.name, init));
        const probeGrace = /liveness|startup/.test(message) ? (spec?.livenessProbe ?? spec?.startupProbe)?.terminationGracePeriodSeconds : undefined;
        await this.deps.runtime.stopContainer(container.id, probeGrace ?? graceSeconds(pod));
      }),
    );
  }

  /** Keeps the current and the previous instance of each container (logs --previous, lastState); removes older ones. */
  private async collectOld(pod: Pod, rt: PodRuntime): Promise<void> {
    const names = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.name);
    const old = names.flatMap((name) => instancesOf(rt, name).slice(2)).filter((c) => c.state !== 'running');
    await Promise.all(old.map((c) => this.deps.runtime.removeContainer(c.id)));
  }

  private async sandboxIP(state: PodState, sandboxId: string): Promise<string | undefined> {
    if (state.sandboxIP?.id === sandboxId) return state.sandboxIP.ip;
    const status = await this.deps.runtime.sandboxStatus(sandboxId);
    state.sandboxIP = { id: sandboxId, ...(status.ip ? { ip: status.ip } : {}) };
    return status.ip;
  }

  private compute(state: PodState, pod: Pod, rt: PodRuntime, terminating: boolean): PodStatus {
    const specOf = (id: string) => {
      const name = rt.containers.find((c) => c.id === id)?.name;
      return [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((c) => c.name === name);
    };
    const probes = {
      ready: (id: string) => {
        const container = specOf(id);
        return container !== undefined && this.deps.probes.ready({ id, container });
      },
      started: (id: string) => {
        const container = specOf(id);
        return container !== undefined && this.deps.probes.started({ id, container });
      },
    };
    const current = sandboxesOf(rt)[0];
    const podIP = current && state.sandboxIP?.id === current.id ? state.sandboxIP.ip : undefined;
    return computePodStatus({
      pod, rt, waiting: state.waiting, probes, podIP, hostIP: this.deps.hostIP, startTime: state.startTime,
      previous: this.deps.statuses.get(state.uid)?.status, terminating, now: new Date(this.deps.clock.now()),
    });
  }

  private async publish(state: PodState, pod: Pod, rt: PodRuntime, terminated = false): Promise<void> {
    const current = sandboxesOf(rt)[0];
    if (current && current.state === 'ready' && state.sandboxIP?.id !== current.id) await this.sandboxIP(state, current.id);
    this.deps.statuses.set(state.ref, state.source, this.compute(state, pod, rt, terminated || pod.metadata.deletionTimestamp !== undefined), terminated);
    if (terminated || !current || current.state !== 'ready') return;
    const running = pod.spec.containers.flatMap((container) => {
      const c = instancesOf(rt, container.name, current.id)[0];
      return c?.state === 'running' ? [{ container, id: c.id, startedAt: c.startedAt ?? c.createdAt }] : [];
    });
    this.deps.probes.sync(pod, running, state.sandboxIP?.id === current.id ? state.sandboxIP.ip : undefined);
  }
}

/** The terminal phase the source says the pod reached (the server sends a completed pod's phase). */
function sourcePhase(pod: Pod): 'Succeeded' | 'Failed' | undefined {
  const phase = pod.status?.phase;
  return (phase === 'Succeeded' || phase === 'Failed') && (pod.spec.restartPolicy ?? 'Always') !== 'Always' ? phase : undefined;
}

function earliest(rt: PodRuntime): Date | undefined {
  const times = rt.sandboxes.map((s) => s.createdAt.getTime());
  return times.length > 0 ? new Date(Math.min(...times)) : undefined;
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
