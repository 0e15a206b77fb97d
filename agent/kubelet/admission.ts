// Admission of a desired pod before it may run: a pod the kubelet cannot run as written is refused, with
// a message naming the bad field, reported in its status (phase Failed, reason Invalid) and in the log.

import type { Pod } from '../../shared/api/core';
import type { SourceName } from './api';

/** undefined = admitted; otherwise why not. */
export type Admit = (pod: Pod, source: SourceName) => string | undefined;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The checks the kubelet cannot do without: names, containers, images, volume references.
 * Full API validation (shared/api/validation) is layered on top by the caller when it is available.
 */
export const basicAdmit: Admit = (pod) => {
  const errors: string[] = [];
  const name = pod.metadata.name ?? '';
  if (!DNS_SUBDOMAIN.test(name) || name.length > 253) errors.push(`metadata.name: Invalid value: ${JSON.stringify(name)}: must be a lowercase RFC 1123 subdomain`);
  const ns = pod.metadata.namespace ?? 'default';
  if (!DNS_LABEL.test(ns) || ns.length > 63) errors.push(`metadata.namespace: Invalid value: ${JSON.stringify(ns)}: must be a lowercase RFC 1123 label`);
  if (!pod.metadata.uid) errors.push('metadata.uid: Required value');
  const containers = Array.isArray(pod.spec?.containers) ? pod.spec.containers : [];
  if (containers.length === 0) errors.push('spec.containers: Required value');
  const seen = new Set<string>();
  const volumes = new Set((pod.spec?.volumes ?? []).map((v) => v.name));
  const all = [...(pod.spec?.initContainers ?? []).map((c, i) => ({ c, path: `spec.initContainers[${i}]` })), ...containers.map((c, i) => ({ c, path: `spec.containers[${i}]` }))];
  for (const { c, path } of all) {
    if (!c.name || !DNS_LABEL.test(c.name)) errors.push(`${path}.name: Invalid value: ${JSON.stringify(c.name)}: must be a lowercase RFC 1123 label`);
    else if (seen.has(c.name)) errors.push(`${path}.name: Duplicate value: ${JSON.stringify(c.name)}`);
    seen.add(c.name);
    if (!c.image || !c.image.trim()) errors.push(`${path}.image: Required value`);
    for (const [j, m] of (c.volumeMounts ?? []).entries()) if (!volumes.has(m.name)) errors.push(`${path}.volumeMounts[${j}].name: Not found: ${JSON.stringify(m.name)}`);
  }
  const policy = pod.spec?.restartPolicy;
  if (policy !== undefined && !['Always', 'OnFailure', 'Never'].includes(policy)) errors.push(`spec.restartPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Always", "OnFailure", "Never"`);
  if (errors.length === 0) return undefined;
  return `Pod "${name}" is invalid: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`;
};
