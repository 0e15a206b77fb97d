// A simulated fleet of kubelets over a Store, for controller tests and benchmarks: a pod bound to
// an online node starts (Running + Ready) after a delay, a pod being deleted there goes after a
// delay, Job pods can be told to succeed or fail. A node can go offline — its Ready condition
// turns Unknown and it gets the unreachable taint, as the node lifecycle controller does — and its
// pods are left exactly as they were until it comes back.

import type { Node, Pod, PodStatus } from '../../../shared/api/core';
import type { KubeObject } from '../../../shared/api/types';
import type { Clock, TimerHandle } from '../../../shared/clock';
import { isFlotillaError } from '../../../shared/errors';
import type { Cached, Informer } from '../../informer/informer';
import type { Store } from '../../store/types';
import { TAINT_UNREACHABLE } from '../util/fleet';
import { isoSeconds } from '../util/pods';

/** What a pod does: keep running, exit 0 / 1 after `runMs`, or never start (an image that cannot be pulled). */
export type PodOutcome = 'run' | 'succeed' | 'fail' | 'hang';

export interface SimKubeletOptions {
  store: Store;
  clock: Clock;
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  /** Bound → Running+Ready after this long. Default 1000 ms. */
  startDelayMs?: number;
  /** Marked for deletion → removed after this long. Default 500 ms. */
  stopDelayMs?: number;
  /** Default: 'run', except pods with restartPolicy Never/OnFailure (Job pods) succeed. */
  outcome?: (pod: Cached<Pod>) => PodOutcome;
  /** How long a succeeding/failing pod runs. Default 2000 ms. */
  runMs?: number;
}

export interface SimNodeOptions {
  labels?: Record<string, string>;
  taints?: NonNullable<Node['spec']>['taints'];
  allocatable?: Record<string, string>;
}

function nodeObject(name: string, o: SimNodeOptions, nowMs: number): Node {
  const allocatable = o.allocatable ?? { cpu: '4', memory: '4Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'arm64', ...(o.labels ?? {}) } },
    spec: { ...(o.taints ? { taints: o.taints } : {}) },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: isoSeconds(nowMs), lastTransitionTime: isoSeconds(nowMs) }],
    },
  };
}

export class SimKubelet {
  private readonly timers = new Map<string, TimerHandle>();
  private readonly offline = new Set<string>();
  private ipSeq = 0;
  private stopped = false;
  /** Writes issued and not yet settled. */
  inFlight = 0;

  constructor(private readonly o: SimKubeletOptions) {}

  async start(): Promise<void> {
    await Promise.all([this.o.pods.start(), this.o.nodes.start()]);
    this.o.pods.onChange((type, pod) => {
      if (type !== 'DELETED') this.consider(pod);
    });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  async addNode(name: string, options: SimNodeOptions = {}): Promise<void> {
    await this.o.store.create('nodes', nodeObject(name, options, this.o.clock.now()));
  }

  /**
   * Takes a device off the air (Ready=Unknown, unreachable taint) or brings it back.
   * `markPodsNotReady`: also turn its pods' Ready condition False, as Kubernetes' node lifecycle
   * controller does (MarkPodsNotReady); coming back, the device reports them Ready again.
   */
  async setOffline(name: string, offline: boolean, options: { markPodsNotReady?: boolean } = {}): Promise<void> {
    if (offline) this.offline.add(name);
    else this.offline.delete(name);
    const now = isoSeconds(this.o.clock.now());
    await this.o.store.guaranteedUpdate({ resource: 'nodes', name }, (cur) => {
      const node = cur as Node;
      const taints = (node.spec?.taints ?? []).filter((t) => t.key !== TAINT_UNREACHABLE);
      if (offline) taints.push({ key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: now });
      const ready = offline
        ? { type: 'Ready', status: 'Unknown' as const, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now }
        : { type: 'Ready', status: 'True' as const, reason: 'KubeletReady', message: 'kubelet is posting ready status', lastTransitionTime: now };
      const conditions = (node.status?.conditions ?? []).filter((c) => c.type !== 'Ready');
      return { ...node, spec: { ...node.spec, taints }, status: { ...node.status, conditions: [...conditions, ready] } } as KubeObject;
    });
    const onNode = this.o.pods.list().filter((p) => p.spec.nodeName === name && p.status?.phase === 'Running');
    const setReady = async (pod: Cached<Pod>, status: 'True' | 'False'): Promise<void> => {
      const ref = { resource: 'pods', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '' };
      await this.o.store.guaranteedUpdate(ref, (cur) => {
        const st = (cur as Pod).status ?? {};
        const conditions = (st.conditions ?? []).map((c) => (c.type === 'Ready' && c.status !== status ? { ...c, status, lastTransitionTime: now } : c));
        return { ...cur, status: { ...st, conditions } };
      });
    };
    if (options.markPodsNotReady) for (const pod of onNode) await setReady(pod, offline ? 'False' : 'True');
    if (!offline) for (const pod of this.o.pods.list()) if (pod.spec.nodeName === name) this.consider(pod);
  }

  isOffline(name: string): boolean {
    return this.offline.has(name);
  }

  private key(pod: Cached<Pod>): string {
    return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
  }

  /** Level-triggered: schedules one timer per pod that has something to do; the timer re-reads it. */
  private consider(pod: Cached<Pod>): void {
    const node = pod.spec.nodeName;
    if (this.stopped || !node || this.offline.has(node) || !this.o.nodes.get(node)) return;
    const key = this.key(pod);
    if (this.timers.has(key)) return;
    const delay = this.actionDelay(pod);
    if (delay === undefined) return;
    this.timers.set(key, this.o.clock.setTimeout(() => {
      this.timers.delete(key);
      void this.act(key);
    }, delay));
  }

  private actionDelay(pod: Cached<Pod>): number | undefined {
    if (pod.metadata.deletionTimestamp) return this.o.stopDelayMs ?? 500;
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return undefined;
    const outcome = this.outcomeOf(pod);
    if (phase !== 'Running') return outcome === 'hang' ? undefined : (this.o.startDelayMs ?? 1000);
    return outcome === 'run' ? undefined : (this.o.runMs ?? 2000);
  }

  private outcomeOf(pod: Cached<Pod>): PodOutcome {
    if (this.o.outcome) return this.o.outcome(pod);
    return pod.spec.restartPolicy === 'Never' || pod.spec.restartPolicy === 'OnFailure' ? 'succeed' : 'run';
  }

  private async act(key: string): Promise<void> {
    const pod = this.o.pods.get(key);
    if (!pod || this.stopped) return;
    const node = pod.spec.nodeName ?? '';
    if (this.offline.has(node)) return;
    const ref = { resource: 'pods', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '' };
    this.inFlight++;
    try {
      if (pod.metadata.deletionTimestamp) {
        await this.o.store.delete(ref, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid ?? '' } });
        return;
      }
      const status = pod.status?.phase === 'Running' ? this.finished(pod) : this.running(pod);
      await this.o.store.guaranteedUpdate(ref, (cur) => (cur.metadata.uid === pod.metadata.uid && !cur.metadata.deletionTimestamp ? { ...cur, status } : cur));
    } catch (err) {
      if (!isFlotillaError(err, 'NotFound') && !isFlotillaError(err, 'Conflict')) throw err;
    } finally {
      this.inFlight--;
      const now = this.o.pods.get(key);
      if (now) this.consider(now);
    }
  }

  private running(pod: Cached<Pod>): PodStatus {
    const now = isoSeconds(this.o.clock.now());
    const n = ++this.ipSeq;
    const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    return {
      ...(pod.status ?? {}),
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      hostIP: '192.168.0.1',
      startTime: now,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True' as const, lastProbeTime: null, lastTransitionTime: now })),
      containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, ready: true, started: true, restartCount: 0, image: c.image ?? '', imageID: '', state: { running: { startedAt: now } }, lastState: {} })),
    };
  }

  private finished(pod: Cached<Pod>): PodStatus {
    const now = isoSeconds(this.o.clock.now());
    const ok = this.outcomeOf(pod) === 'succeed';
    const exitCode = ok ? 0 : 1;
    return {
      ...(pod.status ?? {}),
      phase: ok ? 'Succeeded' : 'Failed',
      conditions: (pod.status?.conditions ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' as const, reason: 'PodCompleted', lastTransitionTime: now } : c)),
      containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, ready: false, started: false, restartCount: 0, image: c.image ?? '', imageID: '', state: { terminated: { exitCode, reason: ok ? 'Completed' : 'Error', finishedAt: now } }, lastState: {} })),
    };
  }
}
