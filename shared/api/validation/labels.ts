// Label map and LabelSelector object validation (Kubernetes' ValidateLabels and
// ValidateLabelSelector): keys, values, operators and the values each operator needs. Exported to
// callers through shared/api/selectors.ts.

import type { FieldError } from '../../errors';
import { forbidden, invalid, invalidEach, isObject, list, required, str } from './field';
import { isQualifiedName, isValidLabelValue } from './names';

/** Label map validation (metadata.labels, spec.selector, nodeSelector): keys and values. */
export function validateLabels(labels: unknown, field: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (!isObject(labels)) return [invalid(field, labels, 'must be a map of strings')];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...invalidEach(field, k, isQualifiedName(k)));
    if (typeof v !== 'string') errs.push(invalid(field, v, 'label values must be strings'));
    else errs.push(...invalidEach(field, v, isValidLabelValue(v)));
  }
  return errs;
}

/** Kubernetes' ValidateLabelSelector: matchLabels, and each expression's key, operator and values. */
export function validateLabelSelector(selector: unknown, field: string): FieldError[] {
  if (selector === undefined || selector === null) return [];
  if (!isObject(selector)) return [invalid(field, selector, 'must be a label selector object')];
  const errs = validateLabels(selector.matchLabels, `${field}.matchLabels`);
  list(selector.matchExpressions).forEach((raw, i) => {
    const path = `${field}.matchExpressions[${i}]`;
    const e = isObject(raw) ? raw : {};
    const op = str(e.operator);
    const values = list(e.values);
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else if (op === '') {
      errs.push(required(`${path}.operator`));
    } else {
      errs.push(invalid(`${path}.operator`, e.operator, 'not a valid selector operator'));
    }
    const key = str(e.key);
    if (key === '') errs.push(required(`${path}.key`));
    else errs.push(...invalidEach(`${path}.key`, key, isQualifiedName(key)));
    values.forEach((v, j) => {
      if (typeof v !== 'string') errs.push(invalid(`${path}.values[${j}]`, v, 'must be a string'));
      else errs.push(...invalidEach(`${path}.values[${j}]`, v, isValidLabelValue(v)));
    });
  });
  return errs;
}
