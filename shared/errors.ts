// The catalog of coded errors every layer throws. One mapper in server/api turns them into
// Kubernetes `Status` replies; the agent logs them. Messages name the bad value.

import type { StatusCause } from './api/types';

export type ErrorCode =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

/** HTTP status for each code, as the Kubernetes API server uses them. */
export const httpStatusOf: Record<ErrorCode, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
};

export interface FlotillaErrorDetails {
  /** Kind of the object concerned, e.g. "Pod". */
  kind?: string;
  /** API group of the object concerned ("" for core). */
  group?: string;
  name?: string;
  /** Field-level causes; for Invalid, one per bad field. */
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class FlotillaError extends Error {
  readonly code: ErrorCode;
  readonly details: FlotillaErrorDetails;

  constructor(code: ErrorCode, message: string, options: { details?: FlotillaErrorDetails; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FlotillaError';
    this.code = code;
    this.details = options.details ?? {};
  }

  get httpStatus(): number {
    return httpStatusOf[this.code];
  }
}

export function isFlotillaError(err: unknown, code?: ErrorCode): err is FlotillaError {
  return err instanceof FlotillaError && (code === undefined || err.code === code);
}

/** One bad field: `field` is a JSON-path-like location ("spec.replicas"), `value` the offending value. */
export interface FieldError {
  type: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueDuplicate' | 'FieldValueForbidden' | 'FieldValueTooLong' | 'FieldValueNotFound';
  field: string;
  message: string;
}

export function fieldError(type: FieldError['type'], field: string, message: string): FieldError {
  return { type, field, message };
}

/** Builds the 422 Invalid error Kubernetes returns: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -3: must be ≥ 0`. */
export function invalidError(kind: string, group: string, name: string, errors: FieldError[]): FlotillaError {
  const qualified = group ? `${kind}.${group}` : kind;
  const list = errors.map((e) => `${e.field}: ${e.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new FlotillaError('Invalid', `${qualified} "${name}" is invalid: ${summary}`, {
    details: { kind, group, name, causes: errors.map((e) => ({ reason: e.type, message: e.message, field: e.field })) },
  });
}

export function notFound(resource: string, name: string, group = ''): FlotillaError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new FlotillaError('NotFound', `${qualified} "${name}" not found`, { details: { kind: resource, group, name } });
}

export function alreadyExists(resource: string, name: string, group = ''): FlotillaError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new FlotillaError('AlreadyExists', `${qualified} "${name}" already exists`, { details: { kind: resource, group, name } });
}

export function conflict(resource: string, name: string, reason: string, group = ''): FlotillaError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new FlotillaError('Conflict', `Operation cannot be fulfilled on ${qualified} "${name}": ${reason}`, {
    details: { kind: resource, group, name },
  });
}

export function badRequest(message: string, cause?: unknown): FlotillaError {
  return new FlotillaError('BadRequest', message, { cause });
}
