// The node channel's HTTP endpoints beside the Kubernetes API: /metrics (Prometheus), reads of
// metrics.k8s.io/v1beta1 (kubectl top) and POST /flotilla/v1/namespaces/{ns}/pods/{name}/exec
// (`flotilla exec`). Same bearer tokens as the API; exec needs the admin role.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pod } from '../../shared/api/core';
import { FlotillaError, isFlotillaError } from '../../shared/errors';
import type { Identity } from '../api';
import type { Store } from '../store/types';
import type { NodeChannel } from './node-channel';

const EXEC_PATH = /^\/flotilla\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

function sendStatus(res: ServerResponse, err: FlotillaError): void {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: err.message, reason: err.code, code: err.httpStatus });
  res.writeHead(err.httpStatus, { 'Content-Type': 'application/json' }).end(body);
}

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
}

async function readJson(req: IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) throw new FlotillaError('RequestEntityTooLarge', `exec request body is over ${limit} bytes`);
    chunks.push(c);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new FlotillaError('BadRequest', 'exec request body must be JSON: {"command": ["…"], "container": "…"}');
  }
}

async function serveExec(m: RegExpExecArray, req: IncomingMessage, res: ServerResponse, channel: NodeChannel, store: Store): Promise<void> {
  const [, namespace = '', name = ''] = m;
  const body = (await readJson(req)) as { command?: unknown; container?: unknown; timeoutMs?: unknown };
  if (!Array.isArray(body.command) || body.command.length === 0 || body.command.some((c) => typeof c !== 'string')) throw new FlotillaError('BadRequest', 'command must be a non-empty array of strings');
  const pod = (await store.get({ resource: 'pods', namespace, name })) as Pod | undefined;
  if (!pod) throw new FlotillaError('NotFound', `pods "${name}" not found`);
  const node = pod.spec.nodeName;
  if (!node) throw new FlotillaError('BadRequest', `pod ${name} is not scheduled to a node yet`);
  const result = await channel.requests.exec(node, {
    namespace,
    pod: name,
    command: body.command as string[],
    ...(typeof body.container === 'string' ? { container: body.container } : {}),
    ...(typeof body.timeoutMs === 'number' ? { timeoutMs: body.timeoutMs } : {}),
  });
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(result));
}

/** Wraps the API handler: the node channel's endpoints first, everything else to `api`. */
export function withNodeChannelEndpoints(
  api: (req: IncomingMessage, res: ServerResponse) => void,
  deps: { channel: NodeChannel; store: Store; authenticate: (token: string | undefined) => Promise<Identity | undefined> },
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const exec = req.method === 'POST' ? EXEC_PATH.exec(path) : null;
    const read = req.method === 'GET' && (path === '/metrics' || /^\/apis\/metrics\.k8s\.io\/v1beta1\/.+/.test(path));
    if (!exec && !read) return api(req, res);
    void (async () => {
      try {
        const who = await deps.authenticate(bearer(req));
        if (!who) throw new FlotillaError('Unauthorized', 'Unauthorized');
        if (exec) {
          if (who.role !== 'admin') throw new FlotillaError('Forbidden', `user "${who.name}" cannot exec in pods`);
          await serveExec(exec, req, res, deps.channel, deps.store);
          return;
        }
        if (!deps.channel.serveHttp(path, req, res)) api(req, res);
      } catch (err) {
        if (res.headersSent) return void res.end();
        sendStatus(res, isFlotillaError(err) ? err : new FlotillaError('InternalError', 'internal error'));
      }
    })();
  };
}
