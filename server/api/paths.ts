// Parses Kubernetes API paths into what they address: health, version, discovery, OpenAPI, or a
// resource request (/api/v1/namespaces/{ns}/{resource}/{name}/{subresource} and
// /apis/{group}/{version}/...). Pure: no registry lookups here.

export type ApiPath =
  | { type: 'health'; name: 'healthz' | 'livez' | 'readyz' }
  | { type: 'version' }
  | { type: 'legacyRoot' }
  | { type: 'groupsRoot' }
  | { type: 'group'; group: string }
  | { type: 'groupVersion'; group: string; version: string }
  | { type: 'openapiIndex' }
  | { type: 'openapiDoc'; gv: string }
  | { type: 'openapiV2' }
  | { type: 'resource'; group: string; version: string; namespace?: string; resource: string; name?: string; subresource?: string }
  | { type: 'unknown' };

/** Subresources of a namespace object itself (/api/v1/namespaces/{name}/status). */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function resourcePath(group: string, version: string, rest: string[]): ApiPath {
  if (rest.length === 0) return { type: 'groupVersion', group, version };
  const [first, second, third, fourth, fifth, ...more] = rest;
  if (first === undefined) return { type: 'unknown' };
  if (first === 'namespaces' && second !== undefined && third !== undefined && !(rest.length === 3 && NAMESPACE_SUBRESOURCES.has(third))) {
    if (more.length > 0) return { type: 'unknown' };
    return { type: 'resource', group, version, namespace: second, resource: third, ...(fourth !== undefined ? { name: fourth } : {}), ...(fifth !== undefined ? { subresource: fifth } : {}) };
  }
  if (rest.length > 3) return { type: 'unknown' };
  return { type: 'resource', group, version, resource: first, ...(second !== undefined ? { name: second } : {}), ...(third !== undefined ? { subresource: third } : {}) };
}

export function parsePath(pathname: string): ApiPath {
  const trimmed = pathname.replace(/\/+$/, '');
  let parts: string[];
  try {
    parts = trimmed.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  } catch {
    return { type: 'unknown' };
  }
  const [head, a, b, ...rest] = parts;
  if (parts.length === 1 && (head === 'healthz' || head === 'livez' || head === 'readyz')) return { type: 'health', name: head };
  if ((head === 'healthz' || head === 'livez' || head === 'readyz') && parts.length === 2) return { type: 'health', name: head };
  if (head === 'version' && parts.length === 1) return { type: 'version' };
  if (head === 'openapi') {
    if (a === 'v2' && parts.length === 2) return { type: 'openapiV2' };
    if (a !== 'v3') return { type: 'unknown' };
    if (parts.length === 2) return { type: 'openapiIndex' };
    return { type: 'openapiDoc', gv: parts.slice(2).join('/') };
  }
  if (head === 'api') {
    if (a === undefined) return { type: 'legacyRoot' };
    return resourcePath('', a, b === undefined ? [] : [b, ...rest]);
  }
  if (head === 'apis') {
    if (a === undefined) return { type: 'groupsRoot' };
    if (b === undefined) return { type: 'group', group: a };
    return resourcePath(a, b, rest);
  }
  return { type: 'unknown' };
}
