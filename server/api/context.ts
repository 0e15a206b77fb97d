// What every resource handler receives: the parsed request, the caller, the resource definition and
// the server's dependencies.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { KubeObject, ObjectRef } from '../../shared/api/types';
import { FlotillaError, notFound } from '../../shared/errors';
import type { Store } from '../store/types';
import type { OpenApiDocs } from './openapi/document';
import { storeResource, type Identity, type ResourceDefinition, type StrategyContext } from './registry';

/**
 * Serves GET pods/{name}/log. Called with the stored pod; writes the reply itself (it may stream).
 * Throw a FlotillaError to answer with a Status.
 */
export type PodLogProvider = (pod: KubeObject, query: URLSearchParams, res: ServerResponse) => Promise<void>;

export interface ApiDeps {
  store: Store;
  logger: Logger;
  maxBodyBytes: number;
  openapi: OpenApiDocs;
  podLogs?: PodLogProvider;
  now: () => Date;
}

export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  identity: Identity;
  def: ResourceDefinition;
  namespace?: string;
  name?: string;
  subresource?: string;
  deps: ApiDeps;
  now: Date;
}

export function refOf(r: ResourceRequest, name = r.name ?? ''): ObjectRef {
  return { resource: storeResource(r.def), ...(r.def.namespaced && r.namespace ? { namespace: r.namespace } : {}), name };
}

export function notFoundFor(r: ResourceRequest, name = r.name ?? ''): FlotillaError {
  return notFound(r.def.plural, name, r.def.group);
}

export async function getOrNotFound(r: ResourceRequest): Promise<KubeObject> {
  const obj = await r.deps.store.get(refOf(r));
  if (!obj) throw notFoundFor(r);
  return obj;
}

export function isDryRun(r: ResourceRequest): boolean {
  const values = r.query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw new FlotillaError('BadRequest', `dryRun must be "All": got "${v}"`);
  return values.length > 0;
}

export function strategyContext(r: ResourceRequest, dryRun: boolean): StrategyContext {
  return { identity: r.identity, store: r.deps.store, dryRun, now: r.now, state: {} };
}
