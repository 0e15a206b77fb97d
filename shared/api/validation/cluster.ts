// Validation of the small kinds: Namespace (finalizers), Node (taints, pod CIDRs, capacity),
// Event (namespace agreement only, as for core/v1 in Kubernetes), ServiceAccount (secret references) and Lease (durations).

import type { FieldError } from '../../errors';
import { quantityError, tryParseQuantity } from '../quantity';
import type { KubeObject } from '../types';
import { duplicate, invalid, invalidEach, isObject, list, nonNegative, positive, required, str, type Json } from './field';
import { validateFinalizerName } from './meta';
import { isDns1123Subdomain, isIP, isQualifiedName, isValidLabelValue } from './names';
import { validateTaintEffect } from './scheduling';

export function validateNamespace(o: KubeObject): FieldError[] {
  const spec = isObject(o.spec) ? o.spec : {};
  return list(spec.finalizers).flatMap((f, i) => validateFinalizerName(f, `spec.finalizers[${i}]`));
}

function validateTaints(taints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(taints).forEach((raw, i) => {
    const t = isObject(raw) ? raw : {};
    const at = `${path}[${i}]`;
    errs.push(...invalidEach(`${at}.key`, t.key ?? '', isQualifiedName(str(t.key))));
    const valueErrs = isValidLabelValue(str(t.value));
    if (valueErrs.length) errs.push(invalid(`${at}.value`, t.value, valueErrs.join(';')));
    errs.push(...validateTaintEffect(t.effect, `${at}.effect`, { allowEmpty: false }));
    const pair = `${str(t.key)}:${str(t.effect)}`;
    if (seen.has(pair)) errs.push(duplicate(at, t, 'taints must be unique by key and effect pair'));
    seen.add(pair);
  });
  return errs;
}

function isCIDR(value: string): boolean {
  const [ip, bits, extra] = value.split('/');
  if (extra !== undefined || ip === undefined || bits === undefined || !/^\d{1,3}$/.test(bits) || !isIP(ip)) return false;
  return Number(bits) <= (ip.includes(':') ? 128 : 32);
}

function validateQuantities(list: unknown, path: string): FieldError[] {
  if (!isObject(list)) return [];
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(list)) {
    const bad = quantityError(value, `${path}.${name}`);
    if (bad) errs.push(bad);
    else if ((tryParseQuantity(value)?.nanos ?? 0n) < 0n) errs.push(invalid(`${path}.${name}`, value, 'must be greater than or equal to 0'));
  }
  return errs;
}

export function validateNode(o: KubeObject): FieldError[] {
  const spec: Json = isObject(o.spec) ? o.spec : {};
  const status: Json = isObject(o.status) ? o.status : {};
  const errs = validateTaints(spec.taints, 'spec.taints');
  const cidrs = [...(str(spec.podCIDR) ? [spec.podCIDR] : []), ...list(spec.podCIDRs)];
  cidrs.forEach((c, i) => {
    if (!isCIDR(str(c))) errs.push(invalid(`spec.podCIDRs[${i}]`, c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  errs.push(...validateQuantities(status.capacity, 'status.capacity'), ...validateQuantities(status.allocatable, 'status.allocatable'));
  return errs;
}

export function validateEvent(o: KubeObject): FieldError[] {
  const ev = o as Json;
  const involved = isObject(ev.involvedObject) ? ev.involvedObject : {};
  const ns = o.metadata.namespace ?? '';
  const involvedNs = str(involved.namespace);
  const errs: FieldError[] = [];
  if (ev.eventTime === undefined || ev.eventTime === null) {
    if (involvedNs ? involvedNs !== ns : ns !== '' && ns !== 'default') {
      errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    }
  }
  // core/v1 Events get only this legacy check in Kubernetes (type, reason … are free-form).
  return errs;
}

export function validateServiceAccount(o: KubeObject): FieldError[] {
  const sa = o as Json;
  const errs: FieldError[] = [];
  for (const field of ['secrets', 'imagePullSecrets']) {
    list(sa[field]).forEach((raw, i) => {
      const name = str(isObject(raw) ? raw.name : undefined);
      if (!name) errs.push(required(`${field}[${i}].name`));
      else errs.push(...invalidEach(`${field}[${i}].name`, name, isDns1123Subdomain(name)));
    });
  }
  return errs;
}

export function validateLease(o: KubeObject): FieldError[] {
  const spec: Json = isObject(o.spec) ? o.spec : {};
  return [...positive('spec.leaseDurationSeconds', spec.leaseDurationSeconds), ...nonNegative('spec.leaseTransitions', spec.leaseTransitions)];
}
