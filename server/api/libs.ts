// The one seam between the API and the pure libraries in shared/ (patches, selectors,
// validation and defaults). Everything the handlers need from them goes through here.

import type { KubeObject } from '../../shared/api/types';
import { fieldError, type FieldError } from '../../shared/errors';

/** Fills defaults the way the kind's API defaulting does (idempotent). */
export function applyDefaults(_obj: KubeObject): void {}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kind-independent validation plus the kind's own rules; [] = valid. */
export function validateObject(obj: KubeObject, _options: { isUpdate: boolean; old?: KubeObject }): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata.name;
  if (!name) errs.push(fieldError('FieldValueRequired', 'metadata.name', 'name or generateName is required'));
  else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    errs.push(fieldError('FieldValueInvalid', 'metadata.name', `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`));
  }
  return errs;
}
