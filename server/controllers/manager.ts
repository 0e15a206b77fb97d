// The controller manager (kube-controller-manager's role for workloads): builds the workload
// controllers over one set of shared informers, starts them, and stops them. `flotilla server`
// runs one; tests and benchmarks run one over a MemoryStore or NedbStore with a FakeClock.

import type { Logger } from 'pino';
import { realClock, type Clock } from '../../shared/clock';
import { EventRecorder, type EventSink } from '../events/recorder';
import { InformerFactory } from '../informer/informer';
import type { Store } from '../store/types';
import { Controller, type Reconciler } from './controller';
import { controllerInformers, type ControllerContext, type ControllerInformers } from './context';
import { CronJobReconciler } from './cronjob/cronjob';
import { DaemonSetReconciler } from './daemonset/daemonset';
import { DeploymentReconciler } from './deployment/deployment';
import { EndpointsReconciler } from './endpoints/endpoints';
import { GarbageCollectorReconciler, type KindLookup } from './gc/garbage-collector';
import { JobReconciler } from './job/job';
import { PodGcReconciler } from './podgc/podgc';
import { gcResources } from './gc/kinds';
import { ReplicaSetReconciler } from './replicaset/replicaset';
import { SpamFilteredSink } from './util/events';

export const CONTROLLER_NAMES = ['replicaset', 'deployment', 'daemonset', 'job', 'cronjob', 'endpoints', 'garbagecollector', 'podgc'] as const;
export type ControllerName = (typeof CONTROLLER_NAMES)[number];

/** Workers per controller: kube-controller-manager's --concurrent-*-syncs defaults. */
const WORKERS: Record<ControllerName, number> = { replicaset: 5, deployment: 5, daemonset: 2, job: 5, cronjob: 5, endpoints: 5, garbagecollector: 20, podgc: 1 };

export interface ControllerManagerOptions {
  store: Store;
  logger: Logger;
  clock?: Clock;
  /** Shared with the scheduler; created when omitted. Must not be started yet (indexes are added). */
  informers?: InformerFactory;
  /** Event sink per component; default: an EventRecorder on the store behind a spam filter. */
  events?: (component: string) => EventSink;
  /** Which controllers run; default all. */
  controllers?: readonly ControllerName[];
  /** What the garbage collector follows; default: the built-in kinds of the API. */
  gc?: { resources: readonly string[]; kinds: KindLookup };
}

export class ControllerManager {
  readonly informers: ControllerInformers;
  readonly factory: InformerFactory;
  readonly context: ControllerContext;
  private readonly controllers = new Map<ControllerName, Controller>();
  private readonly ownsFactory: boolean;

  constructor(private readonly options: ControllerManagerOptions) {
    const clock = options.clock ?? realClock;
    this.ownsFactory = !options.informers;
    this.factory = options.informers ?? new InformerFactory(options.store);
    this.informers = controllerInformers(this.factory);
    const sinks = new Map<string, EventSink>();
    const events =
      options.events ??
      ((component: string): EventSink => {
        let sink = sinks.get(component);
        if (!sink) {
          const recorder = new EventRecorder(options.store, { component, clock, onError: (err) => options.logger.debug({ err, component }, 'event not recorded') });
          sinks.set(component, (sink = new SpamFilteredSink(recorder, clock)));
        }
        return sink;
      });
    this.context = { store: options.store, informers: this.informers, clock, events, logger: options.logger };
    const build: Record<ControllerName, () => Reconciler> = {
      replicaset: () => new ReplicaSetReconciler(this.context),
      deployment: () => new DeploymentReconciler(this.context),
      daemonset: () => new DaemonSetReconciler(this.context),
      job: () => new JobReconciler(this.context),
      cronjob: () => new CronJobReconciler(this.context),
      endpoints: () => new EndpointsReconciler(this.context),
      garbagecollector: () => new GarbageCollectorReconciler({ store: options.store, informers: this.factory, ...(options.gc ?? gcResources()) }),
      podgc: () => new PodGcReconciler(this.context),
    };
    for (const name of options.controllers ?? CONTROLLER_NAMES) {
      this.controllers.set(name, new Controller(build[name](), { store: options.store, logger: options.logger, clock, workers: WORKERS[name] }));
    }
  }

  /** Starts the informers (all of the factory's, so the scheduler's too), then every controller. */
  async start(): Promise<void> {
    await this.factory.start();
    for (const c of this.controllers.values()) await c.start();
  }

  async stop(): Promise<void> {
    for (const c of this.controllers.values()) await c.stop();
    if (this.ownsFactory) this.factory.stop();
  }

  /** Every controller has nothing queued and nothing running. */
  get idle(): boolean {
    for (const c of this.controllers.values()) if (!c.idle) return false;
    return true;
  }

  controller(name: ControllerName): Controller | undefined {
    return this.controllers.get(name);
  }
}
