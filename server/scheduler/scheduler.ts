// The scheduler (kube-scheduler's scheduleOne loop): pops pending pods from the scheduling queue,
// runs the plugin framework synchronously on the cache, assumes the pod onto the chosen node and
// binds it through the pods/binding write without waiting — many binds in flight, the next pods
// already counting the assumed ones. Failures park the pod with a FailedScheduling event and a
// PodScheduled=False condition; cluster changes bring it back.

import type { Node, Pod } from '../../shared/api/core';
import { realClock, type Clock } from '../../shared/clock';
import { isFlotillaError } from '../../shared/errors';
import { bindPod } from '../api/binding';
import type { EventSink } from '../events/recorder';
import type { Cached, Informer, InformerFactory } from '../informer/informer';
import type { Store } from '../store/types';
import { SchedulerCache } from './cache/cache';
import type { Plugin } from './framework/interface';
import { podInfoOf, type PodInfo } from './framework/pod-info';
import { Framework, type ScheduleResult, type WeightedPlugin } from './framework/runtime';
import { DEFAULT_SCHEDULER_NAME, nodeHandler, podHandler } from './handlers';
import { hasUnschedulableCondition, writeUnschedulableCondition } from './pod-condition';
import { defaultPlugins, pluginInterest } from './plugins/default-profile';
import { SchedulingQueue, type QueuedPod } from './queue/scheduling-queue';

export interface SchedulerLogger {
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** Writes the binding; rejects with the store's error. Default: bindPod through the store. */
export type Binder = (pod: Cached<Pod>, nodeName: string) => Promise<unknown>;

export interface SchedulerOptions {
  store: Store;
  informers: InformerFactory;
  events: EventSink;
  clock?: Clock;
  random?: () => number;
  logger?: SchedulerLogger;
  plugins?: (Plugin | WeightedPlugin)[];
  /** kube-scheduler's percentageOfNodesToScore; 0/unset = adaptive. */
  percentageOfNodesToScore?: number;
  /** Binds in flight at most (the next pods wait). Default 500. */
  maxInFlightBinds?: number;
  /** Pods scheduled per turn of the event loop before yielding to I/O. Default 100. */
  batchSize?: number;
  schedulerName?: string;
  binder?: Binder;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  private readonly framework: Framework;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly clock: Clock;
  private readonly binder: Binder;
  private readonly maxInFlight: number;
  private readonly batchSize: number;
  private inFlight = 0;
  private pendingWrites = 0;
  /** A batch is being scheduled right now. */
  private busy = false;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeBinds: (() => void) | undefined;
  private idleWaiters: Array<() => void> = [];
  private scheduledCount = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? realClock;
    this.framework = new Framework({ plugins: options.plugins ?? defaultPlugins(), percentageOfNodesToScore: options.percentageOfNodesToScore, random: options.random });
    this.queue = new SchedulingQueue({ clock: this.clock, interest: pluginInterest(this.framework.plugins), initialBackoffMs: options.initialBackoffMs, maxBackoffMs: options.maxBackoffMs });
    this.pods = options.informers.for<Pod>('pods');
    this.nodes = options.informers.for<Node>('nodes');
    this.maxInFlight = options.maxInFlightBinds ?? 500;
    this.batchSize = options.batchSize ?? 100;
    const store = options.store;
    this.binder = options.binder ?? ((pod, nodeName) => bindPod(store, { namespace: pod.metadata.namespace, name: pod.metadata.name ?? '' }, { nodeName, uid: pod.metadata.uid }, new Date(this.clock.now())));
  }

  /** Pods bound by this scheduler since start. */
  get scheduled(): number {
    return this.scheduledCount;
  }

  /** Syncs the pod and node informers, then schedules until stop(). */
  async start(): Promise<void> {
    const onNode = nodeHandler(this.cache, this.queue);
    const onPod = podHandler(this.cache, this.queue, this.options.schedulerName ?? DEFAULT_SCHEDULER_NAME);
    // A handler may empty the queue (a pod bound or deleted elsewhere): that can make us idle.
    this.nodes.onChange((type, node, old) => {
      onNode(type, node, old);
      this.checkIdle();
    });
    this.pods.onChange((type, pod, old) => {
      onPod(type, pod, old);
      this.checkIdle();
    });
    await Promise.all([this.nodes.start(), this.pods.start()]);
    this.loop ??= this.run();
  }

  /** Stops taking pods; waits for binds and status writes in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.close();
    this.wakeBinds?.();
    await this.loop;
    await this.whenIdle();
  }

  /** Resolves once no pod is active or in flight and no write is pending (pods may still wait in backoff or parked). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.pendingWrites === 0 && (this.stopped || this.queue.activeLength === 0) && !this.busy;
  }

  private checkIdle(): void {
    if (this.idleWaiters.length > 0 && this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await this.queue.waitForPod();
      if (this.stopped) break;
      if (this.inFlight >= this.maxInFlight) {
        await new Promise<void>((resolve) => (this.wakeBinds = resolve));
        continue;
      }
      this.busy = true;
      for (let i = 0; i < this.batchSize && this.inFlight < this.maxInFlight; i++) {
        const next = this.queue.pop();
        if (!next) break;
        this.scheduleOne(next);
      }
      this.busy = false;
      this.checkIdle();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.checkIdle();
  }

  private scheduleOne(entry: QueuedPod): void {
    const pod = this.pods.get(entry.key);
    if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp || this.cache.isAssumed(entry.key)) {
      this.queue.done(entry.key);
      return;
    }
    let info: PodInfo;
    let result: ScheduleResult;
    try {
      info = podInfoOf(pod);
      result = this.framework.schedule(info, this.cache);
    } catch (err) {
      this.options.logger?.warn({ err, pod: entry.key }, 'scheduling failed');
      this.fail(entry, pod, err instanceof Error ? err.message : String(err), new Set());
      return;
    }
    if (result.status === 'Unschedulable') {
      this.fail(entry, pod, result.message, result.rejectors);
      return;
    }
    this.cache.assumePod(info, result.nodeName);
    this.inFlight++;
    void this.bind(entry, pod, result.nodeName);
  }

  private async bind(entry: QueuedPod, pod: Cached<Pod>, nodeName: string): Promise<void> {
    try {
      await this.binder(pod, nodeName);
      this.queue.done(entry.key);
      this.scheduledCount++;
      this.options.events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} to ${nodeName}`);
    } catch (err) {
      this.cache.forgetPod(entry.key);
      const current = this.pods.get(entry.key);
      const stillPending = current && !current.spec.nodeName && !current.metadata.deletionTimestamp;
      if (!stillPending) this.queue.done(entry.key);
      else {
        this.queue.addBackoff(entry);
        if (!isFlotillaError(err, 'Conflict') && !isFlotillaError(err, 'NotFound')) {
          this.options.logger?.warn({ err, pod: entry.key, node: nodeName }, 'binding failed');
          this.options.events.record(pod, 'Warning', 'FailedScheduling', `Binding rejected: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    } finally {
      this.inFlight--;
      const wake = this.wakeBinds;
      this.wakeBinds = undefined;
      wake?.();
      this.checkIdle();
    }
  }

  private fail(entry: QueuedPod, pod: Cached<Pod>, message: string, rejectors: ReadonlySet<string>): void {
    this.queue.addUnschedulable(entry, rejectors);
    this.options.events.record(pod, 'Warning', 'FailedScheduling', message);
    if (hasUnschedulableCondition(pod, message)) return;
    this.pendingWrites++;
    writeUnschedulableCondition(this.options.store, pod, message, this.clock.now())
      .catch((err: unknown) => {
        if (!isFlotillaError(err, 'NotFound') && !isFlotillaError(err, 'Conflict')) this.options.logger?.warn({ err, pod: entry.key }, 'could not set PodScheduled=False');
      })
      .finally(() => {
        this.pendingWrites--;
        this.checkIdle();
      });
  }
}
