// Schema table: the top-level kinds Flotilla serves, by OpenAPI component name, with their group,
// version, kind and fields besides apiVersion/kind/metadata.

import type { FieldTable } from '../codes';

export interface KindSchema {
  group: string;
  version: string;
  kind: string;
  fields: FieldTable;
}

const core = (kind: string, fields: FieldTable): KindSchema => ({ group: '', version: 'v1', kind, fields });
const specStatus = (kind: string): FieldTable => ({ spec: `${kind}Spec`, status: `${kind}Status` });

export const KIND_SCHEMAS: Record<string, KindSchema> = {
  'io.k8s.api.core.v1.Pod': core('Pod', specStatus('Pod')),
  'io.k8s.api.core.v1.Namespace': core('Namespace', specStatus('Namespace')),
  'io.k8s.api.core.v1.Node': core('Node', specStatus('Node')),
  'io.k8s.api.core.v1.Service': core('Service', specStatus('Service')),
  'io.k8s.api.core.v1.Endpoints': core('Endpoints', { subsets: '[]EndpointSubset' }),
  'io.k8s.api.core.v1.ConfigMap': core('ConfigMap', { binaryData: 'ms', data: 'ms', immutable: 'b' }),
  'io.k8s.api.core.v1.Secret': core('Secret', { data: 'ms', immutable: 'b', stringData: 'ms', type: 's' }),
  'io.k8s.api.core.v1.Event': core('Event', {
    action: 's', count: 'i', eventTime: 't', firstTimestamp: 't', involvedObject: 'ObjectReference', lastTimestamp: 't', message: 's',
    reason: 's', related: 'ObjectReference', reportingComponent: 's', reportingInstance: 's', series: 'EventSeries', source: 'EventSource', type: 's',
  }),
  'io.k8s.api.core.v1.ServiceAccount': core('ServiceAccount', {
    automountServiceAccountToken: 'b', imagePullSecrets: '[]LocalObjectReference', secrets: '[]ObjectReference@name',
  }),
  'io.k8s.api.core.v1.Binding': core('Binding', { target: 'ObjectReference' }),
  'io.k8s.api.coordination.v1.Lease': { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', fields: { spec: 'LeaseSpec' } },
  'io.k8s.api.apps.v1.Deployment': { group: 'apps', version: 'v1', kind: 'Deployment', fields: specStatus('Deployment') },
  'io.k8s.api.apps.v1.ReplicaSet': { group: 'apps', version: 'v1', kind: 'ReplicaSet', fields: specStatus('ReplicaSet') },
  'io.k8s.api.apps.v1.DaemonSet': { group: 'apps', version: 'v1', kind: 'DaemonSet', fields: specStatus('DaemonSet') },
  'io.k8s.api.apps.v1.ControllerRevision': { group: 'apps', version: 'v1', kind: 'ControllerRevision', fields: { data: 'o', revision: 'i' } },
  'io.k8s.api.batch.v1.Job': { group: 'batch', version: 'v1', kind: 'Job', fields: specStatus('Job') },
  'io.k8s.api.batch.v1.CronJob': { group: 'batch', version: 'v1', kind: 'CronJob', fields: specStatus('CronJob') },
  'io.k8s.api.autoscaling.v1.Scale': { group: 'autoscaling', version: 'v1', kind: 'Scale', fields: specStatus('Scale') },
};
