// Scheduling constraints of a pod spec: tolerations, node/pod (anti-)affinity and topology spread
// constraints, with Kubernetes' operators, effects and messages. Taint effects are shared with Node.

import type { FieldError } from '../../errors';
import { validateLabelSelector } from './labels';
import { duplicate, forbidden, invalid, invalidEach, isObject, list, notSupported, oneOf, requiredOneOf, required, str, type Json } from './field';
import { isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue } from './names';

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** A taint or toleration effect; "" is allowed for tolerations (it matches every effect). */
export function validateTaintEffect(effect: unknown, path: string, options: { allowEmpty: boolean }): FieldError[] {
  if (effect === undefined || effect === '') return options.allowEmpty ? [] : [required(path)];
  return typeof effect === 'string' && TAINT_EFFECTS.includes(effect) ? [] : [notSupported(path, effect, TAINT_EFFECTS)];
}

export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  list(tolerations).forEach((raw, i) => {
    const t = isObject(raw) ? raw : {};
    const at = `${path}[${i}]`;
    const key = str(t.key);
    if (key) errs.push(...invalidEach(`${at}.key`, key, isQualifiedName(key)));
    const op = t.operator ?? '';
    if (!key && op !== 'Exists') errs.push(invalid(`${at}.operator`, op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(invalid(`${at}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(str(t.value));
      if (msgs.length) errs.push(invalid(`${at}.operator`, t.value, msgs.join(';')));
    } else if (op === 'Exists') {
      if (str(t.value)) errs.push(invalid(`${at}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    } else errs.push(notSupported(`${at}.operator`, op, ['Equal', 'Exists']));
    errs.push(...validateTaintEffect(t.effect, `${at}.effect`, { allowEmpty: true }));
  });
  return errs;
}

function validateNodeSelectorRequirement(r: Json, path: string, fields: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const values = list(r.values);
  const op = r.operator;
  if (fields) {
    if (op === 'In' || op === 'NotIn') {
      if (values.length !== 1) errs.push(required(`${path}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    } else errs.push(invalid(`${path}.operator`, op ?? '', 'not a valid selector operator'));
    if (r.key !== 'metadata.name') errs.push(invalid(`${path}.key`, r.key ?? '', 'not a valid field selector key'));
    else values.forEach((v, j) => errs.push(...invalidEach(`${path}.values[${j}]`, v, isDns1123Subdomain(str(v)))));
    return errs;
  }
  if (op === 'In' || op === 'NotIn') {
    if (values.length === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (op === 'Exists' || op === 'DoesNotExist') {
    if (values.length > 0) errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else if (op === 'Gt' || op === 'Lt') {
    if (values.length !== 1) errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
  } else errs.push(invalid(`${path}.operator`, op ?? '', 'not a valid selector operator'));
  errs.push(...invalidEach(`${path}.key`, r.key ?? '', isQualifiedName(str(r.key))));
  return errs;
}

export function validateNodeSelectorTerm(term: unknown, path: string): FieldError[] {
  const t = isObject(term) ? term : {};
  const errs: FieldError[] = [];
  list(t.matchExpressions).forEach((r, i) => errs.push(...validateNodeSelectorRequirement(isObject(r) ? r : {}, `${path}.matchExpressions[${i}]`, false)));
  list(t.matchFields).forEach((r, i) => errs.push(...validateNodeSelectorRequirement(isObject(r) ? r : {}, `${path}.matchFields[${i}]`, true)));
  return errs;
}

function validateWeight(weight: unknown, path: string): FieldError[] {
  return typeof weight === 'number' && Number.isInteger(weight) && weight >= 1 && weight <= 100 ? [] : [invalid(path, weight ?? 0, 'must be in the range 1-100')];
}

function validatePodAffinityTerm(term: unknown, path: string): FieldError[] {
  const t = isObject(term) ? term : {};
  const errs = [...validateLabelSelector(t.labelSelector, `${path}.labelSelector`), ...validateLabelSelector(t.namespaceSelector, `${path}.namespaceSelector`)];
  list(t.namespaces).forEach((ns, i) => errs.push(...invalidEach(`${path}.namespaces[${i}]`, ns, isDns1123Label(str(ns)))));
  const key = str(t.topologyKey);
  if (!key) errs.push(required(`${path}.topologyKey`, 'can not be empty'));
  else errs.push(...invalidEach(`${path}.topologyKey`, key, isQualifiedName(key)));
  return errs;
}

const REQUIRED = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREFERRED = 'preferredDuringSchedulingIgnoredDuringExecution';

export function validateAffinity(affinity: unknown, path: string): FieldError[] {
  if (!isObject(affinity)) return [];
  const errs: FieldError[] = [];
  const node = affinity.nodeAffinity;
  if (isObject(node)) {
    if (isObject(node[REQUIRED])) {
      const terms = list(node[REQUIRED].nodeSelectorTerms);
      if (terms.length === 0) errs.push(required(`${path}.nodeAffinity.${REQUIRED}.nodeSelectorTerms`, 'must have at least one node selector term'));
      terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, `${path}.nodeAffinity.${REQUIRED}.nodeSelectorTerms[${i}]`)));
    }
    list(node[PREFERRED]).forEach((raw, i) => {
      const p = isObject(raw) ? raw : {};
      errs.push(...validateWeight(p.weight, `${path}.nodeAffinity.${PREFERRED}[${i}].weight`));
      errs.push(...validateNodeSelectorTerm(p.preference, `${path}.nodeAffinity.${PREFERRED}[${i}].preference`));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = affinity[kind];
    if (!isObject(a)) continue;
    list(a[REQUIRED]).forEach((t, i) => errs.push(...validatePodAffinityTerm(t, `${path}.${kind}.${REQUIRED}[${i}]`)));
    list(a[PREFERRED]).forEach((raw, i) => {
      const w = isObject(raw) ? raw : {};
      errs.push(...validateWeight(w.weight, `${path}.${kind}.${PREFERRED}[${i}].weight`));
      errs.push(...validatePodAffinityTerm(w.podAffinityTerm, `${path}.${kind}.${PREFERRED}[${i}].podAffinityTerm`));
    });
  }
  return errs;
}

export function validateTopologySpread(constraints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(constraints).forEach((raw, i) => {
    const c = isObject(raw) ? raw : {};
    const at = `${path}[${i}]`;
    if (typeof c.maxSkew !== 'number' || c.maxSkew <= 0) errs.push(invalid(`${at}.maxSkew`, c.maxSkew ?? 0, 'must be greater than zero'));
    if (!str(c.topologyKey)) errs.push(required(`${at}.topologyKey`, 'can not be empty'));
    errs.push(...requiredOneOf(`${at}.whenUnsatisfiable`, c.whenUnsatisfiable, ['DoNotSchedule', 'ScheduleAnyway']));
    const pair = `{${str(c.topologyKey)}, ${str(c.whenUnsatisfiable)}}`;
    if (seen.has(pair)) errs.push(duplicate(`${at}.{topologyKey, whenUnsatisfiable}`, pair));
    seen.add(pair);
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (typeof c.minDomains !== 'number' || c.minDomains <= 0) errs.push(invalid(`${at}.minDomains`, c.minDomains, 'must be greater than zero'));
      if (c.whenUnsatisfiable !== 'DoNotSchedule') errs.push(invalid(`${at}.minDomains`, c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${str(c.whenUnsatisfiable)}`));
    }
    for (const policy of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) errs.push(...oneOf(`${at}.${policy}`, c[policy], ['Honor', 'Ignore']));
    errs.push(...validateLabelSelector(c.labelSelector, `${at}.labelSelector`));
  });
  return errs;
}
