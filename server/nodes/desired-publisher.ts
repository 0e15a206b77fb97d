// Publishes each node's whole desired state (its pods + exactly the ConfigMaps and Secrets they
// reference), versioned, retained, QoS 1, whenever it changes. Level-triggered: changes only mark
// a node dirty; a short debounce coalesces bursts (a Deployment rollout, a ConfigMap used by 10,000
// pods) into one publish per node, a bounded number in flight. Unchanged content is not resent.

import type { Logger } from 'pino';
import type { ConfigMap, Pod, Secret } from '../../shared/api/core';
import type { KubeObject } from '../../shared/api/types';
import type { Clock, TimerHandle } from '../../shared/clock';
import { encodeMessage, type DesiredMessage } from '../../shared/channel/messages';
import { downTopic } from '../../shared/channel/topics';
import type { ChannelTransport } from '../../shared/channel/transport';
import type { Informer } from '../informer/informer';
import type { Store } from '../store/types';
import { podNodeName } from './lifecycle';
import { podReferences } from './pod-refs';

export interface DesiredPublisherDeps {
  store: Store;
  transport: ChannelTransport;
  clock: Clock;
  logger: Logger;
  nodes: Informer;
  /** Pods, indexed by "nodeName", "configMaps" and "secrets" (see podIndexes). */
  pods: Informer;
  configMaps: Informer;
  secrets: Informer;
  /** Coalescing window in ms. Default 50. */
  debounceMs?: number;
  /** Publishes in flight at once. Default 256. */
  concurrency?: number;
  /**
   * Turns the store's resourceVersion into a version that never goes back, and makes it durable
   * before it is published (see DesiredVersions). Default: the resourceVersion itself.
   */
  versions?: { version(rv: number): number; reserve(version: number): Promise<void> };
}

/** Indexes the publisher (and the lifecycle controller) need on the pod informer. */
export const podIndexes: Record<string, (pod: KubeObject) => string[]> = {
  nodeName: podNodeName,
  configMaps: (pod) => podReferences(pod).configMaps.map((n) => `${pod.metadata.namespace ?? ''}/${n}`),
  secrets: (pod) => podReferences(pod).secrets.map((n) => `${pod.metadata.namespace ?? ''}/${n}`),
};

/**
 * What the device needs of an object: no resourceVersion or managedFields (status churn must not resend the state).
 * Of a pod's status only a terminal phase goes (it changes once): as the kubelet reads it from the apiserver, so a
 * completed pod whose containers were pruned from the device is not run again after an agent restart.
 */
function forDevice<T extends KubeObject>(obj: Readonly<T>, dropStatus: boolean): T {
  const { resourceVersion: _rv, managedFields: _mf, ...metadata } = obj.metadata;
  const out = { ...obj, metadata } as T;
  if (dropStatus) {
    const phase = (obj.status as { phase?: unknown } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') out.status = { phase };
    else delete out.status;
  }
  return out;
}

export class DesiredStatePublisher {
  private readonly dirty = new Set<string>();
  private readonly lastContent = new Map<string, string>();
  /** node → version the device acknowledged */
  readonly acked = new Map<string, number>();
  private timer: TimerHandle | undefined;
  private flushing: Promise<void> | undefined;
  private stopped = false;
  published = 0;

  constructor(private readonly deps: DesiredPublisherDeps) {}

  /** Hooks the informers (call before they start) — every node already cached is marked dirty on start. */
  register(): void {
    const { pods, configMaps, secrets, nodes } = this.deps;
    pods.onChange((_t, pod, old) => {
      for (const n of podNodeName(pod)) this.markDirty(n);
      if (old) for (const n of podNodeName(old)) this.markDirty(n);
    });
    const byRef = (index: string) => (_t: unknown, obj: Readonly<KubeObject>) => {
      for (const pod of pods.byIndex(index, `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`)) for (const n of podNodeName(pod)) this.markDirty(n);
    };
    configMaps.onChange(byRef('configMaps'));
    secrets.onChange(byRef('secrets'));
    nodes.onChange((type, node) => {
      const name = node.metadata.name ?? '';
      if (type === 'DELETED') void this.clear(name);
      else if (type === 'ADDED') this.markDirty(name);
    });
  }

  markDirty(node: string): void {
    if (this.stopped) return;
    this.dirty.add(node);
    this.timer ??= this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.deps.debounceMs ?? 50);
  }

  /** Builds the message for `node`; undefined when there is no such Node. */
  build(node: string): DesiredMessage | undefined {
    if (!this.deps.nodes.get(node)) return undefined;
    const pods = (this.deps.pods.byIndex('nodeName', node) as Readonly<Pod>[]).sort((a, b) => (a.metadata.uid ?? '').localeCompare(b.metadata.uid ?? ''));
    const cmKeys = new Set<string>();
    const secretKeys = new Set<string>();
    for (const pod of pods) {
      const refs = podReferences(pod);
      for (const n of refs.configMaps) cmKeys.add(`${pod.metadata.namespace ?? ''}/${n}`);
      for (const n of refs.secrets) secretKeys.add(`${pod.metadata.namespace ?? ''}/${n}`);
    }
    const pick = <T extends KubeObject>(inf: Informer, keys: Set<string>): T[] =>
      [...keys].sort().flatMap((k) => {
        const o = inf.get(k);
        return o ? [forDevice(o as Readonly<T>, false)] : [];
      });
    return {
      kind: 'desired',
      version: this.versionOf(Number(this.deps.store.currentResourceVersion()) || 1),
      pods: pods.map((p) => forDevice(p, true)),
      configMaps: pick<ConfigMap>(this.deps.configMaps, cmKeys),
      secrets: pick<Secret>(this.deps.secrets, secretKeys),
    };
  }

  /** Publishes every dirty node; resolves when done (for tests and shutdown). */
  flush(): Promise<void> {
    this.flushing ??= this.runFlush().finally(() => {
      this.flushing = undefined;
      if (this.dirty.size > 0 && !this.stopped) this.markDirty([...this.dirty][0] ?? '');
    });
    return this.flushing;
  }

  private async runFlush(): Promise<void> {
    const batch = [...this.dirty];
    this.dirty.clear();
    let i = 0;
    const worker = async (): Promise<void> => {
      while (i < batch.length) {
        const node = batch[i++];
        if (node !== undefined) await this.publish(node);
      }
    };
    await Promise.all(Array.from({ length: Math.min(batch.length, this.deps.concurrency ?? 256) }, worker));
  }

  private async publish(node: string): Promise<void> {
    const msg = this.build(node);
    if (!msg) return;
    const content = JSON.stringify([msg.pods, msg.configMaps, msg.secrets]);
    if (this.lastContent.get(node) === content) return;
    try {
      await this.deps.versions?.reserve(msg.version);
      await this.deps.transport.publish(downTopic(node, 'desired'), encodeMessage(msg), { qos: 1, retain: true });
      this.lastContent.set(node, content);
      this.published++;
    } catch (err) {
      this.deps.logger.warn({ node, err: (err as Error).message }, 'publishing desired state failed; will retry');
      this.retryLater(node);
    }
  }

  private versionOf(rv: number): number {
    return this.deps.versions ? this.deps.versions.version(rv) : rv;
  }

  private retryLater(node: string): void {
    this.deps.clock.setTimeout(() => this.markDirty(node), 1000);
  }

  /** A deleted node: its retained state is removed from the broker. */
  private async clear(node: string): Promise<void> {
    this.lastContent.delete(node);
    this.acked.delete(node);
    await this.deps.transport.publish(downTopic(node, 'desired'), '', { qos: 1, retain: true }).catch(() => undefined);
  }

  ack(node: string, version: number, applied: boolean, error?: string): void {
    if (applied) this.acked.set(node, Math.max(version, this.acked.get(node) ?? 0));
    else this.deps.logger.warn({ node, version, error }, 'device refused its desired state');
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }
}
