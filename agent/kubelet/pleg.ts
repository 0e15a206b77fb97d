// The pod lifecycle event generator (kubelet's pleg): a periodic relist of this node's sandboxes and
// containers, diffed against the previous one, plus Podman's event stream for immediacy, both turned into
// typed per-pod lifecycle events. The stream reconnects with back-off (Podman restarting under the agent)
// and every reconnect is followed by a relist, so nothing missed in between stays unnoticed.

import type { Clock, TimerHandle } from '../../shared/clock';
import { LABEL_NODE, LABEL_POD_UID, type Runtime, type RuntimeEvent } from '../runtime/types';
import { byPod, type PodRuntime } from './pod-runtime';

export type LifecycleEventType = 'ContainerStarted' | 'ContainerDied' | 'ContainerRemoved' | 'SandboxChanged';

export interface LifecycleEvent {
  uid: string;
  type: LifecycleEventType;
  /** The container or sandbox id. */
  id: string;
}

export interface PlegOptions {
  runtime: Runtime;
  clock: Clock;
  nodeName: string;
  /** Default 10 s: the event stream carries the news; the relist is the safety net. */
  relistMs?: number;
  onEvent(event: LifecycleEvent): void;
  /** After every successful relist, with what this node holds per pod uid. */
  onRelist?(pods: ReadonlyMap<string, PodRuntime>): void;
  /** The event stream ended or failed (Podman went away?); it is retried with back-off, each retry followed by a relist. */
  onStreamLost?(err?: unknown): void;
  onRelistError?(err: unknown): void;
}

export class Pleg {
  private pods = new Map<string, PodRuntime>();
  private readonly sandboxOwner = new Map<string, string>();
  private timer: TimerHandle | undefined;
  private abort: AbortController | undefined;
  private relisting: Promise<void> | undefined;
  private running = false;

  constructor(private readonly options: PlegOptions) {}

  /** Relists once (resolves after it), then keeps relisting and following events until stop(). */
  async start(): Promise<void> {
    this.running = true;
    this.abort = new AbortController();
    void this.follow(this.abort.signal);
    await this.relist();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.abort?.abort();
  }

  /** What the last relist saw for a pod. */
  podRuntime(uid: string): PodRuntime | undefined {
    return this.pods.get(uid);
  }

  /** Relists now (joining one in flight) and schedules the next. */
  relist(): Promise<void> {
    this.relisting ??= this.doRelist().finally(() => {
      this.relisting = undefined;
      this.schedule();
    });
    return this.relisting;
  }

  private schedule(): void {
    this.timer?.cancel();
    if (this.running) this.timer = this.options.clock.setTimeout(() => void this.relist(), this.options.relistMs ?? 10_000);
  }

  private async doRelist(): Promise<void> {
    let snapshot;
    try {
      snapshot = await this.options.runtime.snapshot({ labels: { [LABEL_NODE]: this.options.nodeName } });
    } catch (err) {
      this.options.onRelistError?.(err);
      return;
    }
    const next = byPod(snapshot);
    for (const [uid, rt] of next) this.diff(uid, this.pods.get(uid), rt);
    for (const [uid, old] of this.pods) if (!next.has(uid)) this.diff(uid, old, { sandboxes: [], containers: [] });
    this.pods = next;
    this.sandboxOwner.clear();
    for (const [uid, rt] of next) for (const s of rt.sandboxes) this.sandboxOwner.set(s.id, uid);
    this.options.onRelist?.(next);
  }

  private diff(uid: string, before: PodRuntime | undefined, after: PodRuntime): void {
    const old = new Map(before?.containers.map((c) => [c.id, c.state]));
    for (const c of after.containers) {
      if (old.get(c.id) === c.state) continue;
      if (c.state === 'running') this.emit(uid, 'ContainerStarted', c.id);
      else if (c.state === 'exited') this.emit(uid, 'ContainerDied', c.id);
    }
    const now = new Set(after.containers.map((c) => c.id));
    for (const id of old.keys()) if (!now.has(id)) this.emit(uid, 'ContainerRemoved', id);
    const oldSandboxes = new Map(before?.sandboxes.map((s) => [s.id, s.state]));
    for (const s of after.sandboxes) if (oldSandboxes.get(s.id) !== s.state) this.emit(uid, 'SandboxChanged', s.id);
    const nowSandboxes = new Set(after.sandboxes.map((s) => s.id));
    for (const id of oldSandboxes.keys()) if (!nowSandboxes.has(id)) this.emit(uid, 'SandboxChanged', id);
  }

  private emit(uid: string, type: LifecycleEventType, id: string): void {
    this.options.onEvent({ uid, type, id });
  }

  private async follow(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        for await (const event of this.options.runtime.events({ signal, labels: { [LABEL_NODE]: this.options.nodeName } })) {
          failures = 0;
          this.onRuntimeEvent(event);
        }
        if (signal.aborted) return;
        this.options.onStreamLost?.();
      } catch (err) {
        if (signal.aborted) return;
        this.options.onStreamLost?.(err);
      }
      await new Promise<void>((resolve) => this.options.clock.setTimeout(resolve, Math.min(500 * 2 ** failures++, 5_000)));
      if (signal.aborted) return;
      // Whatever happened while the stream was down is caught by a relist.
      void this.relist();
    }
  }

  private onRuntimeEvent(event: RuntimeEvent): void {
    const labels = event.labels;
    if (labels && labels[LABEL_NODE] !== this.options.nodeName) return;
    let uid = labels?.[LABEL_POD_UID];
    if (uid === undefined && event.type.startsWith('Sandbox')) uid = this.sandboxOwner.get(event.id);
    if (uid === undefined) return;
    switch (event.type) {
      case 'ContainerStarted':
        return this.emit(uid, 'ContainerStarted', event.id);
      case 'ContainerDied':
      case 'ContainerOOM':
        return this.emit(uid, 'ContainerDied', event.id);
      case 'ContainerRemoved':
        return this.emit(uid, 'ContainerRemoved', event.id);
      case 'SandboxStopped':
      case 'SandboxRemoved':
        return this.emit(uid, 'SandboxChanged', event.id);
      default:
        return undefined;
    }
  }
}
