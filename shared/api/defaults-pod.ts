// Kubernetes' defaulting of pod specs (pkg/apis/core/v1/defaults.go): the spec itself, its
// containers, probes, ports and volumes. Used for Pods and for the pod templates of workloads.

import { isObject, list, type Json } from './validation/field';

/** Sets `o[key]` to `value` when it is absent (undefined or null), or — with `zero` — 0 or "". */
function def(o: Json, key: string, value: unknown, zero = true): void {
  const v = o[key];
  if (v === undefined || v === null || (zero && (v === 0 || v === ''))) o[key] = value;
}

function objects(v: unknown): Json[] {
  return list(v).filter(isObject);
}

/** The image's tag: "latest" when it has neither tag nor digest, "" with a digest alone (ParseImageName). */
export function imageTag(image: string): string {
  if (image === '') return '';
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return ref.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

function defaultHttpGet(h: unknown): void {
  if (!isObject(h)) return;
  def(h, 'path', '/');
  def(h, 'scheme', 'HTTP');
}

function defaultProbe(p: unknown): void {
  if (!isObject(p)) return;
  def(p, 'timeoutSeconds', 1);
  def(p, 'periodSeconds', 10);
  def(p, 'successThreshold', 1);
  def(p, 'failureThreshold', 3);
  defaultHttpGet(p.httpGet);
}

function defaultFieldRef(f: unknown): void {
  if (isObject(f)) def(f, 'apiVersion', 'v1');
}

/** Container defaults: pull policy from the tag, termination message, port protocol, probes. */
export function defaultContainer(c: Json, options: { hostNetwork?: boolean } = {}): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  def(c, 'terminationMessagePath', '/dev/termination-log');
  def(c, 'terminationMessagePolicy', 'File');
  for (const port of objects(c.ports)) {
    def(port, 'protocol', 'TCP');
    if (options.hostNetwork) def(port, 'hostPort', port.containerPort);
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe]);
  if (isObject(c.lifecycle)) for (const h of [c.lifecycle.postStart, c.lifecycle.preStop]) if (isObject(h)) defaultHttpGet(h.httpGet);
  for (const env of objects(c.env)) if (isObject(env.valueFrom)) defaultFieldRef(env.valueFrom.fieldRef);
}

const VOLUME_SOURCES = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'fc',
  'flexVolume', 'flocker', 'gcePersistentDisk', 'gitRepo', 'glusterfs', 'hostPath', 'image', 'iscsi', 'nfs', 'persistentVolumeClaim',
  'photonPersistentDisk', 'portworxVolume', 'projected', 'quobyte', 'rbd', 'scaleIO', 'secret', 'storageos', 'vsphereVolume',
];

/** Every volume source field name (the keys of a Volume besides `name`). */
export const VOLUME_SOURCE_FIELDS: readonly string[] = VOLUME_SOURCES;

/** Volume defaults: emptyDir when no source, file modes 0644 (420), hostPath type "". */
export function defaultVolume(v: Json): void {
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined && v[s] !== null)) v.emptyDir = {};
  for (const s of ['configMap', 'secret', 'downwardAPI', 'projected']) if (isObject(v[s])) def(v[s] as Json, 'defaultMode', 420, false);
  if (isObject(v.hostPath)) def(v.hostPath, 'type', '', false);
  if (isObject(v.downwardAPI)) for (const item of objects(v.downwardAPI.items)) defaultFieldRef(item.fieldRef);
}

/**
 * Fills a pod spec's defaults in place as Kubernetes' SetDefaults_PodSpec and its nested defaulters
 * do: dnsPolicy ClusterFirst, restartPolicy Always, schedulerName default-scheduler,
 * terminationGracePeriodSeconds 30, securityContext {}, then containers, init containers and
 * volumes. Idempotent. Pod-only defaults (enableServiceLinks, requests from limits) are not here:
 * Kubernetes leaves them out of workload templates; applyDefaults adds them to Pods.
 */
export function defaultPodSpec(spec: Json): void {
  def(spec, 'dnsPolicy', 'ClusterFirst');
  def(spec, 'restartPolicy', 'Always');
  def(spec, 'schedulerName', 'default-scheduler');
  def(spec, 'terminationGracePeriodSeconds', 30, false);
  def(spec, 'securityContext', {}, false);
  const hostNetwork = spec.hostNetwork === true;
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) defaultContainer(c, { hostNetwork });
  for (const v of objects(spec.volumes)) defaultVolume(v);
}

/** Pod-only defaults on top of defaultPodSpec: enableServiceLinks true, requests default to limits. */
export function defaultPodOnly(spec: Json): void {
  def(spec, 'enableServiceLinks', true, false);
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
    if (!isObject(c.resources) || !isObject(c.resources.limits)) continue;
    const requests = isObject(c.resources.requests) ? c.resources.requests : {};
    for (const [k, v] of Object.entries(c.resources.limits)) if (requests[k] === undefined) requests[k] = v;
    c.resources.requests = requests;
  }
}
