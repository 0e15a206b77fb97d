// The built-in kinds Flotilla serves, as one table: names, scope, subresources, printers,
// selectable fields and strategies, matching what kube-apiserver v1.32 advertises for them.

import type { KubeObject } from '../../../shared/api/types';
import type { ResourceDefinition } from '../registry';
import * as core from '../tables/core';
import { obj, str } from '../tables/format';
import * as wl from '../tables/workloads';
import * as s from './strategies';

const ALL = ['all'];
const field = (path: string) => (o: KubeObject): string | undefined => {
  let cur: unknown = o;
  for (const part of path.split('.')) cur = obj(cur)[part];
  return cur === undefined ? undefined : typeof cur === 'string' ? cur : JSON.stringify(cur);
};

const core1 = { group: '', version: 'v1' };
const apps1 = { group: 'apps', version: 'v1' };
const batch1 = { group: 'batch', version: 'v1' };

export function builtinResources(): ResourceDefinition[] {
  return [
    {
      ...core1, kind: 'Namespace', plural: 'namespaces', singular: 'namespace', shortNames: ['ns'], namespaced: false,
      subresources: ['status'], table: core.namespacePrinter, strategy: s.namespaceStrategy, schema: 'io.k8s.api.core.v1.Namespace',
      selectableFields: { 'status.phase': field('status.phase') },
    },
    {
      ...core1, kind: 'Node', plural: 'nodes', singular: 'node', shortNames: ['no'], namespaced: false,
      subresources: ['status'], table: core.nodePrinter, strategy: s.nodeStrategy, schema: 'io.k8s.api.core.v1.Node',
      selectableFields: { 'spec.unschedulable': (o) => String(obj(o.spec).unschedulable === true) },
    },
    {
      ...core1, kind: 'Pod', plural: 'pods', singular: 'pod', shortNames: ['po'], namespaced: true, categories: ALL,
      subresources: ['status', 'binding', 'log', 'eviction'], table: core.podPrinter, strategy: s.podStrategy, schema: 'io.k8s.api.core.v1.Pod',
      selectableFields: {
        'spec.nodeName': (o) => str(obj(o.spec).nodeName),
        'spec.restartPolicy': field('spec.restartPolicy'),
        'spec.schedulerName': field('spec.schedulerName'),
        'spec.serviceAccountName': field('spec.serviceAccountName'),
        'status.phase': field('status.phase'),
        'status.podIP': field('status.podIP'),
        'status.nominatedNodeName': field('status.nominatedNodeName'),
      },
    },
    {
      ...core1, kind: 'Service', plural: 'services', singular: 'service', shortNames: ['svc'], namespaced: true, categories: ALL,
      subresources: ['status'], table: core.servicePrinter, strategy: s.serviceStrategy, schema: 'io.k8s.api.core.v1.Service',
    },
    { ...core1, kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', shortNames: ['ep'], namespaced: true, table: core.endpointsPrinter, schema: 'io.k8s.api.core.v1.Endpoints' },
    { ...core1, kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', shortNames: ['cm'], namespaced: true, table: core.configMapPrinter, schema: 'io.k8s.api.core.v1.ConfigMap' },
    {
      ...core1, kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true, table: core.secretPrinter, strategy: s.secretStrategy, schema: 'io.k8s.api.core.v1.Secret',
      selectableFields: { type: field('type') },
    },
    {
      ...core1, kind: 'Event', plural: 'events', singular: 'event', shortNames: ['ev'], namespaced: true, table: core.eventPrinter, schema: 'io.k8s.api.core.v1.Event',
      selectableFields: {
        'involvedObject.kind': field('involvedObject.kind'),
        'involvedObject.name': field('involvedObject.name'),
        'involvedObject.namespace': field('involvedObject.namespace'),
        'involvedObject.uid': field('involvedObject.uid'),
        reason: field('reason'),
        type: field('type'),
      },
    },
    { ...core1, kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', shortNames: ['sa'], namespaced: true, table: core.serviceAccountPrinter, schema: 'io.k8s.api.core.v1.ServiceAccount' },
    { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', singular: 'lease', namespaced: true, table: core.leasePrinter, schema: 'io.k8s.api.coordination.v1.Lease' },
    {
      ...apps1, kind: 'Deployment', plural: 'deployments', singular: 'deployment', shortNames: ['deploy'], namespaced: true, categories: ALL,
      subresources: ['status', 'scale'], table: wl.deploymentPrinter, strategy: s.deploymentStrategy, schema: 'io.k8s.api.apps.v1.Deployment',
    },
    {
      ...apps1, kind: 'ReplicaSet', plural: 'replicasets', singular: 'replicaset', shortNames: ['rs'], namespaced: true, categories: ALL,
      subresources: ['status', 'scale'], table: wl.replicaSetPrinter, strategy: s.replicaSetStrategy, schema: 'io.k8s.api.apps.v1.ReplicaSet',
    },
    {
      ...apps1, kind: 'DaemonSet', plural: 'daemonsets', singular: 'daemonset', shortNames: ['ds'], namespaced: true, categories: ALL,
      subresources: ['status'], table: wl.daemonSetPrinter, strategy: s.daemonSetStrategy, schema: 'io.k8s.api.apps.v1.DaemonSet',
    },
    {
      ...apps1, kind: 'ControllerRevision', plural: 'controllerrevisions', singular: 'controllerrevision', namespaced: true,
      table: wl.controllerRevisionPrinter, schema: 'io.k8s.api.apps.v1.ControllerRevision',
    },
    {
      ...batch1, kind: 'Job', plural: 'jobs', singular: 'job', namespaced: true, categories: ALL,
      subresources: ['status'], table: wl.jobPrinter, strategy: s.jobStrategy, schema: 'io.k8s.api.batch.v1.Job',
      selectableFields: { 'status.successful': (o) => String(obj(o.status).succeeded ?? 0) },
    },
    {
      ...batch1, kind: 'CronJob', plural: 'cronjobs', singular: 'cronjob', shortNames: ['cj'], namespaced: true, categories: ALL,
      subresources: ['status'], table: wl.cronJobPrinter, strategy: s.cronJobStrategy, schema: 'io.k8s.api.batch.v1.CronJob',
    },
  ];
}
