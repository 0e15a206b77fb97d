// A KubeletApi fake for the node channel's tests and for simulated fleets while no real kubelet
// runs there: every pod of the desired state is Running at once (versioned statuses), a pod that
// leaves the desired state or carries a deletionTimestamp reports `terminated`, logs are lines
// the test sets, exec echoes (interactive exec of `cat` too).

import type { Pod, PodStatus } from '../../../shared/api/core';
import { notFound } from '../../../shared/errors';
import { fakeExecStream, type FakeSession } from '../../runtime/fake/fake-exec-stream';
import type { ExecResult, ExecStream, ExecStreamOptions, LogLine, LogOptions } from '../../runtime/types';
import type { ContainerRef, DesiredState, KubeletApi, KubeletEvent, PodStatusUpdate, SourceName } from '../../kubelet/api';

export class FakeKubelet implements KubeletApi {
  readonly applied: DesiredState[] = [];
  private readonly versions = new Map<SourceName, number>();
  private readonly statuses = new Map<string, PodStatusUpdate>();
  private readonly statusListeners = new Set<(u: PodStatusUpdate) => void>();
  private readonly eventListeners = new Set<(e: KubeletEvent) => void>();
  /** "namespace/pod/container" → lines */
  readonly logLines = new Map<string, string[]>();
  /** Makes setDesiredState fail (a full disk). */
  failPersist = false;
  /** Pods started and stopped so far (a reconnect must change neither). */
  starts = 0;
  stops = 0;
  private now: () => Date;

  constructor(options: { now?: () => Date } = {}) {
    this.now = options.now ?? (() => new Date());
  }

  async setDesiredState(source: SourceName, state: DesiredState): Promise<boolean> {
    if (this.failPersist) throw new Error('no space left on device');
    if (state.version <= (this.versions.get(source) ?? 0)) return false;
    this.versions.set(source, state.version);
    this.applied.push(state);
    const wanted = new Map(state.pods.map((p) => [p.metadata.uid ?? '', p]));
    for (const [uid, s] of this.statuses) {
      const pod = wanted.get(uid);
      if (s.source !== source || (pod && !pod.metadata.deletionTimestamp) || s.terminated) continue;
      this.stops++;
      this.emit({ ...s, version: s.version + 1, terminated: true, status: { ...s.status, phase: 'Succeeded' } });
    }
    for (const pod of state.pods) {
      const uid = pod.metadata.uid ?? '';
      if (this.statuses.has(uid) || pod.metadata.deletionTimestamp) continue;
      this.starts++;
      this.emit({ namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', uid, source, version: 1, status: running(pod, this.now()) });
    }
    return true;
  }

  desiredVersion(source: SourceName): number {
    return this.versions.get(source) ?? 0;
  }

  podStatuses(): PodStatusUpdate[] {
    return [...this.statuses.values()];
  }

  onPodStatus(listener: (update: PodStatusUpdate) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onEvent(listener: (event: KubeletEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  emitEvent(event: KubeletEvent): void {
    for (const l of this.eventListeners) l(event);
  }

  async *logs(ref: ContainerRef, options: LogOptions & { previous?: boolean } = {}): AsyncIterable<LogLine> {
    const lines = this.logLines.get(`${ref.namespace}/${ref.name}/${ref.container ?? ''}`);
    if (!lines) throw notFound('pods', `${ref.namespace}/${ref.name}`);
    const shown = options.tailLines !== undefined ? lines.slice(Math.max(0, lines.length - options.tailLines)) : lines;
    for (const line of shown) yield { stream: 'stdout', line, ...(options.timestamps ? { time: new Date(0) } : {}) };
  }

  async exec(ref: ContainerRef, command: string[], _options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ExecResult> {
    if (![...this.statuses.values()].some((s) => s.namespace === ref.namespace && s.name === ref.name && !s.terminated)) throw notFound('pods', ref.name);
    return { exitCode: 0, stdout: `${command.join(' ')}\n`, stderr: '' };
  }

  /** Interactive exec: `cat` echoes stdin until EOF; anything else exits 127. */
  async execStream(ref: ContainerRef, command: string[], options: ExecStreamOptions): Promise<ExecStream> {
    if (![...this.statuses.values()].some((s) => s.namespace === ref.namespace && s.name === ref.name && !s.terminated)) throw notFound('pods', ref.name);
    const cat: FakeSession = { input: (data, out) => out({ stream: 'stdout', data }), eof: () => 0 };
    return fakeExecStream(command.length === 1 && command[0] === 'cat' ? cat : undefined, command, options);
  }

  private emit(u: PodStatusUpdate): void {
    this.statuses.set(u.uid, u);
    for (const l of this.statusListeners) l(u);
  }
}

function running(pod: Pod, now: Date): PodStatus {
  const t = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    phase: 'Running',
    startTime: t,
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }],
    containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: t } }, lastState: {} })),
  };
}
