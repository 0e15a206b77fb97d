// Endpoints that are not resources: health probes, /version, discovery and OpenAPI documents.

import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { FlotillaError } from '../../shared/errors';
import { aggregatedContentType, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery';
import type { OpenApiDocs } from './openapi/document';
import type { ApiPath } from './paths';
import type { ResourceRegistry } from './registry';
import { aggregatedDiscoveryVersion, sendJson, sendText } from './negotiate';

export const KUBERNETES_VERSION = { major: '1', minor: '32', patch: '0' };

let flotillaVersion: string | undefined;

/** Flotilla's own version from the nearest package.json named "flotilla" (works from src and dist). */
function ownVersion(): string {
  if (flotillaVersion !== undefined) return flotillaVersion;
  flotillaVersion = '0.0.0';
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'flotilla' && pkg.version) {
          flotillaVersion = pkg.version;
          break;
        }
      } catch {
        /* unreadable: keep looking up */
      }
    }
    if (dirname(dir) === dir) break;
  }
  return flotillaVersion;
}

export function versionInfo(): object {
  const { major, minor, patch } = KUBERNETES_VERSION;
  return {
    major,
    minor,
    gitVersion: `v${major}.${minor}.${patch}-flotilla.${ownVersion()}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

const notFound = (): FlotillaError => new FlotillaError('NotFound', 'the server could not find the requested resource');

/** Answers a non-resource path; false when `path` is a resource request. */
export function serveNonResource(path: ApiPath, req: IncomingMessage, res: ServerResponse, deps: { registry: ResourceRegistry; openapi: OpenApiDocs }): boolean {
  if (path.type === 'resource') return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new FlotillaError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
  const accept = req.headers.accept;
  const { registry } = deps;
  switch (path.type) {
    case 'health':
      sendText(res, 200, 'ok');
      return true;
    case 'version':
      sendJson(res, 200, versionInfo());
      return true;
    case 'legacyRoot':
    case 'groupsRoot': {
      const agg = aggregatedDiscoveryVersion(accept);
      const legacy = path.type === 'legacyRoot';
      if (agg) sendJson(res, 200, aggregatedDiscovery(registry, legacy, agg), { 'Content-Type': aggregatedContentType(agg), Vary: 'Accept' });
      else sendJson(res, 200, legacy ? apiVersions() : apiGroupList(registry), { Vary: 'Accept' });
      return true;
    }
    case 'group': {
      const g = apiGroup(registry, path.group);
      if (!g) throw notFound();
      sendJson(res, 200, g);
      return true;
    }
    case 'groupVersion': {
      const list = apiResourceList(registry, path.group, path.version);
      if (!list) throw notFound();
      sendJson(res, 200, list);
      return true;
    }
    case 'openapiIndex':
      sendJson(res, 200, deps.openapi.index());
      return true;
    case 'openapiDoc': {
      const doc = deps.openapi.document(path.gv);
      if (!doc) throw notFound();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(doc.body), ETag: `"${doc.hash}"` });
      res.end(doc.body);
      return true;
    }
    case 'openapiV2':
    case 'unknown':
      throw notFound();
  }
}
