// The labels the kubelet adds to what it creates in the runtime, beyond the runtime's own pod/container labels,
// and the container spec hash that tells a changed container spec from an adopted unchanged one.

import { createHash } from 'node:crypto';
import type { Container } from '../../shared/api/core';

/** Hash of the container spec the container was created from; a different hash means "recreate it". */
export const LABEL_CONTAINER_HASH = 'io.flotilla.container.hash';
/** "true" on init containers. */
export const LABEL_CONTAINER_INIT = 'io.flotilla.container.init';
/** Grace period (seconds) to stop the pod with when it is found orphaned and its spec is no longer known. */
export const LABEL_POD_GRACE = 'io.flotilla.pod.grace';
/** The source ("static" or "server") the pod came from. */
export const LABEL_POD_SOURCE = 'io.flotilla.pod.source';

/** JSON with object keys sorted, so that equal values always serialise alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** Stable across agent restarts and versions as long as the spec is the same. */
export function containerHash(container: Container): string {
  return createHash('sha256').update(canonicalJson(container)).digest('hex').slice(0, 16);
}
