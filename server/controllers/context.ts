// What every workload controller gets: the store (writes), shared informers with the indexes the
// controllers need (reads), the clock, an event sink per component and a logger.

import type { Logger } from 'pino';
import type { Endpoints, Node, Pod, Service } from '../../shared/api/core';
import type { KubeObject } from '../../shared/api/types';
import type { ControllerRevision, CronJob, DaemonSet, Deployment, Job, ReplicaSet } from '../../shared/api/workloads';
import type { Clock } from '../../shared/clock';
import type { EventSink } from '../events/recorder';
import type { Informer, InformerFactory } from '../informer/informer';
import type { Store } from '../store/types';
import { controllerRefOf } from './util/pods';

/** Index: objects by the uid of their controller (ownerReference with controller=true). */
export const BY_CONTROLLER = 'ctrl:controller-uid';
/** Index: objects without a controller, by namespace (adoption candidates). */
export const ORPHANS_BY_NAMESPACE = 'ctrl:orphans';
/** Index: pods by spec.nodeName ("" = unbound). */
export const BY_NODE = 'ctrl:node';
/** Index: objects by namespace. */
export const BY_NAMESPACE = 'ctrl:namespace';

export interface ControllerInformers {
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  replicaSets: Informer<ReplicaSet>;
  deployments: Informer<Deployment>;
  daemonSets: Informer<DaemonSet>;
  controllerRevisions: Informer<ControllerRevision>;
  jobs: Informer<Job>;
  cronJobs: Informer<CronJob>;
  services: Informer<Service>;
  endpoints: Informer<Endpoints>;
}

export interface ControllerContext {
  store: Store;
  informers: ControllerInformers;
  clock: Clock;
  /** The event sink for a component ("replicaset-controller", "deployment-controller", …). */
  events(component: string): EventSink;
  logger: Logger;
}

const byController = (o: Readonly<KubeObject>): string[] => {
  const ref = controllerRefOf(o);
  return ref ? [ref.uid] : [];
};
const orphans = (o: Readonly<KubeObject>): string[] => (controllerRefOf(o) ? [] : [o.metadata.namespace ?? '']);
const byNamespace = (o: Readonly<KubeObject>): string[] => [o.metadata.namespace ?? ''];

/**
 * The controllers' informers from a shared factory, with their indexes registered. Call before the
 * factory (or any of these informers) is started: indexes cannot be added afterwards.
 */
export function controllerInformers(factory: InformerFactory): ControllerInformers {
  const pods = factory.for<Pod>('pods');
  pods.addIndex(BY_CONTROLLER, byController);
  pods.addIndex(ORPHANS_BY_NAMESPACE, orphans);
  pods.addIndex(BY_NODE, (p) => [p.spec?.nodeName ?? '']);
  pods.addIndex(BY_NAMESPACE, byNamespace);
  const replicaSets = factory.for<ReplicaSet>('replicasets.apps');
  replicaSets.addIndex(BY_CONTROLLER, byController);
  replicaSets.addIndex(ORPHANS_BY_NAMESPACE, orphans);
  const controllerRevisions = factory.for<ControllerRevision>('controllerrevisions.apps');
  controllerRevisions.addIndex(BY_CONTROLLER, byController);
  controllerRevisions.addIndex(ORPHANS_BY_NAMESPACE, orphans);
  const jobs = factory.for<Job>('jobs.batch');
  jobs.addIndex(BY_CONTROLLER, byController);
  const services = factory.for<Service>('services');
  services.addIndex(BY_NAMESPACE, byNamespace);
  return {
    pods,
    nodes: factory.for<Node>('nodes'),
    replicaSets,
    deployments: factory.for<Deployment>('deployments.apps'),
    daemonSets: factory.for<DaemonSet>('daemonsets.apps'),
    controllerRevisions,
    jobs,
    cronJobs: factory.for<CronJob>('cronjobs.batch'),
    services,
    endpoints: factory.for<Endpoints>('endpoints'),
  };
}
