// A container's environment as Kubernetes builds it: envFrom first, then env in order (later wins), with
// literal values, ConfigMap/Secret keys, pod fields and resource fields, and $(VAR) references expanded.

import * as os from 'node:os';
import type { Container, EnvVarSource, Pod, Quantity } from '../../shared/api/core';
import { FlotillaError } from '../../shared/errors';
import { configMapData, secretData, type ConfigLookup } from './config-lookup';
import { divideUp } from './quantity';

/** What the pod's fields resolve to on this node. */
export interface EnvFacts {
  nodeName: string;
  podIP?: string;
  hostIP?: string;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Throws FlotillaError (NotFound / Invalid) naming the missing ConfigMap, Secret or key: CreateContainerConfigError. */
export function containerEnv(pod: Pod, container: Container, config: ConfigLookup, facts: EnvFacts): Record<string, string> {
  const ns = pod.metadata.namespace ?? 'default';
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let values: Map<string, Buffer> | undefined;
    if (from.configMapRef) {
      const cm = config.configMap(ns, from.configMapRef.name ?? '');
      if (!cm && !from.configMapRef.optional) throw new FlotillaError('NotFound', `configmap "${from.configMapRef.name ?? ''}" not found`);
      values = cm ? configMapData(cm) : undefined;
    } else if (from.secretRef) {
      const secret = config.secret(ns, from.secretRef.name ?? '');
      if (!secret && !from.secretRef.optional) throw new FlotillaError('NotFound', `secret "${from.secretRef.name ?? ''}" not found`);
      values = secret ? secretData(secret) : undefined;
    }
    for (const [k, v] of values ?? []) if (ENV_NAME.test(prefix + k)) env[prefix + k] = v.toString('utf8');
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom) {
      const value = fromSource(e.valueFrom, pod, container, config, facts);
      if (value !== undefined) env[e.name] = value;
    } else {
      env[e.name] = expand(e.value ?? '', env);
    }
  }
  return env;
}

function fromSource(source: EnvVarSource, pod: Pod, container: Container, config: ConfigLookup, facts: EnvFacts): string | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  if (source.configMapKeyRef) {
    const { name = '', key, optional } = source.configMapKeyRef;
    const cm = config.configMap(ns, name);
    const value = cm ? configMapData(cm).get(key) : undefined;
    if (value === undefined && !optional) {
      throw new FlotillaError('NotFound', cm ? `couldn't find key ${key} in ConfigMap ${ns}/${name}` : `configmap "${name}" not found`);
    }
    return value?.toString('utf8');
  }
  if (source.secretKeyRef) {
    const { name = '', key, optional } = source.secretKeyRef;
    const secret = config.secret(ns, name);
    const value = secret ? secretData(secret).get(key) : undefined;
    if (value === undefined && !optional) {
      throw new FlotillaError('NotFound', secret ? `couldn't find key ${key} in Secret ${ns}/${name}` : `secret "${name}" not found`);
    }
    return value?.toString('utf8');
  }
  if (source.fieldRef) return podField(source.fieldRef.fieldPath, pod, facts);
  if (source.resourceFieldRef) {
    const { containerName, resource, divisor } = source.resourceFieldRef;
    const target = containerName ? pod.spec.containers.find((c) => c.name === containerName) : container;
    return resourceField(resource, target ?? container, divisor);
  }
  return undefined;
}

/** The downward API's pod fields. */
export function podField(path: string, pod: Pod, facts: EnvFacts): string {
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed) return (keyed[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[keyed[2] ?? ''] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? 'default';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec.nodeName ?? facts.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return facts.podIP ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return facts.hostIP ?? '';
    default:
      throw new FlotillaError('Invalid', `unsupported fieldRef fieldPath: ${JSON.stringify(path)}`);
  }
}

function resourceField(resource: string, container: Container, divisor: Quantity | undefined): string {
  const [kind, name] = resource.split('.');
  const set = kind === 'requests' ? container.resources?.requests : container.resources?.limits;
  const given = name !== undefined ? set?.[name] ?? container.resources?.limits?.[name] : undefined;
  // Without a limit the downward API reports the node's capacity.
  if (given !== undefined) return String(divideUp(given, divisor));
  if (name === 'cpu') return String(divideUp(os.cpus().length, divisor));
  if (name === 'memory') return String(divideUp(os.totalmem(), divisor));
  throw new FlotillaError('Invalid', `unsupported resourceFieldRef resource: ${JSON.stringify(resource)}`);
}

/** Kubernetes' $(VAR) expansion: known names are replaced, $$ escapes, anything else stays as written. */
export function expand(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return name !== undefined && Object.prototype.hasOwnProperty.call(env, name) ? env[name] ?? '' : match;
  });
}
