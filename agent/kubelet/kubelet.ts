// The kubelet: takes desired state from its sources (persisting it first), runs one worker per pod that
// syncs the pod against the runtime, feeds them from the PLEG (relist + Podman events), adopts what it
// finds at start (by this node's label) and reports statuses and events. Implements KubeletApi.

import * as os from 'node:os';
import * as path from 'node:path';
import type { Pod } from '../../shared/api/core';
import { realClock, type Clock, type TimerHandle } from '../../shared/clock';
import { FlotillaError } from '../../shared/errors';
import { errField, silentLog, type Log } from '../log';
import { LABEL_POD_NAME, LABEL_POD_NAMESPACE, type ExecResult, type ExecStream, type ExecStreamOptions, type LogLine, type LogOptions, type Runtime } from '../runtime/types';
import type { ContainerRef, DesiredState, KubeletApi, KubeletEvent, PodStatusUpdate, SourceName } from './api';
import { admitPod, type Admit } from './admission';
import { ContainerStarter } from './container-start';
import { Backoff, CRASH_LOOP_BACKOFF, type BackoffPolicy } from './crash-backoff';
import { DesiredStore, SOURCES } from './desired-store';
import { EventRecorder } from './events';
import { canonicalJson, LABEL_POD_SOURCE } from './labels';
import { Pleg } from './pleg';
import { resolveContainer } from './pod-io';
import type { PodRuntime } from './pod-runtime';
import { newPodState, refOf, type PodState } from './pod-state';
import { PodSyncer } from './pod-sync';
import { defaultStartSlots, StartSlots } from './start-slots';
import { PodWorkers, type SyncResult } from './pod-workers';
import { ProbeManager } from './probes/probe-manager';
import { RuntimeProber, type Prober } from './probes/prober';
import { StatusManager } from './status-manager';
import { VolumeManager } from './volumes';

export interface KubeletOptions {
  runtime: Runtime;
  nodeName: string;
  /** Desired state and volumes live here (desired/, pods/). */
  dataDir: string;
  clock?: Clock;
  log?: Log;
  /** The node's address (status.hostIP); default: the first non-internal IPv4 address. */
  hostIP?: string;
  prober?: Prober;
  admit?: Admit;
  /** Default Kubernetes' 10 s → 5 min; tests shorten it. */
  crashLoopBackoff?: BackoffPolicy;
  relistMs?: number;
  /** Every pod syncs at least this often, whatever the events say (kubelet's syncFrequency). Default 60 s. */
  resyncMs?: number;
  /** How many new pods are brought up at once; default twice the CPUs plus one (see StartSlots). */
  podStartSlots?: number;
}

export class Kubelet implements KubeletApi {
  private readonly runtime: Runtime;
  private readonly clock: Clock;
  private readonly log: Log;
  private readonly store: DesiredStore;
  private readonly states = new Map<string, PodState>();
  private readonly byName = new Map<string, string>();
  private readonly fingerprints = new Map<string, string>();
  private readonly statuses: StatusManager;
  private readonly events: EventRecorder;
  private readonly probes: ProbeManager;
  private readonly workers: PodWorkers;
  private readonly pleg: Pleg;
  private readonly syncer: PodSyncer;
  private readonly volumes: VolumeManager;
  private readonly admit: Admit;
  private resyncTimer: TimerHandle | undefined;

  constructor(private readonly options: KubeletOptions) {
    const { runtime, nodeName } = options;
    this.runtime = runtime;
    this.clock = options.clock ?? realClock;
    this.log = options.log ?? silentLog;
    this.admit = options.admit ?? admitPod;
    this.store = new DesiredStore(path.join(options.dataDir, 'desired'));
    this.volumes = new VolumeManager(path.join(options.dataDir, 'pods'));
    this.statuses = new StatusManager(this.clock, (err) => this.log.warn(errField(err), 'pod status listener failed'));
    this.statuses.onPodStatus((u) => this.log.info(statusSummary(u), 'pod status'));
    this.events = new EventRecorder(this.clock, (e) => this.log[e.type === 'Warning' ? 'warn' : 'info']({ pod: `${e.pod.namespace}/${e.pod.name}`, type: e.type, reason: e.reason, ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}) }, e.message));
    this.probes = new ProbeManager({
      clock: this.clock,
      prober: options.prober ?? new RuntimeProber(runtime),
      onChange: (uid) => this.workers.trigger(uid),
      onFailure: (uid, kind, container, output) => {
        const state = this.states.get(uid);
        const label = `${kind[0]?.toUpperCase() ?? ''}${kind.slice(1)}`;
        if (state) this.events.emit(state.ref, 'Warning', 'Unhealthy', `${label} probe failed: ${output}`, `spec.containers{${container}}`);
      },
    });
    const hostIP = options.hostIP ?? defaultHostIP();
    const starter = new ContainerStarter({
      runtime, clock: this.clock, events: this.events, nodeName,
      crashBackoff: new Backoff(this.clock, options.crashLoopBackoff ?? CRASH_LOOP_BACKOFF),
      imageBackoff: new Backoff(this.clock, CRASH_LOOP_BACKOFF),
    });
    this.syncer = new PodSyncer({
      runtime, clock: this.clock, nodeName, volumes: this.volumes, probes: this.probes, statuses: this.statuses, events: this.events, starter,
      startSlots: new StartSlots(options.podStartSlots ?? defaultStartSlots()),
      config: (state) => this.store.lookup(state.source),
      ...(hostIP ? { hostIP } : {}),
    });
    this.workers = new PodWorkers({
      clock: this.clock,
      sync: (uid) => this.syncPod(uid),
      onError: (uid, err) => this.log.warn({ uid, pod: this.describe(uid), ...errField(err) }, 'pod sync failed; retrying'),
    });
    this.pleg = new Pleg({
      runtime, clock: this.clock, nodeName, relistMs: options.relistMs,
      onEvent: (e) => {
        if (this.states.has(e.uid)) this.workers.trigger(e.uid);
      },
      onRelist: (pods) => this.collectOrphans(pods),
      onRelistError: (err) => this.log.warn(errField(err), 'relist failed (is Podman running?)'),
      onStreamLost: (err) => this.log.warn(err ? errField(err) : {}, 'Podman event stream lost; reconnecting'),
    });
  }

  /** Loads the persisted desired state, adopts what the runtime holds for this node, and starts syncing. */
  async start(): Promise<void> {
    await this.store.load((source, err) =>
      this.log.error({ source, ...errField(err) }, 'persisted desired state unreadable; its pods keep running as they are until that source sends a state'),
    );
    this.applyDesired();
    await this.pleg.start();
    const allKnown = SOURCES.every((s) => this.store.known(s));
    if (allKnown) for (const uid of await this.volumes.podUids()) if (!this.states.has(uid) && !this.pleg.podRuntime(uid)) await this.volumes.remove(uid);
    this.log.info({ node: this.options.nodeName, pods: this.states.size, static: this.store.version('static'), server: this.store.version('server') }, 'kubelet started');
    this.scheduleResync();
  }

  async stop(): Promise<void> {
    this.resyncTimer?.cancel();
    this.resyncTimer = undefined;
    this.pleg.stop();
    this.probes.stop();
    await this.workers.stop();
  }

  /** Resolves once no pod sync runs or is pending. For tests and benchmarks. */
  idle(): Promise<void> {
    return this.workers.idle();
  }

  async setDesiredState(source: SourceName, state: DesiredState): Promise<boolean> {
    if (!(await this.store.replace(source, state))) return false;
    this.log.info({ source, version: state.version, pods: state.pods.length }, 'desired state applied');
    this.applyDesired();
    return true;
  }

  desiredVersion(source: SourceName): number {
    return this.store.version(source);
  }

  podStatuses(): PodStatusUpdate[] {
    return this.statuses.all();
  }

  onPodStatus(listener: (update: PodStatusUpdate) => void): () => void {
    return this.statuses.onPodStatus(listener);
  }

  onEvent(listener: (event: KubeletEvent) => void): () => void {
    return this.events.on(listener);
  }

  async *logs(ref: ContainerRef, options: LogOptions & { previous?: boolean } = {}): AsyncIterable<LogLine> {
    const { id } = await resolveContainer(this.runtime, this.podNamed(ref.namespace, ref.name), ref, options.previous ?? false);
    const { previous: _previous, ...rest } = options;
    yield* this.runtime.logs(id, rest);
  }

  async exec(ref: ContainerRef, command: string[], options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ExecResult> {
    const { id, name, running } = await resolveContainer(this.runtime, this.podNamed(ref.namespace, ref.name), ref, false);
    if (!running) throw new FlotillaError('BadRequest', `container ${name} in pod ${ref.name} is not running`);
    return this.runtime.exec(id, command, options);
  }

  async execStream(ref: ContainerRef, command: string[], options: ExecStreamOptions): Promise<ExecStream> {
    const { id, name, running } = await resolveContainer(this.runtime, this.podNamed(ref.namespace, ref.name), ref, false);
    if (!running) throw new FlotillaError('BadRequest', `container ${name} in pod ${ref.name} is not running`);
    return this.runtime.execStream(id, command, options);
  }

  private scheduleResync(): void {
    this.resyncTimer = this.clock.setTimeout(() => {
      for (const [uid, state] of this.states) if (state.pod) this.workers.trigger(uid);
      this.scheduleResync();
    }, this.options.resyncMs ?? 60_000);
  }

  /** Brings the per-pod states in line with the desired pods of all sources and wakes the pods that changed. */
  private applyDesired(): void {
    const desired = this.store.pods();
    this.byName.clear();
    for (const [uid, { pod, source }] of desired) {
      this.byName.set(`${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`, uid);
      let state = this.states.get(uid);
      if (!state) this.states.set(uid, (state = newPodState(refOf(pod), source)));
      Object.assign(state, { pod, lastPod: pod, source, ref: refOf(pod) });
      if (pod.metadata.deletionTimestamp) state.wanted.abort();
      else if (state.wanted.signal.aborted) state.wanted = new AbortController(); // wanted again (same uid)
      const rejected = this.admit(pod, source);
      if (rejected !== state.rejected && rejected) this.log.error({ source, pod: `${state.ref.namespace}/${state.ref.name}` }, rejected);
      state.rejected = rejected;
      // A pod syncs again when its spec or its source's ConfigMaps/Secrets changed (volumes, env of restarts).
      const fp = canonicalJson(pod) + this.store.configFingerprint(source);
      if (this.fingerprints.get(uid) !== fp) {
        this.fingerprints.set(uid, fp);
        this.workers.trigger(uid);
      }
    }
    for (const [uid, state] of this.states) {
      if (desired.has(uid) || !state.pod) continue;
      state.pod = undefined;
      state.wanted.abort();
      this.fingerprints.delete(uid);
      this.workers.trigger(uid);
    }
  }

  private async syncPod(uid: string): Promise<SyncResult> {
    const state = this.states.get(uid);
    if (!state) return { done: true };
    if (!state.pod || state.pod.metadata.deletionTimestamp) {
      const result = await this.syncer.terminate(state);
      if (result.done) {
        this.states.delete(uid);
        this.statuses.remove(uid);
        this.log.info({ pod: this.describe(uid, state) }, 'pod removed');
      }
      return result;
    }
    if (state.rejected) return this.syncer.reject(state, state.pod, state.rejected);
    return this.syncer.sync(state, state.pod);
  }

  /** Pods this node's label marks as ours that no source wants (removed while the agent was down): they go. */
  private collectOrphans(pods: ReadonlyMap<string, PodRuntime>): void {
    for (const [uid, rt] of pods) {
      if (this.states.has(uid)) continue;
      const labels = rt.sandboxes[0]?.labels ?? rt.containers[0]?.labels ?? {};
      const source = labels[LABEL_POD_SOURCE] === 'static' ? 'static' : 'server';
      if (!this.store.known(source)) continue;
      const state = newPodState({ uid, namespace: labels[LABEL_POD_NAMESPACE] ?? '', name: labels[LABEL_POD_NAME] ?? '' }, source);
      this.states.set(uid, state);
      this.log.info({ pod: this.describe(uid, state) }, 'found a pod no source wants; removing it');
      this.workers.trigger(uid);
    }
  }

  /** The running pod named so; undefined if none; a refused pod is a BadRequest (it has no containers to speak of). */
  private podNamed(namespace: string, name: string): Pod | undefined {
    const uid = this.byName.get(`${namespace}/${name}`);
    const state = uid !== undefined ? this.states.get(uid) : undefined;
    if (state?.rejected) throw new FlotillaError('BadRequest', `pod ${namespace}/${name} was refused: ${state.rejected}`);
    return state?.pod;
  }

  private describe(uid: string, state = this.states.get(uid)): string {
    return state ? `${state.ref.namespace}/${state.ref.name}` : uid;
  }
}

/** One log line per status change: enough to follow a standalone agent without a server. */
function statusSummary(u: PodStatusUpdate): Record<string, unknown> {
  const cs = u.status.containerStatuses ?? [];
  const states = Object.fromEntries(
    [...(u.status.initContainerStatuses ?? []), ...cs].map((c) => [c.name, c.state.running ? 'running' : c.state.terminated?.reason ?? c.state.waiting?.reason ?? 'unknown']),
  );
  return {
    pod: `${u.namespace}/${u.name}`, uid: u.uid, version: u.version, phase: u.status.phase, ...(u.status.reason ? { reason: u.status.reason, message: u.status.message } : {}),
    ready: `${cs.filter((c) => c.ready).length}/${cs.length}`, restarts: cs.reduce((n, c) => n + c.restartCount, 0), containers: states, ...(u.terminated ? { terminated: true } : {}),
  };
}

function defaultHostIP(): string | undefined {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}
