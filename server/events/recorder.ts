// Records Kubernetes Events (core/v1) for server components — scheduler, controllers, node channel —
// the way client-go's recorder does: a repeat of the same (object, reason, message) within the
// aggregation window bumps `count` and `lastTimestamp` instead of writing a new Event. Writes are
// fire-and-forget: recording never blocks or fails the caller.

import type { Event, ObjectReference } from '../../shared/api/core';
import type { KubeObject } from '../../shared/api/types';
import { realClock, type Clock } from '../../shared/clock';
import { isFlotillaError } from '../../shared/errors';
import type { Store } from '../store/types';

export interface EventSink {
  /**
   * Records an event about `about`. `type` Normal or Warning; `reason` a CamelCase word
   * ("Scheduled", "FailedScheduling", "NodeNotReady"); `message` a sentence for humans.
   */
  record(about: KubeObject | ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface EventRecorderOptions {
  /** source.component, e.g. "default-scheduler", "node-controller". */
  component: string;
  /** source.host, when the reporter runs on a node. */
  host?: string;
  clock?: Clock;
  /** Repeats within this window are folded into one Event. Default 10 minutes. */
  aggregateWindowMs?: number;
  /** Called when a write fails (the event is dropped). */
  onError?: (err: unknown) => void;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstMs: number;
  lastMs: number;
}

const MAX_REMEMBERED = 4096;

export function referenceOf(about: KubeObject | ObjectReference): ObjectReference {
  if ('metadata' in about && typeof about.metadata === 'object' && about.metadata !== null) {
    const o = about as KubeObject;
    return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion };
  }
  return about as ObjectReference;
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class EventRecorder implements EventSink {
  private readonly clock: Clock;
  private readonly window: number;
  private readonly seen = new Map<string, Seen>();
  private seq = 0;

  constructor(
    private readonly store: Store,
    private readonly options: EventRecorderOptions,
  ) {
    this.clock = options.clock ?? realClock;
    this.window = options.aggregateWindowMs ?? 10 * 60_000;
  }

  record(about: KubeObject | ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.write(referenceOf(about), type, reason, message).catch((err: unknown) => this.options.onError?.(err));
  }

  /** The same as record() but awaitable, for tests and callers that need the Event written. */
  async write(ref: ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const now = this.clock.now();
    // Events about cluster-scoped objects (Nodes) live in "default", as Kubernetes does.
    const namespace = ref.namespace || 'default';
    const key = `${ref.kind}/${namespace}/${ref.name}/${ref.uid ?? ''}/${type}/${reason}/${message}`;
    const prior = this.seen.get(key);
    if (prior && now - prior.lastMs < this.window) {
      prior.count += 1;
      prior.lastMs = now;
      try {
        await this.store.guaranteedUpdate({ resource: 'events', namespace: prior.namespace, name: prior.name }, (ev) => ({ ...ev, count: prior.count, lastTimestamp: timestamp(now) }));
        return;
      } catch (err) {
        if (!isFlotillaError(err, 'NotFound')) throw err;
        this.seen.delete(key);
      }
    }
    const name = `${ref.name ?? 'unknown'}.${now.toString(16)}${(this.seq++ % 4096).toString(16).padStart(3, '0')}`;
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source: { component: this.options.component, ...(this.options.host ? { host: this.options.host } : {}) },
      firstTimestamp: timestamp(now),
      lastTimestamp: timestamp(now),
      count: 1,
      reportingComponent: this.options.component,
      reportingInstance: this.options.host ?? '',
    };
    await this.store.create('events', event);
    if (this.seen.size >= MAX_REMEMBERED) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.seen.set(key, { name, namespace, count: 1, firstMs: now, lastMs: now });
  }
}
