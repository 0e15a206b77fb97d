// validateObject: Kubernetes' validation of the kinds Flotilla serves (metadata by the kind's
// naming rule and scope, then the kind's own rules, then what an update may not change), with
// Kubernetes' messages: `spec.replicas: Invalid value: -3: must be greater than or equal to 0`.

import type { FieldError } from '../../errors';
import type { KubeObject } from '../types';
import { validateControllerRevision, validateDaemonSet, validateDeployment, validateReplicaSet } from './workloads';
import { validateCronJob, validateJob } from './batch';
import { validateEvent, validateLease, validateNamespace, validateNode, validateServiceAccount } from './cluster';
import { validateConfigMap, validateSecret } from './config';
import { invalid, invalidEach, isObject, str } from './field';
import { validateObjectMeta, validateObjectMetaUpdate, type MetaRules } from './meta';
import { isDns1035Label, isDns1123Label, isDns1123Subdomain } from './names';
import { validatePod } from './pod';
import { validateEndpoints, validateService } from './service';

export { parseCronSchedule, cronMatches, type CronSchedule, type CronField } from './cron';
export { validatePodSpec } from './pod-spec';
export { validateObjectMeta, type MetaRules } from './meta';

type KindValidator = (obj: KubeObject, old: KubeObject | undefined) => FieldError[];

interface KindRules extends MetaRules {
  validate: KindValidator;
}

const subdomain = isDns1123Subdomain;
const ns = (validate: KindValidator, name = subdomain): KindRules => ({ name, namespaced: true, validate });
const cluster = (validate: KindValidator, name = subdomain): KindRules => ({ name, namespaced: false, validate });

const KINDS: Record<string, KindRules> = {
  'v1/Namespace': cluster(validateNamespace, isDns1123Label),
  'v1/Node': cluster(validateNode),
  'v1/Pod': ns(validatePod),
  'v1/Service': ns(validateService, isDns1035Label),
  'v1/Endpoints': ns(validateEndpoints),
  'v1/ConfigMap': ns(validateConfigMap),
  'v1/Secret': ns(validateSecret),
  'v1/Event': ns(validateEvent),
  'v1/ServiceAccount': ns(validateServiceAccount),
  'coordination.k8s.io/v1/Lease': ns(validateLease),
  'apps/v1/Deployment': ns(validateDeployment),
  'apps/v1/ReplicaSet': ns(validateReplicaSet),
  'apps/v1/DaemonSet': ns(validateDaemonSet),
  'apps/v1/ControllerRevision': ns(validateControllerRevision),
  'batch/v1/Job': ns(validateJob),
  'batch/v1/CronJob': ns(validateCronJob),
};

/** Kinds validateObject knows by "apiVersion/kind" (others get only name and namespace syntax). */
export const VALIDATED_KINDS: readonly string[] = Object.keys(KINDS);

/** Only the syntax of name and namespace, for kinds without rules of their own (e.g. flotilla.io ApiToken). */
function validateGenericMeta(obj: KubeObject): FieldError[] {
  const meta = obj.metadata;
  const errs = validateObjectMeta(meta, { name: subdomain, namespaced: false }).filter((e) => e.field !== 'metadata.namespace');
  if (str(meta.namespace)) errs.push(...invalidEach('metadata.namespace', meta.namespace, isDns1123Label(str(meta.namespace))));
  return errs;
}

/**
 * Validates an object of a served kind, as kube-apiserver would after defaulting (run
 * applyDefaults first). `options.old` is the stored object on an update: its immutable fields are
 * checked too (metadata name/namespace/uid, pod spec, workload selectors, Job template, Service
 * clusterIP, immutable ConfigMap/Secret data, Secret type). Returns every error found; [] = valid.
 * Pure. Called by the API server's admission on create and update, and by the agent on the Pod
 * manifests it receives.
 */
export function validateObject(obj: KubeObject, options: { old?: KubeObject } = {}): FieldError[] {
  if (!isObject(obj.metadata)) return [invalid('metadata', obj.metadata ?? null, 'must be an object')];
  const rules = KINDS[`${obj.apiVersion}/${obj.kind}`];
  const old = options.old;
  const errs = rules ? validateObjectMeta(obj.metadata, rules) : validateGenericMeta(obj);
  if (old && isObject(old.metadata)) errs.push(...validateObjectMetaUpdate(obj.metadata as Record<string, unknown>, old.metadata as Record<string, unknown>));
  if (rules) errs.push(...rules.validate(obj, old));
  return errs;
}
