// Kubernetes' API defaulting for the kinds Flotilla serves (core/v1, apps/v1 and batch/v1
// defaults.go, plus the Job selector generation of the job registry strategy), including the pod
// templates inside workloads. Applied by the API server on every create and update, and by the
// agent to the Pod manifests it runs.

import type { KubeObject } from './types';
import { defaultPodOnly, defaultPodSpec } from './defaults-pod';
import { isObject, list, type Json } from './validation/field';

export { defaultContainer, defaultPodSpec, defaultVolume, imageTag } from './defaults-pod';

function def(o: Json, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** o[key] as an object, created (empty) when absent. */
function child(o: Json, key: string): Json {
  const v = o[key];
  if (isObject(v)) return v;
  const created: Json = {};
  o[key] = created;
  return created;
}

function specOf(o: KubeObject): Json {
  return child(o as Json, 'spec');
}

function defaultTemplate(spec: Json): void {
  if (isObject(spec.template)) defaultPodSpec(child(spec.template, 'spec'));
}

function defaultService(o: KubeObject): void {
  const spec = specOf(o);
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') def(child(child(spec, 'sessionAffinityConfig'), 'clientIP'), 'timeoutSeconds', 10800);
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of list(spec.ports).filter(isObject)) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const external = spec.type === 'NodePort' || spec.type === 'LoadBalancer' || (spec.type === 'ClusterIP' && list(spec.externalIPs).length > 0);
  if (external && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') def(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') def(spec, 'allocateLoadBalancerNodePorts', true);
}

function defaultDeployment(o: KubeObject): void {
  const spec = specOf(o);
  def(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    def(ru, 'maxUnavailable', '25%');
    def(ru, 'maxSurge', '25%');
  }
  def(spec, 'revisionHistoryLimit', 10);
  def(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec);
}

function defaultDaemonSet(o: KubeObject): void {
  const spec = specOf(o);
  const strategy = child(spec, 'updateStrategy');
  if (!strategy.type) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    def(ru, 'maxUnavailable', 1);
    def(ru, 'maxSurge', 0);
  }
  def(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec);
}

/** The labels Kubernetes puts on a Job's pods and selects them by (batch/v1 well-known labels). */
export const JOB_LABELS = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  legacyControllerUid: 'controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyJobName: 'job-name',
} as const;

/**
 * Kubernetes' generateSelector (job strategy): unless spec.manualSelector, the template gets the
 * job-name and controller-uid labels and the selector matches the controller uid. Needs
 * metadata.uid (the API server assigns it before admission); without one nothing is generated.
 */
function generateJobSelector(o: KubeObject, spec: Json): void {
  const uid = o.metadata.uid;
  if (spec.manualSelector === true || !uid || !isObject(spec.template)) return;
  const labels = child(child(spec.template, 'metadata'), 'labels');
  const name = o.metadata.name ?? '';
  def(labels, JOB_LABELS.legacyJobName, name);
  def(labels, JOB_LABELS.jobName, name);
  def(labels, JOB_LABELS.legacyControllerUid, uid);
  def(labels, JOB_LABELS.controllerUid, uid);
  def(child(child(spec, 'selector'), 'matchLabels'), JOB_LABELS.controllerUid, uid);
}

function defaultJob(o: KubeObject): void {
  const spec = specOf(o);
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  def(spec, 'parallelism', 1);
  def(spec, 'backoffLimit', spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2147483647 : 6);
  def(spec, 'completionMode', 'NonIndexed');
  def(spec, 'suspend', false);
  def(spec, 'podReplacementPolicy', isObject(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  if (isObject(spec.podFailurePolicy)) {
    for (const rule of list(spec.podFailurePolicy.rules).filter(isObject)) for (const c of list(rule.onPodConditions).filter(isObject)) def(c, 'status', 'True');
  }
  const templateLabels = isObject(spec.template) && isObject(spec.template.metadata) ? spec.template.metadata.labels : undefined;
  if (isObject(templateLabels) && Object.keys(o.metadata.labels ?? {}).length === 0) o.metadata.labels = { ...(templateLabels as Record<string, string>) };
  generateJobSelector(o, spec);
  defaultTemplate(spec);
}

function defaultCronJob(o: KubeObject): void {
  const spec = specOf(o);
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = 'Allow';
  def(spec, 'suspend', false);
  def(spec, 'successfulJobsHistoryLimit', 3);
  def(spec, 'failedJobsHistoryLimit', 1);
  if (isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec)) defaultTemplate(spec.jobTemplate.spec);
}

const DEFAULTERS: Record<string, (o: KubeObject) => void> = {
  'v1/Pod': (o) => {
    const spec = specOf(o);
    defaultPodSpec(spec);
    defaultPodOnly(spec);
  },
  'v1/Service': defaultService,
  'v1/Secret': (o) => {
    if (!o.type) o.type = 'Opaque';
  },
  'v1/Namespace': (o) => {
    if (o.metadata.name) o.metadata.labels = { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name };
    if (isObject(o.status) && !o.status.phase) o.status.phase = 'Active';
  },
  'v1/Node': (o) => {
    if (isObject(o.status) && isObject(o.status.capacity) && o.status.allocatable === undefined) o.status.allocatable = { ...o.status.capacity };
  },
  'v1/Endpoints': (o) => {
    for (const subset of list((o as Json).subsets).filter(isObject)) for (const p of list(subset.ports).filter(isObject)) if (!p.protocol) p.protocol = 'TCP';
  },
  'apps/v1/Deployment': defaultDeployment,
  'apps/v1/ReplicaSet': (o) => {
    const spec = specOf(o);
    def(spec, 'replicas', 1);
    defaultTemplate(spec);
  },
  'apps/v1/DaemonSet': defaultDaemonSet,
  'batch/v1/Job': defaultJob,
  'batch/v1/CronJob': defaultCronJob,
};

/**
 * Fills the defaults Kubernetes' API defaulting would for the object's kind, in place. Idempotent
 * (defaulting a defaulted object changes nothing); kinds without defaults are left alone. Called by
 * the API server's admission before validation (create and update) and by the agent on Pod
 * manifests. Tolerates malformed shapes (validation reports them).
 */
export function applyDefaults(obj: KubeObject): void {
  if (!isObject(obj.metadata)) return;
  DEFAULTERS[`${obj.apiVersion}/${obj.kind}`]?.(obj);
}
