// ObjectMeta validation (Kubernetes' ValidateObjectMeta and ValidateObjectMetaUpdate): name and
// namespace syntax per kind, labels, annotations (keys and total size), finalizers, owner references,
// and what an update may not change.

import type { FieldError } from '../../errors';
import { validateLabels } from './labels';
import { forbidden, immutable, invalid, invalidEach, isObject, list, nonNegative, required, str, tooLong, type Json } from './field';
import { isDns1123Label, isQualifiedName } from './names';

/** Total size of all annotation keys and values (Kubernetes' TotalAnnotationSizeLimitB). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;
const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

export interface MetaRules {
  /** Name syntax check returning Kubernetes' messages ([] = valid). */
  name: (name: string) => string[];
  namespaced: boolean;
  /** Where the metadata sits; default "metadata". */
  path?: string;
}

export function validateAnnotations(annotations: unknown, field: string): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isObject(annotations)) return [invalid(field, annotations, 'must be a map of strings')];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    errs.push(...invalidEach(field, k, isQualifiedName(k.toLowerCase())));
    if (typeof v !== 'string') errs.push(invalid(field, v, 'annotation values must be strings'));
    size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : '');
  }
  if (size > MAX_ANNOTATIONS_BYTES) errs.push(tooLong(field, MAX_ANNOTATIONS_BYTES));
  return errs;
}

/** A finalizer is a standard name ("kubernetes", "orphan", "foregroundDeletion") or "domain/name". */
export function validateFinalizerName(name: unknown, field: string): FieldError[] {
  if (typeof name !== 'string') return [invalid(field, name, 'must be a string')];
  const errs = invalidEach(field, name, isQualifiedName(name));
  if (errs.length === 0 && !name.includes('/') && !STANDARD_FINALIZERS.includes(name)) {
    errs.push(invalid(field, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

function validateOwnerReferences(refs: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const controllers: string[] = [];
  list(refs).forEach((raw, i) => {
    const r = isObject(raw) ? raw : {};
    const path = `${field}[${i}]`;
    for (const [key, what] of [['apiVersion', 'version'], ['kind', 'kind'], ['name', 'name'], ['uid', 'uid']] as const) {
      if (!str(r[key])) errs.push(invalid(`${path}.${key}`, r[key] ?? '', `${what} must not be empty`));
    }
    if (r.controller === true) controllers.push(`${str(r.kind)}/${str(r.name)}`);
  });
  if (controllers.length > 1) {
    errs.push(invalid(field, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(' and ')}`));
  }
  return errs;
}

/** Validates an object's metadata: name by the kind's rule, namespace by its scope, labels, annotations, owners, finalizers. */
export function validateObjectMeta(meta: unknown, rules: MetaRules): FieldError[] {
  const field = rules.path ?? 'metadata';
  if (!isObject(meta)) return [required(field)];
  const errs: FieldError[] = [];
  const name = meta.name;
  if (name === undefined || name === '') errs.push(required(`${field}.name`, 'name or generateName is required'));
  else if (typeof name !== 'string') errs.push(invalid(`${field}.name`, name, 'must be a string'));
  else errs.push(...invalidEach(`${field}.name`, name, rules.name(name)));
  const ns = meta.namespace;
  if (rules.namespaced) {
    if (ns === undefined || ns === '') errs.push(required(`${field}.namespace`));
    else errs.push(...invalidEach(`${field}.namespace`, ns, isDns1123Label(str(ns))));
  } else if (ns !== undefined && ns !== '') {
    errs.push(forbidden(`${field}.namespace`, 'not allowed on this type'));
  }
  errs.push(...validateTemplateMeta(meta, field));
  errs.push(...nonNegative(`${field}.generation`, meta.generation));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${field}.ownerReferences`));
  const finalizers = list(meta.finalizers);
  finalizers.forEach((f) => errs.push(...validateFinalizerName(f, `${field}.finalizers`)));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(invalid(`${field}.finalizers`, finalizers, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errs;
}

/** Labels and annotations only: what a pod template's or job template's metadata is checked for. */
export function validateTemplateMeta(meta: unknown, field: string): FieldError[] {
  if (!isObject(meta)) return [];
  return [...validateLabels(meta.labels, `${field}.labels`), ...validateAnnotations(meta.annotations, `${field}.annotations`)];
}

/** What no update may change: name, namespace, uid, creationTimestamp. */
export function validateObjectMetaUpdate(meta: Json, old: Json): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['name', 'namespace', 'uid', 'creationTimestamp']) {
    if (old[key] !== undefined && old[key] !== '') errs.push(...immutable(`metadata.${key}`, meta[key], old[key]));
  }
  return errs;
}
