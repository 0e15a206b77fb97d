// The one mapper from thrown errors to Kubernetes `Status` replies (and watch ERROR events).
// FlotillaError codes map to their HTTP status and Status reason; anything else is a 500.

import type { Status } from '../../shared/api/types';
import { FlotillaError, type ErrorCode } from '../../shared/errors';

/** Status.reason per code, as kube-apiserver spells them (410 from a too-old resourceVersion is "Expired"). */
const REASONS: Record<ErrorCode, string> = {
  BadRequest: 'BadRequest',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Gone: 'Expired',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  UnsupportedMediaType: 'UnsupportedMediaType',
  Invalid: 'Invalid',
  TooManyRequests: 'TooManyRequests',
  InternalError: 'InternalError',
  ServiceUnavailable: 'ServiceUnavailable',
  Timeout: 'Timeout',
};

/** Builds the Status body for an error. `internal` is set when the error was not a FlotillaError. */
export function statusFromError(err: unknown): { status: Status; internal: boolean } {
  if (err instanceof FlotillaError) {
    const d = err.details;
    const details: NonNullable<Status['details']> = {};
    if (d.name !== undefined) details.name = d.name;
    if (d.group !== undefined) details.group = d.group;
    if (d.kind !== undefined) details.kind = d.kind;
    if (d.causes !== undefined) details.causes = d.causes;
    if (d.retryAfterSeconds !== undefined) details.retryAfterSeconds = d.retryAfterSeconds;
    return {
      status: {
        apiVersion: 'v1',
        kind: 'Status',
        metadata: {},
        status: 'Failure',
        message: err.message,
        reason: REASONS[err.code],
        ...(Object.keys(details).length ? { details } : {}),
        code: err.httpStatus,
      },
      internal: false,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    status: { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError', code: 500 },
    internal: true,
  };
}

/** The Status a successful delete of a fully removed object or a collection answers with. */
export function successStatus(details: Status['details']): Status {
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', ...(details ? { details } : {}), code: 200 };
}

/** `<resource>.<group> "name" is forbidden: User "u" cannot <verb> resource "<resource>" in API group "<group>" …` */
export function forbiddenMessage(opts: { user: string; verb: string; resource: string; subresource?: string; group: string; namespace?: string; name?: string }): string {
  const qualified = opts.group ? `${opts.resource}.${opts.group}` : opts.resource;
  const subject = opts.name ? `${qualified} "${opts.name}"` : qualified;
  const res = opts.subresource ? `${opts.resource}/${opts.subresource}` : opts.resource;
  const scope = opts.namespace ? ` in the namespace "${opts.namespace}"` : ' at the cluster scope';
  return `${subject} is forbidden: User "${opts.user}" cannot ${opts.verb} resource "${res}" in API group "${opts.group}"${scope}`;
}
