// Pod spec validation (Kubernetes' ValidatePodSpec) for Pods and for the pod templates of
// workloads: containers and init containers (unique names, host ports), volumes, restart and DNS
// policies, numbers, names, security context and scheduling constraints.

import type { FieldError } from '../../errors';
import { validateLabels } from './labels';
import { validateContainer, validateSeccomp } from './container';
import { duplicate, inRange, invalid, invalidEach, isObject, list, nonNegative, oneOf, requiredOneOf, required, str, type Json } from './field';
import { IP_MESSAGE, isDns1123Label, isDns1123Subdomain, isIP } from './names';
import { validateAffinity, validateTolerations, validateTopologySpread } from './scheduling';
import { validateVolumes } from './volumes';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

function validateContainers(spec: Json, path: string, volumes: ReadonlySet<string>): FieldError[] {
  const errs: FieldError[] = [];
  const hostNetwork = spec.hostNetwork === true;
  const names = new Set<string>();
  const hostPorts = new Set<string>();
  const groups: [string, boolean][] = [['initContainers', true], ['containers', false]];
  for (const [field, init] of groups) {
    list(spec[field]).forEach((raw, i) => {
      const at = `${path}.${field}[${i}]`;
      if (!isObject(raw)) {
        errs.push(invalid(at, raw, 'must be an object'));
        return;
      }
      errs.push(...validateContainer(raw, { path: at, volumes, hostNetwork, init }));
      const name = str(raw.name);
      if (name && names.has(name)) errs.push(duplicate(`${at}.name`, name));
      names.add(name);
      list(raw.ports).forEach((p, j) => {
        const port = isObject(p) ? p : {};
        if (typeof port.hostPort !== 'number' || port.hostPort === 0) return;
        const key = `${str(port.protocol) || 'TCP'}/${str(port.hostIP)}/${port.hostPort}`;
        if (hostPorts.has(key)) errs.push(duplicate(`${at}.ports[${j}].hostPort`, key));
        hostPorts.add(key);
      });
    });
  }
  return errs;
}

function validatePodSecurityContext(sc: unknown, path: string): FieldError[] {
  if (!isObject(sc)) return [];
  const errs: FieldError[] = [];
  for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) errs.push(...inRange(`${path}.${f}`, sc[f], { min: 0, max: 2147483647 }));
  list(sc.supplementalGroups).forEach((g, i) => errs.push(...inRange(`${path}.supplementalGroups[${i}]`, g, { min: 0, max: 2147483647 })));
  errs.push(...oneOf(`${path}.fsGroupChangePolicy`, sc.fsGroupChangePolicy, ['OnRootMismatch', 'Always']));
  errs.push(...validateSeccomp(sc.seccompProfile, `${path}.seccompProfile`));
  list(sc.sysctls).forEach((raw, i) => {
    const name = str(isObject(raw) ? raw.name : undefined);
    if (!name) errs.push(required(`${path}.sysctls[${i}].name`));
    else if (!/^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(name)) {
      errs.push(invalid(`${path}.sysctls[${i}].name`, name, "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"));
    }
  });
  return errs;
}

function validateDns(spec: Json, path: string): FieldError[] {
  const errs = requiredOneOf(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES);
  const config = spec.dnsConfig;
  if (spec.dnsPolicy === 'None' && !isObject(config)) errs.push(required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  if (!isObject(config)) return errs;
  const servers = list(config.nameservers);
  if (servers.length > 3) errs.push(invalid(`${path}.dnsConfig.nameservers`, servers, 'must not have more than 3 nameservers'));
  servers.forEach((s, i) => {
    if (!isIP(str(s))) errs.push(invalid(`${path}.dnsConfig.nameservers[${i}]`, s, IP_MESSAGE));
  });
  if (spec.dnsPolicy === 'None' && servers.length === 0) errs.push(required(`${path}.dnsConfig.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None'));
  const searches = list(config.searches);
  if (searches.length > 32) errs.push(invalid(`${path}.dnsConfig.searches`, searches, 'must not have more than 32 search paths'));
  searches.forEach((s, i) => errs.push(...invalidEach(`${path}.dnsConfig.searches[${i}]`, s, isDns1123Subdomain(str(s).replace(/\.$/, '')))));
  return errs;
}

/**
 * Validates a pod spec at `path` ("spec" for a Pod, "spec.template.spec" for a workload).
 * [] = valid. Expects a defaulted spec (restartPolicy, dnsPolicy, imagePullPolicy … set). Pure;
 * called by validateObject for Pods and templates, and by the agent for Pod manifests.
 */
export function validatePodSpec(spec: unknown, path = 'spec'): FieldError[] {
  if (!isObject(spec)) return [required(path)];
  const errs: FieldError[] = [];
  if (list(spec.containers).length === 0) errs.push(required(`${path}.containers`));
  const volumes = validateVolumes(spec.volumes, `${path}.volumes`);
  errs.push(...volumes.errors);
  errs.push(...validateContainers(spec, path, volumes.names));
  errs.push(...requiredOneOf(`${path}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES));
  errs.push(...validateDns(spec, path));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  for (const f of ['nodeName', 'serviceAccountName', 'priorityClassName']) {
    if (str(spec[f])) errs.push(...invalidEach(`${path}.${f}`, spec[f], isDns1123Subdomain(str(spec[f]))));
  }
  for (const f of ['hostname', 'subdomain']) if (str(spec[f])) errs.push(...invalidEach(`${path}.${f}`, spec[f], isDns1123Label(str(spec[f]))));
  errs.push(...nonNegative(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds));
  errs.push(...inRange(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, { min: 1, max: 2147483647 }));
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(invalid(`${path}.shareProcessNamespace`, true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  errs.push(...validatePodSecurityContext(spec.securityContext, `${path}.securityContext`));
  errs.push(...validateTolerations(spec.tolerations, `${path}.tolerations`));
  errs.push(...validateAffinity(spec.affinity, `${path}.affinity`));
  errs.push(...validateTopologySpread(spec.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  list(spec.imagePullSecrets).forEach((s, i) => {
    if (!str(isObject(s) ? s.name : undefined)) errs.push(required(`${path}.imagePullSecrets[${i}].name`));
  });
  list(spec.hostAliases).forEach((raw, i) => {
    const a = isObject(raw) ? raw : {};
    if (!isIP(str(a.ip))) errs.push(invalid(`${path}.hostAliases[${i}].ip`, a.ip ?? '', IP_MESSAGE));
    list(a.hostnames).forEach((h, j) => errs.push(...invalidEach(`${path}.hostAliases[${i}].hostnames[${j}]`, h, isDns1123Subdomain(str(h)))));
  });
  if (isObject(spec.os)) errs.push(...requiredOneOf(`${path}.os.name`, spec.os.name, ['linux', 'windows']));
  return errs;
}
