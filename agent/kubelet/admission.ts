// Admission of a desired pod before it may run: a pod the kubelet cannot run as written is refused, with
// a message naming the bad field (Kubernetes' validation messages), reported in its status (phase Failed,
// reason Invalid) and in the log. Static manifests are also checked strictly for unknown fields.

import type { Pod } from '../../shared/api/core';
import type { FieldError } from '../../shared/errors';
import type { SourceName } from './api';

/** undefined = admitted; otherwise why not. */
export type Admit = (pod: Pod, source: SourceName) => string | undefined;

type Validation = typeof import('../../shared/api/validation');
type Schema = typeof import('../../shared/api/schema');
type Defaults = typeof import('../../shared/api/defaults');
let loaded: { validation: Validation; schema: Schema; defaults: Defaults } | undefined;

/** Loaded on the first pod: a device that runs no pods never pays for the validation tables. */
function rules(): { validation: Validation; schema: Schema; defaults: Defaults } {
  loaded ??= {
    validation: require('../../shared/api/validation') as Validation,
    schema: require('../../shared/api/schema') as Schema,
    defaults: require('../../shared/api/defaults') as Defaults,
  };
  return loaded;
}

/** Validates a defaulted copy (the server's pods come defaulted, a manifest may leave defaults out); the pod itself is left as it is. */
export const admitPod: Admit = (pod, source) => {
  const { validation, schema, defaults } = rules();
  const messages: string[] = [];
  if (source === 'static') for (const field of schema.unknownFields(pod)) messages.push(`strict decoding error: unknown field "${field}"`);
  const copy = JSON.parse(JSON.stringify(pod)) as Pod;
  defaults.applyDefaults(copy);
  const errors: FieldError[] = validation.validateObject(copy);
  for (const e of errors) messages.push(`${e.field}: ${e.message}`);
  const uid: unknown = pod.metadata.uid;
  if (!uid) messages.push('metadata.uid: Required value');
  else if (!isPlainUid(uid)) messages.push(`metadata.uid: Invalid value: ${JSON.stringify(uid)}: must be letters, digits, '-', '_' or '.', not starting with '.' (it names the pod's directory)`);
  if (messages.length === 0) return undefined;
  const name = typeof pod.metadata?.name === 'string' ? pod.metadata.name : '';
  return `Pod "${name}" is invalid: ${messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`}`;
};

/** A uid that is safe as one path segment under the data dir (Kubernetes' are UUIDs, static pods' hex). */
export function isPlainUid(uid: unknown): uid is string {
  return typeof uid === 'string' && /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/.test(uid);
}
