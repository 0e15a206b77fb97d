// Pod volume validation: unique DNS-label names, exactly one source, and the sources Flotilla runs
// (emptyDir, hostPath, configMap, secret, persistentVolumeClaim, downwardAPI) checked field by field.

import type { FieldError } from '../../errors';
import { VOLUME_SOURCE_FIELDS } from '../defaults-pod';
import { quantityError, tryParseQuantity } from '../quantity';
import { duplicate, forbidden, invalid, invalidEach, isObject, list, oneOf, required, str, validateLocalPath, type Json } from './field';
import { isConfigMapKey, isDns1123Label, isDns1123Subdomain } from './names';

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validateMode(mode: unknown, path: string): FieldError[] {
  if (mode === undefined || mode === null) return [];
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    return [invalid(path, mode, 'must be a number between 0 and 0777 (octal), both inclusive')];
  }
  return [];
}

function validateItems(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  list(items).forEach((raw, i) => {
    const item = isObject(raw) ? raw : {};
    const at = `${path}[${i}]`;
    if (!str(item.key)) errs.push(required(`${at}.key`));
    else errs.push(...invalidEach(`${at}.key`, item.key, isConfigMapKey(str(item.key))));
    if (!str(item.path)) errs.push(required(`${at}.path`));
    else errs.push(...validateLocalPath(str(item.path), `${at}.path`));
    errs.push(...validateMode(item.mode, `${at}.mode`));
  });
  return errs;
}

function validateObjectName(name: unknown, path: string): FieldError[] {
  if (!str(name)) return [required(path)];
  return invalidEach(path, name, isDns1123Subdomain(str(name)));
}

function validateSource(source: string, v: Json, path: string): FieldError[] {
  const s = v[source];
  if (!isObject(s)) return s === undefined ? [] : [invalid(path, s, 'must be an object')];
  switch (source) {
    case 'emptyDir': {
      const hugePages = typeof s.medium === 'string' && s.medium.startsWith('HugePages-');
      const errs = hugePages ? [] : oneOf(`${path}.medium`, s.medium, ['', 'HugePages', 'Memory']);
      if (s.sizeLimit !== undefined) {
        const bad = quantityError(s.sizeLimit, `${path}.sizeLimit`);
        if (bad) errs.push(bad);
        else if ((tryParseQuantity(s.sizeLimit)?.nanos ?? 0n) < 0n) errs.push(invalid(`${path}.sizeLimit`, s.sizeLimit, 'SizeLimit field must be a valid resource quantity'));
      }
      return errs;
    }
    case 'hostPath': {
      const p = str(s.path);
      const errs = p ? [] : [required(`${path}.path`)];
      if (p.split('/').includes('..')) errs.push(invalid(`${path}.path`, p, "must not contain '..'"));
      errs.push(...oneOf(`${path}.type`, s.type ?? '', HOST_PATH_TYPES));
      return errs;
    }
    case 'configMap':
      return [...validateObjectName(s.name, `${path}.name`), ...validateMode(s.defaultMode, `${path}.defaultMode`), ...validateItems(s.items, `${path}.items`)];
    case 'secret':
      return [...validateObjectName(s.secretName, `${path}.secretName`), ...validateMode(s.defaultMode, `${path}.defaultMode`), ...validateItems(s.items, `${path}.items`)];
    case 'persistentVolumeClaim':
      return str(s.claimName) ? [] : [required(`${path}.claimName`)];
    case 'downwardAPI': {
      const errs = validateMode(s.defaultMode, `${path}.defaultMode`);
      list(s.items).forEach((raw, i) => {
        const item = isObject(raw) ? raw : {};
        const at = `${path}.items[${i}]`;
        if (!str(item.path)) errs.push(required(`${at}.path`));
        else errs.push(...validateLocalPath(str(item.path), `${at}.path`));
        const refs = ['fieldRef', 'resourceFieldRef'].filter((r) => item[r] !== undefined);
        if (refs.length !== 1) errs.push(invalid(at, refs, 'must specify exactly one of: `fieldRef` or `resourceFieldRef`'));
        errs.push(...validateMode(item.mode, `${at}.mode`));
      });
      return errs;
    }
    default:
      return [];
  }
}

/** Validates `volumes` at `path` and returns the errors and the volume names (for volumeMounts). */
export function validateVolumes(volumes: unknown, path: string): { errors: FieldError[]; names: Set<string> } {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  list(volumes).forEach((raw, i) => {
    const v = isObject(raw) ? raw : {};
    const at = `${path}[${i}]`;
    const name = str(v.name);
    if (!name) errors.push(required(`${at}.name`));
    else {
      errors.push(...invalidEach(`${at}.name`, name, isDns1123Label(name)));
      if (names.has(name)) errors.push(duplicate(`${at}.name`, name));
      names.add(name);
    }
    const sources = VOLUME_SOURCE_FIELDS.filter((s) => v[s] !== undefined && v[s] !== null);
    if (sources.length === 0) errors.push(required(at, 'must specify a volume type'));
    for (const extra of sources.slice(1)) errors.push(forbidden(`${at}.${extra}`, 'may not specify more than 1 volume type'));
    if (sources[0]) errors.push(...validateSource(sources[0], v, `${at}.${sources[0]}`));
  });
  return { errors, names };
}
