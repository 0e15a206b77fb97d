// The kube-apiserver role as one plain `node:http` request handler. A web framework would add little:
// Kubernetes paths are a fixed, small grammar (paths.ts), content negotiation is Kubernetes-specific
// (Table, aggregated discovery), watch needs direct control of the chunked response, and errors must
// be Kubernetes Status bodies. So: parse the path, authenticate, route to a verb handler, and map
// every thrown error to a Status in one place.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { FlotillaError } from '../../shared/errors';
import type { Store } from '../store/types';
import { authenticate, authorize, type Authenticator } from './auth';
import type { ApiDeps, PodLogProvider, ResourceRequest } from './context';
import { DEFAULT_MAX_BODY_BYTES, sendJson } from './negotiate';
import { serveNonResource } from './nonresource';
import { createOpenApiDocs } from './openapi/document';
import { parsePath, type ApiPath } from './paths';
import { ResourceRegistry, verbsOf, type Identity, type ResourceDefinition, type Verb } from './registry';
import { builtinResources } from './resources/builtin';
import { statusFromError } from './status';
import { handleCreate } from './verbs/create';
import { handleDelete, handleDeleteCollection } from './verbs/delete';
import { handlePatch } from './verbs/patch';
import { handleGet, handleList } from './verbs/read';
import { handleBinding, handleEviction, handleLog, handleScale } from './verbs/subresources';
import { handleUpdate } from './verbs/update';
import { handleWatch } from './verbs/watch';

export interface ApiHandlerOptions {
  store: Store;
  authenticate: Authenticator;
  logger: Logger;
  /** Request bodies above this answer 413. Default 3 MiB, like Kubernetes. */
  maxBodyBytes?: number;
  /** Extra resources served besides the built-in kinds (e.g. flotilla.io/v1 ApiToken). */
  resources?: ResourceDefinition[];
  /** Serves pods/{name}/log; without it the endpoint answers 503. */
  podLogs?: PodLogProvider;
  /** Injected clock (tables' AGE, timestamps). */
  now?: () => Date;
}

export type ApiHandler = ((req: IncomingMessage, res: ServerResponse) => void) & { registry: ResourceRegistry };

const methodNotAllowed = (): FlotillaError => new FlotillaError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
const notFound = (): FlotillaError => new FlotillaError('NotFound', 'the server could not find the requested resource');

type Route = { verb: Verb; run: (r: ResourceRequest) => Promise<void> };

function isWatch(query: URLSearchParams): boolean {
  const w = query.get('watch');
  return w === 'true' || w === '1';
}

/** Picks the verb and handler for a resource request; 404/405 when none fits. */
function route(method: string, r: ResourceRequest): Route {
  const { name, subresource: sub } = r;
  const read = (verb: Verb, run: Route['run']): Route => ({
    verb,
    run: async (req) => {
      await authorize(req.identity, { verb, group: req.def.group, resource: req.def.plural, subresource: sub, namespace: req.namespace, name }, req.deps.store);
      await run(req);
    },
  });
  if (sub !== undefined) {
    if (!(r.def.subresources as string[] | undefined)?.includes(sub) || name === undefined) throw notFound();
    if (sub === 'status' && method === 'GET') return read('get', handleGet);
    if (sub === 'status' && method === 'PUT') return { verb: 'update', run: handleUpdate };
    if (sub === 'status' && method === 'PATCH') return { verb: 'patch', run: handlePatch };
    if (sub === 'scale' && method === 'GET') return { verb: 'get', run: (x) => handleScale(x, 'get') };
    if (sub === 'scale' && method === 'PUT') return { verb: 'update', run: (x) => handleScale(x, 'update') };
    if (sub === 'scale' && method === 'PATCH') return { verb: 'patch', run: (x) => handleScale(x, 'patch') };
    if (sub === 'binding' && method === 'POST') return { verb: 'create', run: handleBinding };
    if (sub === 'eviction' && method === 'POST') return { verb: 'create', run: handleEviction };
    if (sub === 'log' && method === 'GET') return { verb: 'get', run: handleLog };
    throw methodNotAllowed();
  }
  switch (method) {
    case 'GET':
      if (name !== undefined) return read('get', handleGet);
      return isWatch(r.query) ? read('watch', handleWatch) : read('list', handleList);
    case 'POST':
      if (name !== undefined) throw methodNotAllowed();
      return { verb: 'create', run: handleCreate };
    case 'PUT':
      if (name === undefined) throw methodNotAllowed();
      return { verb: 'update', run: handleUpdate };
    case 'PATCH':
      if (name === undefined) throw methodNotAllowed();
      return { verb: 'patch', run: handlePatch };
    case 'DELETE':
      return name !== undefined ? { verb: 'delete', run: handleDelete } : { verb: 'deletecollection', run: handleDeleteCollection };
    default:
      throw methodNotAllowed();
  }
}

async function serveResource(path: Extract<ApiPath, { type: 'resource' }>, req: IncomingMessage, res: ServerResponse, ctx: { url: URL; identity: Identity; registry: ResourceRegistry; deps: ApiDeps }): Promise<void> {
  const { url, identity, registry, deps } = ctx;
  const def = registry.lookup(path.group, path.version, path.resource);
  if (!def || (path.namespace !== undefined && !def.namespaced)) throw notFound();
  const r: ResourceRequest = {
    req,
    res,
    query: url.searchParams,
    identity,
    def,
    ...(path.namespace !== undefined ? { namespace: path.namespace } : {}),
    ...(path.name !== undefined ? { name: path.name } : {}),
    ...(path.subresource !== undefined ? { subresource: path.subresource } : {}),
    deps,
    now: deps.now(),
  };
  const { verb, run } = route(req.method ?? 'GET', r);
  if (!path.subresource && !verbsOf(def).includes(verb)) throw methodNotAllowed();
  if (def.namespaced && path.namespace === undefined && verb !== 'list' && verb !== 'watch') throw notFound();
  await run(r);
}

/** Builds the API request handler. The registry (built-ins + `options.resources`) is fixed from here on. */
export function createApiHandler(options: ApiHandlerOptions): ApiHandler {
  const registry = new ResourceRegistry([...builtinResources(), ...(options.resources ?? [])]);
  const log = options.logger;
  const deps: ApiDeps = {
    store: options.store,
    logger: log,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    openapi: createOpenApiDocs(registry),
    ...(options.podLogs ? { podLogs: options.podLogs } : {}),
    now: options.now ?? (() => new Date()),
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      const path = parsePath(url.pathname);
      if (path.type === 'health' || path.type === 'version') {
        serveNonResource(path, req, res, { registry, openapi: deps.openapi });
        return;
      }
      const identity = await authenticate(req, options.authenticate);
      if (path.type === 'resource') await serveResource(path, req, res, { url, identity, registry, deps });
      else serveNonResource(path, req, res, { registry, openapi: deps.openapi });
    } catch (err) {
      const { status, internal } = statusFromError(err);
      if (internal) log.error({ err, method: req.method, url: req.url }, 'API request failed');
      if (res.headersSent) res.end();
      else sendJson(res, status.code, status);
    } finally {
      log.debug({ method: req.method, url: req.url, status: res.statusCode, ms: Date.now() - started }, 'api request');
    }
  };
  const handler = ((req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res);
  }) as ApiHandler;
  handler.registry = registry;
  return handler;
}
