// The kubelet's prober manager: one worker per running container and probe kind, on the injected clock.
// Startup gates liveness and readiness; results flip only after successThreshold / failureThreshold in a row;
// every failure is reported (the Unhealthy event) and every flip is announced (the pod then syncs).

import type { Container, Pod, Probe } from '../../../shared/api/core';
import type { Clock, TimerHandle } from '../../../shared/clock';
import type { Prober } from './prober';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface RunningContainer {
  container: Container;
  id: string;
  startedAt: Date;
}

export interface ProbeManagerOptions {
  clock: Clock;
  prober: Prober;
  /** A result flipped (ready ↔ unready, started, liveness/startup failed). */
  onChange(uid: string, kind: ProbeKind, container: string): void;
  /** One failed probe run: the Unhealthy event. */
  onFailure(uid: string, kind: ProbeKind, container: string, output: string): void;
}

interface Worker {
  uid: string;
  kind: ProbeKind;
  probe: Probe;
  target: RunningContainer;
  podIP: string | undefined;
  timer?: TimerHandle;
  successes: number;
  failures: number;
  result: boolean | undefined;
  stopped: boolean;
}

const KINDS: Array<[ProbeKind, 'livenessProbe' | 'readinessProbe' | 'startupProbe']> = [
  ['startup', 'startupProbe'],
  ['liveness', 'livenessProbe'],
  ['readiness', 'readinessProbe'],
];

export class ProbeManager {
  /** key `${containerId}/${kind}` */
  private readonly workers = new Map<string, Worker>();
  private readonly byPod = new Map<string, Set<string>>();
  /** Final results of workers that stopped (startup succeeded, liveness failed), by the same key. */
  private readonly settled = new Map<string, boolean>();

  constructor(private readonly options: ProbeManagerOptions) {}

  /** After each sync of a pod: probes its running containers, forgets the rest. Idempotent. */
  sync(pod: Pod, running: RunningContainer[], podIP: string | undefined): void {
    const uid = pod.metadata.uid ?? '';
    const want = new Set<string>();
    for (const target of running) {
      for (const [kind, field] of KINDS) {
        const probe = target.container[field];
        if (!probe) continue;
        const key = `${target.id}/${kind}`;
        want.add(key);
        if (this.workers.has(key) || this.settled.has(key)) continue;
        const w: Worker = { uid, kind, probe, target, podIP, successes: 0, failures: 0, result: kind === 'liveness' ? true : undefined, stopped: false };
        this.workers.set(key, w);
        const delay = target.startedAt.getTime() + (probe.initialDelaySeconds ?? 0) * 1000 - this.options.clock.now();
        this.schedule(key, w, Math.max(0, delay));
      }
    }
    const keys = this.byPod.get(uid) ?? new Set();
    for (const key of keys) if (!want.has(key)) this.drop(key);
    this.byPod.set(uid, want);
  }

  removePod(uid: string): void {
    for (const key of this.byPod.get(uid) ?? []) this.drop(key);
    this.byPod.delete(uid);
  }

  stop(): void {
    for (const key of [...this.workers.keys()]) this.drop(key);
  }

  /** Readiness of a running container: its probe's verdict, or started when it has none. */
  ready(c: { id: string; container: Container }): boolean {
    if (!c.container.readinessProbe) return this.started(c);
    return this.started(c) && this.result(`${c.id}/readiness`) === true;
  }

  started(c: { id: string; container: Container }): boolean {
    return !c.container.startupProbe || this.result(`${c.id}/startup`) === true;
  }

  livenessFailed(id: string): boolean {
    return this.result(`${id}/liveness`) === false;
  }

  startupFailed(id: string): boolean {
    return this.result(`${id}/startup`) === false;
  }

  private result(key: string): boolean | undefined {
    return this.workers.get(key)?.result ?? this.settled.get(key);
  }

  private schedule(key: string, w: Worker, ms: number): void {
    w.timer = this.options.clock.setTimeout(() => void this.tick(key, w), ms);
  }

  private async tick(key: string, w: Worker): Promise<void> {
    if (w.stopped) return;
    const period = (w.probe.periodSeconds ?? 10) * 1000;
    if (w.kind !== 'startup' && !this.started(w.target)) return this.schedule(key, w, period);
    const { ok, output } = await this.options.prober.run(w.probe, { containerId: w.target.id, container: w.target.container, podIP: w.podIP });
    if (w.stopped) return;
    const name = w.target.container.name;
    if (ok) {
      w.failures = 0;
      w.successes++;
      if (w.result !== true && w.successes >= (w.probe.successThreshold ?? 1)) this.flip(key, w, true);
    } else {
      w.successes = 0;
      w.failures++;
      this.options.onFailure(w.uid, w.kind, name, output);
      if (w.result !== false && w.failures >= (w.probe.failureThreshold ?? 3)) this.flip(key, w, false);
    }
    if (!w.stopped) this.schedule(key, w, period);
  }

  private flip(key: string, w: Worker, result: boolean): void {
    w.result = result;
    // A started container is not probed for startup again; a failed liveness or startup probe waits for the restart.
    if ((w.kind === 'startup' && result) || (w.kind !== 'readiness' && !result)) {
      this.settled.set(key, result);
      this.stopWorker(key, w);
    }
    this.options.onChange(w.uid, w.kind, w.target.container.name);
  }

  private drop(key: string): void {
    const w = this.workers.get(key);
    if (w) this.stopWorker(key, w);
    this.settled.delete(key);
  }

  private stopWorker(key: string, w: Worker): void {
    w.stopped = true;
    w.timer?.cancel();
    this.workers.delete(key);
  }
}
