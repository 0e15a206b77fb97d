// Pod validation: the spec on create, and on update Kubernetes' ValidatePodUpdate — only container
// and init container images, activeDeadlineSeconds (set or lowered), tolerations (additions only)
// and terminationGracePeriodSeconds (negative → 1) may change.

import type { FieldError } from '../../errors';
import type { KubeObject } from '../types';
import { deepEqual, forbidden, formatValue, inRange, invalid, isObject, list, obj, type Json } from './field';
import { validatePodSpec } from './pod-spec';

const UPDATABLE = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** The first few paths where two JSON values differ, as "path: old → new". */
function diff(a: unknown, b: unknown, path: string, out: string[]): void {
  if (out.length >= 5 || deepEqual(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diff(a[k], b[k], `${path}.${k}`, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => diff(x, b[i], `${path}[${i}]`, out));
    return;
  }
  out.push(`${path}: ${formatValue(a)} → ${formatValue(b)}`);
}

function validateActiveDeadline(next: Json, old: Json): FieldError[] {
  const path = 'spec.activeDeadlineSeconds';
  const now = next.activeDeadlineSeconds;
  const before = old.activeDeadlineSeconds;
  if (now === undefined || now === null) {
    return before === undefined || before === null ? [] : [invalid(path, null, 'must not update from a positive integer to nil value')];
  }
  const errs = inRange(path, now, { min: 0, max: 2147483647 });
  if (typeof before === 'number' && typeof now === 'number' && now > before) errs.push(invalid(path, now, 'must be less than or equal to previous value'));
  return errs;
}

function validatePodSpecUpdate(next: Json, old: Json): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['containers', 'initContainers']) {
    if (list(next[f]).length !== list(old[f]).length) return [forbidden(`spec.${f}`, 'pod updates may not add or remove containers')];
  }
  errs.push(...validateActiveDeadline(next, old));
  const oldTolerations = list(old.tolerations);
  oldTolerations.forEach((t, i) => {
    if (!list(next.tolerations).some((n) => deepEqual(n, t))) errs.push(forbidden(`spec.tolerations[${i}]`, 'existing toleration can not be modified except its tolerationSeconds'));
  });
  const munged: Json = structuredClone(next);
  for (const f of ['containers', 'initContainers']) {
    const olds = list(old[f]);
    if (Array.isArray(munged[f])) munged[f] = list(munged[f]).map((c, i) => (isObject(c) ? { ...c, image: obj(olds[i]).image } : c));
  }
  for (const f of ['activeDeadlineSeconds', 'tolerations', 'schedulingGates']) {
    if (old[f] === undefined) delete munged[f];
    else munged[f] = old[f];
  }
  const oldGrace = old.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (!deepEqual(munged, old)) {
    const changes: string[] = [];
    diff(old, munged, 'spec', changes);
    errs.push(forbidden('spec', `pod updates may not change fields other than ${UPDATABLE.join(',')}: changed ${changes.join('; ')}`));
  }
  return errs;
}

/** Pod-specific rules (metadata is checked by validateObject). */
export function validatePod(pod: KubeObject, old: KubeObject | undefined): FieldError[] {
  const errs = validatePodSpec(pod.spec, 'spec');
  if (old && isObject(pod.spec) && isObject(old.spec)) errs.push(...validatePodSpecUpdate(pod.spec, old.spec));
  return errs;
}
