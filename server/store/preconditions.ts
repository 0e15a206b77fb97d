// The store's precondition checks and the errors of a store that cannot serve.

import type { KubeObject, ObjectMeta, ObjectRef } from '../../shared/api/types';
import { FlotillaError, conflict } from '../../shared/errors';
import type { Preconditions } from './types';

const MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

/** Explicit preconditions (delete, guaranteedUpdate): Conflict naming both values, as Kubernetes does. */
export function checkPreconditions(ref: ObjectRef, current: KubeObject, pre: Preconditions | undefined): void {
  if (!pre) return;
  const meta = current.metadata;
  if (pre.uid !== undefined && pre.uid !== meta.uid) {
    throw conflict(ref.resource, ref.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid ?? ''}`);
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== meta.resourceVersion) {
    throw conflict(ref.resource, ref.name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion ?? ''}`);
  }
}

/** Update's implicit preconditions: the new object's resourceVersion and uid, when set. */
export function checkUpdateVersion(ref: ObjectRef, current: KubeObject, next: ObjectMeta): void {
  if (next.uid && next.uid !== current.metadata.uid) {
    throw conflict(ref.resource, ref.name, `Precondition failed: UID in precondition: ${next.uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
  }
  if (next.resourceVersion && next.resourceVersion !== current.metadata.resourceVersion) throw conflict(ref.resource, ref.name, MODIFIED);
}

export function storeClosed(dir: string, state: string): FlotillaError {
  return new FlotillaError('ServiceUnavailable', `store ${dir} is not open: it is ${state}`);
}

export function storeFailed(cause: unknown): FlotillaError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new FlotillaError('InternalError', `store failed to persist a write and must be restarted: ${why}`, { cause });
}
