// Defaulting per kind, compared with what kube-apiserver v1.32 stores for the same manifests, and
// idempotence (defaulting twice changes nothing).

import { applyDefaults, defaultPodSpec, imageTag } from './defaults';
import type { KubeObject } from './types';

type Obj = Record<string, unknown>;
const meta = { name: 'x', namespace: 'default' };
const tmpl = (spec: Obj = {}): Obj => ({ metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }], ...spec } });

/** A pod template spec as Kubernetes defaults it (containers as given, defaulted). */
const DEFAULTED_SPEC = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  terminationGracePeriodSeconds: 30,
  securityContext: {},
};
const DEFAULTED_CONTAINER = { name: 'c', image: 'busybox:1', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' };

function defaulted(o: Obj): Obj {
  const copy = structuredClone(o) as KubeObject;
  applyDefaults(copy);
  const again = structuredClone(copy);
  applyDefaults(again);
  expect(again).toEqual(copy);
  return copy;
}

describe('applyDefaults', () => {
  it('defaults a Pod: spec, containers, probes, ports, volumes and the pod-only fields', () => {
    const pod = defaulted({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta,
      spec: {
        containers: [
          {
            name: 'c',
            image: 'busybox',
            ports: [{ containerPort: 80 }],
            livenessProbe: { httpGet: { port: 80 } },
            readinessProbe: { exec: { command: ['true'] }, periodSeconds: 5, timeoutSeconds: 0 },
            resources: { limits: { cpu: '1', memory: '64Mi' }, requests: { cpu: '500m' } },
            env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          },
        ],
        initContainers: [{ name: 'i', image: 'reg:5000/init@sha256:abc' }],
        volumes: [{ name: 'a' }, { name: 'b', configMap: { name: 'cm' } }, { name: 'c', secret: { secretName: 's', defaultMode: 256 } }, { name: 'd', hostPath: { path: '/x' } }],
      },
    });
    expect(pod.spec).toEqual({
      ...DEFAULTED_SPEC,
      enableServiceLinks: true,
      containers: [
        {
          name: 'c',
          image: 'busybox',
          imagePullPolicy: 'Always',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          livenessProbe: { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          readinessProbe: { exec: { command: ['true'] }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
          resources: { limits: { cpu: '1', memory: '64Mi' }, requests: { cpu: '500m', memory: '64Mi' } },
          env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name', apiVersion: 'v1' } } }],
        },
      ],
      initContainers: [{ name: 'i', image: 'reg:5000/init@sha256:abc', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
      volumes: [
        { name: 'a', emptyDir: {} },
        { name: 'b', configMap: { name: 'cm', defaultMode: 420 } },
        { name: 'c', secret: { secretName: 's', defaultMode: 256 } },
        { name: 'd', hostPath: { path: '/x', type: '' } },
      ],
    });
  });

  it('copies containerPort to hostPort on the host network, and keeps explicit zeros of pointer fields', () => {
    const pod = defaulted({ apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: { hostNetwork: true, terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 53, protocol: 'UDP' }] }] } });
    expect((pod.spec as Obj).terminationGracePeriodSeconds).toBe(0);
    expect(((pod.spec as { containers: Obj[] }).containers[0] as Obj).ports).toEqual([{ containerPort: 53, protocol: 'UDP', hostPort: 53 }]);
  });

  it('defaults a Deployment and its template (not the pod-only fields)', () => {
    const d = defaulted({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: { selector: { matchLabels: { app: 'x' } }, template: tmpl() } });
    expect(d.spec).toEqual({
      replicas: 1,
      selector: { matchLabels: { app: 'x' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: { metadata: { labels: { app: 'x' } }, spec: { ...DEFAULTED_SPEC, containers: [DEFAULTED_CONTAINER] } },
    });
    const recreate = defaulted({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: { replicas: 0, strategy: { type: 'Recreate' }, template: tmpl() } });
    expect(recreate.spec).toMatchObject({ replicas: 0, strategy: { type: 'Recreate' } });
  });

  it.each<[string, Obj, Obj]>([
    ['ReplicaSet', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta, spec: { template: tmpl() } }, { replicas: 1 }],
    [
      'DaemonSet',
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta, spec: { template: tmpl() } },
      { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 },
    ],
    ['DaemonSet OnDelete', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta, spec: { updateStrategy: { type: 'OnDelete' }, template: tmpl() } }, { updateStrategy: { type: 'OnDelete' } }],
    [
      'Job',
      { apiVersion: 'batch/v1', kind: 'Job', metadata: meta, spec: { template: tmpl({ restartPolicy: 'Never' }) } },
      { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' },
    ],
    ['Job with parallelism only', { apiVersion: 'batch/v1', kind: 'Job', metadata: meta, spec: { parallelism: 3, template: tmpl() } }, { parallelism: 3, backoffLimit: 6 }],
    ['Job with backoffLimitPerIndex', { apiVersion: 'batch/v1', kind: 'Job', metadata: meta, spec: { backoffLimitPerIndex: 1, completionMode: 'Indexed', completions: 2, template: tmpl() } }, { backoffLimit: 2147483647, parallelism: 1 }],
    [
      'CronJob',
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta, spec: { schedule: '@hourly', jobTemplate: { spec: { template: tmpl() } } } },
      { concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { spec: { template: { spec: { ...DEFAULTED_SPEC, containers: [DEFAULTED_CONTAINER] } } } } },
    ],
    [
      'Service',
      { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] } },
      { type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] },
    ],
    [
      'LoadBalancer Service with ClientIP affinity',
      { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] } },
      { externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true, sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } },
    ],
  ])('defaults a %s', (_kind, object, want) => {
    expect(defaulted(object).spec).toMatchObject(want);
  });

  it('generates the Job selector and pod labels from the uid unless manualSelector', () => {
    const job = defaulted({ apiVersion: 'batch/v1', kind: 'Job', metadata: { ...meta, uid: 'u-1' }, spec: { template: tmpl({ restartPolicy: 'Never' }) } });
    expect(job.spec).toMatchObject({
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } },
      template: { metadata: { labels: { app: 'x', 'controller-uid': 'u-1', 'batch.kubernetes.io/controller-uid': 'u-1', 'job-name': 'x', 'batch.kubernetes.io/job-name': 'x' } } },
    });
    expect((job.metadata as Obj).labels).toEqual({ app: 'x' });
    const manual = defaulted({ apiVersion: 'batch/v1', kind: 'Job', metadata: { ...meta, uid: 'u-1' }, spec: { manualSelector: true, selector: { matchLabels: { app: 'x' } }, template: tmpl() } });
    expect((manual.spec as Obj).selector).toEqual({ matchLabels: { app: 'x' } });
  });

  it.each<[string, Obj, Obj]>([
    ['Secret type', { apiVersion: 'v1', kind: 'Secret', metadata: meta, data: {} }, { type: 'Opaque' }],
    ['Namespace name label', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { a: 'b' } } }, { metadata: { name: 'team-a', labels: { a: 'b', 'kubernetes.io/metadata.name': 'team-a' } } }],
    ['Node allocatable', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { capacity: { cpu: '4' } } }, { status: { capacity: { cpu: '4' }, allocatable: { cpu: '4' } } }],
    ['Endpoints port protocol', { apiVersion: 'v1', kind: 'Endpoints', metadata: meta, subsets: [{ ports: [{ port: 80 }] }] }, { subsets: [{ ports: [{ port: 80, protocol: 'TCP' }] }] }],
  ])('defaults %s', (_name, object, want) => {
    expect(defaulted(object)).toMatchObject(want);
  });

  it('leaves kinds without defaults and unknown kinds alone', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { a: 'b' } };
    expect(defaulted(cm)).toEqual(cm);
    const other = { apiVersion: 'example.com/v1', kind: 'Pod', metadata: meta };
    expect(defaulted(other)).toEqual(other);
  });
});

describe('defaultPodSpec and imageTag', () => {
  it('defaults a bare spec for callers outside the API (the agent)', () => {
    const spec: Record<string, unknown> = { containers: [{ name: 'c', image: 'nginx:latest' }] };
    defaultPodSpec(spec);
    expect(spec).toMatchObject({ ...DEFAULTED_SPEC, containers: [{ imagePullPolicy: 'Always' }] });
  });

  it.each([
    ['busybox', 'latest'],
    ['busybox:1.36', '1.36'],
    ['localhost:5000/app', 'latest'],
    ['localhost:5000/app:v2', 'v2'],
    ['app@sha256:abc', ''],
    ['app:v1@sha256:abc', 'v1'],
  ])('imageTag(%s) = %p', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});
