// One connected session of the device with the server, over an established transport: announces
// presence, reports node status and every pod status (the full report after each connect), then
// keeps heartbeats, status changes, events and metrics flowing up, and applies desired states
// coming down — only the newest, persisted through the kubelet before it is acknowledged.
// Ends when the transport closes or the signal aborts; the next connect starts a new session.

import type { Clock, TimerHandle } from '../../shared/clock';
import { decodeMessage } from '../../shared/channel/decode';
import { encodeMessage, type DesiredMessage, type EventReport, type PodStatusReport, type UpMessage } from '../../shared/channel/messages';
import { deviceDownFilter, downTopic, upTopic, type UpLeaf } from '../../shared/channel/topics';
import type { ChannelTransport } from '../../shared/channel/transport';
import type { KubeletApi, KubeletEvent, PodStatusUpdate } from '../kubelet/api';
import { RequestHandler } from './requests';
import type { ChannelIntervals, ChannelLog, MetricsSource, NodeInfoSource } from './types';

export interface SessionDeps {
  node: string;
  kubelet: KubeletApi;
  transport: ChannelTransport;
  clock: Clock;
  info: NodeInfoSource;
  metrics?: MetricsSource;
  intervals: ChannelIntervals;
  log: ChannelLog;
}

const MAX_EVENTS_BUFFERED = 200;
/** A desired state that could not be persisted (full disk) is tried again after this, doubling to 5 min. */
const PERSIST_RETRY_MS = 5_000;
const PERSIST_RETRY_MAX_MS = 300_000;

function report(u: PodStatusUpdate): PodStatusReport {
  return { namespace: u.namespace, name: u.name, uid: u.uid, version: u.version, status: u.status, ...(u.terminated ? { terminated: true } : {}) };
}

export class Session {
  private readonly periodic: Array<{ timer?: TimerHandle }> = [];
  private readonly unsubscribe: Array<() => void> = [];
  private readonly dirtyPods = new Map<string, PodStatusUpdate>();
  private podTimer: TimerHandle | undefined;
  private events: EventReport[] = [];
  private eventTimer: TimerHandle | undefined;
  private seq = 0;
  private lastStatus = '';
  private lastStatusAt = 0;
  private newestDesired: DesiredMessage | undefined;
  private applying = false;
  private persistRetry: TimerHandle | undefined;
  private persistFailures = 0;
  private readonly requests: RequestHandler;
  private closed = false;

  constructor(private readonly deps: SessionDeps) {
    this.requests = new RequestHandler({ node: deps.node, kubelet: deps.kubelet, transport: deps.transport, log: deps.log });
  }

  /** Starts the session; resolves once the initial reports are out. */
  async open(since: number): Promise<void> {
    const d = this.deps;
    this.unsubscribe.push(d.transport.onMessage((topic, payload) => this.receive(topic, payload)));
    this.unsubscribe.push(d.kubelet.onPodStatus((u) => this.podChanged(u)));
    this.unsubscribe.push(d.kubelet.onEvent((e) => this.eventHappened(e)));
    // Requests at QoS 0: the broker queues none for this device while it is offline — the server answered them with
    // an error long ago, they must not run when it is back. (Resubscribing down/+ replaces an older QoS 1 subscription.)
    // Desired states at QoS 1, so that a broker under pressure never drops the newest one on a slow live link.
    await d.transport.subscribe([deviceDownFilter(d.node)], { qos: 0 });
    await d.transport.subscribe([downTopic(d.node, 'desired')], { qos: 1 });
    await this.send('presence', { kind: 'presence', online: true, since }, { retain: true });
    this.heartbeat();
    await this.checkStatus(true);
    const statuses = d.kubelet.podStatuses().filter((u) => u.source === 'server');
    await this.send('pods', { kind: 'pods', full: true, statuses: statuses.map(report) });
    this.every(d.intervals.heartbeatMs, () => this.heartbeat());
    this.every(d.intervals.statusCheckMs, () => void this.checkStatus(false));
    if (d.intervals.metricsMs > 0 && d.metrics) this.every(d.intervals.metricsMs, () => void this.sendMetrics());
  }

  close(): void {
    this.closed = true;
    for (const slot of this.periodic) slot.timer?.cancel();
    this.podTimer?.cancel();
    this.eventTimer?.cancel();
    this.persistRetry?.cancel();
    for (const u of this.unsubscribe) u();
    this.requests.cancelAll();
  }

  private every(ms: number, fn: () => void): void {
    const slot: { timer?: TimerHandle } = {};
    const schedule = (): void => {
      slot.timer = this.deps.clock.setTimeout(() => {
        if (this.closed) return;
        fn();
        schedule();
      }, ms);
    };
    this.periodic.push(slot);
    schedule();
  }

  private send(leaf: UpLeaf, msg: UpMessage, options: { qos?: 0 | 1; retain?: boolean } = {}): Promise<void> {
    return this.deps.transport.publish(upTopic(this.deps.node, leaf), encodeMessage(msg), { qos: options.qos ?? 1, retain: options.retain ?? false });
  }

  private quietly(p: Promise<void>, what: string): void {
    p.catch((err: unknown) => this.deps.log.debug({ err: (err as Error).message }, `${what} not sent`));
  }

  private heartbeat(): void {
    this.quietly(this.send('heartbeat', { kind: 'heartbeat', seq: this.seq++ }, { qos: 0 }), 'heartbeat');
  }

  private async checkStatus(force: boolean): Promise<void> {
    try {
      const status = await this.deps.info.status();
      const text = JSON.stringify(status);
      const now = this.deps.clock.now();
      if (!force && text === this.lastStatus && now - this.lastStatusAt < this.deps.intervals.statusResyncMs) return;
      await this.send('status', { kind: 'status', ...status });
      this.lastStatus = text;
      this.lastStatusAt = now;
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'node status not sent');
    }
  }

  private async sendMetrics(): Promise<void> {
    const sample = await this.deps.metrics?.sample().catch(() => undefined);
    if (sample) this.quietly(this.send('metrics', { kind: 'metrics', ...sample }, { qos: 0 }), 'metrics');
  }

  private podChanged(u: PodStatusUpdate): void {
    if (u.source !== 'server') return;
    this.dirtyPods.set(u.uid, u);
    this.podTimer ??= this.deps.clock.setTimeout(() => {
      this.podTimer = undefined;
      const batch = [...this.dirtyPods.values()];
      this.dirtyPods.clear();
      // Lost on a broken link is fine: the full report after the next connect carries them.
      this.quietly(this.send('pods', { kind: 'pods', full: false, statuses: batch.map(report) }), 'pod statuses');
    }, this.deps.intervals.podStatusMs);
  }

  private eventHappened(e: KubeletEvent): void {
    if (this.events.length >= MAX_EVENTS_BUFFERED) return;
    this.events.push({ namespace: e.pod.namespace, pod: e.pod.name, uid: e.pod.uid, type: e.type, reason: e.reason, message: e.message.slice(0, 4000), ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}), time: e.time.toISOString() });
    this.eventTimer ??= this.deps.clock.setTimeout(() => {
      this.eventTimer = undefined;
      const batch = this.events;
      this.events = [];
      this.quietly(this.send('events', { kind: 'events', events: batch }, { qos: 0 }), 'events');
    }, 1000);
  }

  private receive(topic: string, payload: Buffer): void {
    if (payload.length === 0) return; // a cleared retained message
    const d = decodeMessage(topic, payload);
    if (!d.ok) {
      this.deps.log.warn({ topic, bytes: payload.length, reason: d.reason }, 'node channel: message rejected');
      return;
    }
    const m = d.message;
    if (d.topic.scope !== 'down' || d.topic.node !== this.deps.node) return;
    if (m.kind === 'desired') {
      if (!this.newestDesired || m.version > this.newestDesired.version) this.newestDesired = m;
      void this.applyDesired();
    } else if (m.kind === 'logs' || m.kind === 'exec' || m.kind === 'execInput' || m.kind === 'cancel' || m.kind === 'credit') {
      this.requests.handle(m);
    }
  }

  /** Applies only the newest desired state; states that arrive meanwhile replace each other. */
  private async applyDesired(): Promise<void> {
    if (this.applying) return;
    this.applying = true;
    try {
      for (let next = this.newestDesired; next; next = this.newestDesired) {
        this.newestDesired = undefined;
        const { kubelet } = this.deps;
        let applied = true;
        let error: string | undefined;
        if (next.version > kubelet.desiredVersion('server')) {
          try {
            await kubelet.setDesiredState('server', { version: next.version, pods: next.pods, configMaps: next.configMaps, secrets: next.secrets });
            this.persistFailures = 0;
          } catch (err) {
            applied = false;
            error = (err as Error).message;
            this.deps.log.error({ err, version: next.version }, 'desired state could not be persisted; will retry');
            this.retryPersist(next);
          }
        }
        this.quietly(this.send('ack', { kind: 'ack', version: next.version, applied, ...(error ? { error } : {}) }), 'ack');
      }
    } finally {
      this.applying = false;
    }
  }

  /** The broker holds the state retained but sends it again only on a reconnect: try again by ourselves. */
  private retryPersist(failed: DesiredMessage): void {
    const delay = Math.min(PERSIST_RETRY_MS * 2 ** this.persistFailures++, PERSIST_RETRY_MAX_MS);
    this.persistRetry?.cancel();
    this.persistRetry = this.deps.clock.setTimeout(() => {
      this.persistRetry = undefined;
      if (this.closed) return;
      if (!this.newestDesired || this.newestDesired.version < failed.version) this.newestDesired = failed;
      void this.applyDesired();
    }, delay);
  }
}
