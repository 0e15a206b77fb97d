// Manifest builders for controller tests and benchmarks: small, valid objects with the fields the
// controllers read, in the shape `kubectl apply` would store them.

import type { PodSpec } from '../../../shared/api/core';
import type { CronJob, DaemonSet, Deployment, Job } from '../../../shared/api/workloads';
import type { KubeObject } from '../../../shared/api/types';

const containers = (image: string): PodSpec['containers'] => [{ name: 'app', image }];

export function deploymentManifest(name: string, o: { replicas?: number; image?: string; spec?: Partial<Deployment['spec']>; namespace?: string } = {}): Deployment {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: o.namespace ?? 'default' },
    spec: {
      replicas: o.replicas ?? 3,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: containers(o.image ?? 'registry.local/app:v1') } },
      ...(o.spec ?? {}),
    },
  };
}

export function daemonSetManifest(name: string, o: { image?: string; nodeSelector?: Record<string, string>; spec?: Partial<DaemonSet['spec']> } = {}): DaemonSet {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: containers(o.image ?? 'registry.local/agent:v1'), ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}) } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      ...(o.spec ?? {}),
    },
  };
}

export function jobManifest(name: string, spec: Partial<Job['spec']> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { template: { metadata: { labels: { job: name } }, spec: { containers: containers('registry.local/task:v1'), restartPolicy: 'Never' } }, ...spec },
  };
}

export function cronJobManifest(name: string, spec: Partial<CronJob['spec']> & { schedule: string }): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: { jobTemplate: { spec: { template: { spec: { containers: containers('registry.local/task:v1'), restartPolicy: 'Never' } } } }, ...spec },
  };
}

export function serviceManifest(name: string, { selector, ports }: { selector: Record<string, string>; ports: { name?: string; port: number; targetPort?: number | string }[] }): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { selector, ports: ports.map((p) => ({ protocol: 'TCP', ...p })) } };
}
