// ConfigMap and Secret validation: keys, base64 data, the 1 MiB size limit, Secret types' required
// keys, and on update the `immutable` flag and the immutable Secret type.

import type { FieldError } from '../../errors';
import type { KubeObject } from '../types';
import { deepEqual, forbidden, immutable, invalid, invalidEach, isObject, required, tooLong, type Json } from './field';
import { isConfigMapKey } from './names';

/** Kubernetes' MaxSecretSize, which also bounds ConfigMaps. */
export const MAX_DATA_BYTES = 1024 * 1024;
const REDACTED = '<secret contents redacted>';

/**
 * Decoded length of standard base64 (with padding; CR/LF ignored as Go's decoder does), or the
 * offset of the first illegal byte as Go reports it.
 */
export function base64Length(value: string): { bytes: number } | { illegalAt: number } {
  const s = value.replace(/[\r\n]/g, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (/[A-Za-z0-9+/]/.test(ch)) continue;
    if (ch === '=' && i >= s.length - 2 && s.length % 4 === 0 && /^=*$/.test(s.slice(i))) break;
    return { illegalAt: i };
  }
  if (s.length % 4 !== 0) return { illegalAt: s.length - (s.length % 4) };
  const padding = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return { bytes: (s.length / 4) * 3 - padding };
}

function validateKeys(map: unknown, field: string): FieldError[] {
  if (!isObject(map)) return map === undefined || map === null ? [] : [invalid(field, map, 'must be a map of strings')];
  const errs: FieldError[] = [];
  for (const key of Object.keys(map)) errs.push(...invalidEach(`${field}[${key}]`, key, isConfigMapKey(key)));
  return errs;
}

/** Sums decoded sizes of a base64 map, reporting values that are not base64 (never echoing them). */
function base64Sizes(map: unknown, field: string, redact: boolean): { errors: FieldError[]; bytes: number } {
  const errors: FieldError[] = [];
  let bytes = 0;
  for (const [key, value] of Object.entries(isObject(map) ? map : {})) {
    if (typeof value !== 'string') {
      errors.push(invalid(`${field}[${key}]`, redact ? REDACTED : value, 'must be a base64-encoded string'));
      continue;
    }
    const r = base64Length(value);
    if ('illegalAt' in r) errors.push(invalid(`${field}[${key}]`, redact ? REDACTED : value, `illegal base64 data at input byte ${r.illegalAt}`));
    else bytes += r.bytes;
  }
  return { errors, bytes };
}

function immutableData(o: Json, old: Json, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (o.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) if (!deepEqual(o[f] ?? {}, old[f] ?? {})) errs.push(forbidden(f, 'field is immutable when `immutable` is set'));
  return errs;
}

export function validateConfigMap(o: KubeObject, old: KubeObject | undefined): FieldError[] {
  const cm = o as Json;
  const errs = [...validateKeys(cm.data, 'data'), ...validateKeys(cm.binaryData, 'binaryData')];
  const data = isObject(cm.data) ? cm.data : {};
  const binary = isObject(cm.binaryData) ? cm.binaryData : {};
  for (const key of Object.keys(data)) if (key in binary) errs.push(invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
  let size = 0;
  for (const v of Object.values(data)) {
    if (typeof v === 'string') size += Buffer.byteLength(v);
    else errs.push(invalid('data', v, 'values must be strings'));
  }
  const decoded = base64Sizes(binary, 'binaryData', false);
  errs.push(...decoded.errors);
  if (size + decoded.bytes > MAX_DATA_BYTES) errs.push(tooLong('data', MAX_DATA_BYTES));
  if (old) errs.push(...immutableData(cm, old as Json, ['data', 'binaryData']));
  return errs;
}

const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

export function validateSecret(o: KubeObject, old: KubeObject | undefined): FieldError[] {
  const secret = o as Json;
  const errs = validateKeys(secret.data, 'data');
  const decoded = base64Sizes(secret.data, 'data', true);
  errs.push(...decoded.errors);
  if (decoded.bytes > MAX_DATA_BYTES) errs.push(tooLong('data', MAX_DATA_BYTES));
  const data = isObject(secret.data) ? secret.data : {};
  const type = typeof secret.type === 'string' ? secret.type : '';
  for (const key of REQUIRED_KEYS[type] ?? []) if (data[key] === undefined) errs.push(required(`data[${key}]`));
  if (type === 'kubernetes.io/basic-auth' && data.username === undefined && data.password === undefined) {
    errs.push(required('data[username]'), required('data[password]'));
  }
  if (type === 'kubernetes.io/service-account-token' && !o.metadata.annotations?.['kubernetes.io/service-account.name']) {
    errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
  }
  if (old) {
    errs.push(...immutable('type', secret.type, (old as Json).type));
    errs.push(...immutableData(secret, old as Json, ['data']));
  }
  return errs;
}
