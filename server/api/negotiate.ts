// Content negotiation and bodies: reading request bodies under a size limit, decoding JSON or YAML,
// recognising the Accept forms kubectl uses (Table, aggregated discovery), and writing replies.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { FlotillaError } from '../../shared/errors';

export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const eq = kv.indexOf('=');
      if (eq > 0) p[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params: p };
  });
}

/** The Table version the client asks for (first match wins), or undefined for plain objects. */
export function tableVersion(accept: string | undefined): 'v1' | 'v1beta1' | undefined {
  for (const m of parseAccept(accept)) {
    if (m.type !== 'application/json' && m.type !== '*/*') continue;
    if (m.params.as === 'Table' && m.params.g === 'meta.k8s.io' && (m.params.v === 'v1' || m.params.v === 'v1beta1')) return m.params.v;
    if (m.params.as === undefined) return undefined;
  }
  return undefined;
}

/** The aggregated discovery version asked for before any plain JSON, or undefined for the legacy format. */
export function aggregatedDiscoveryVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const m of parseAccept(accept)) {
    if (m.params.as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io' && (m.params.v === 'v2' || m.params.v === 'v2beta1')) return m.params.v;
    if (m.params.as === undefined && (m.type === 'application/json' || m.type === '*/*')) return undefined;
  }
  return undefined;
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Reads the whole body; RequestEntityTooLarge (413) past `maxBytes`. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = (): FlotillaError => new FlotillaError('RequestEntityTooLarge', `Request entity too large: limit is ${maxBytes}`);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

const JSON_TYPES = new Set(['application/json', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'application/apply-patch+yaml']);

/** Decodes a JSON (or, for application/yaml, YAML) body; BadRequest (400) with the parser's message. */
export function decodeBody(body: Buffer, contentType: string): unknown {
  if (contentType === 'application/vnd.kubernetes.protobuf' || contentType === 'application/cbor') {
    throw new FlotillaError('UnsupportedMediaType', `the body of the request was in an unsupported format (${contentType}): Flotilla accepts application/json and application/yaml - use \`kubectl apply -f\` or \`kubectl create -f\` with a manifest`);
  }
  if (contentType !== '' && !JSON_TYPES.has(contentType) && !YAML_TYPES.has(contentType)) {
    throw new FlotillaError('UnsupportedMediaType', `the body of the request was in an unknown format (${contentType}) - accepted media types include: application/json, application/yaml`);
  }
  const text = body.toString('utf8');
  if (text.trim() === '') throw new FlotillaError('BadRequest', 'the request body is empty');
  if (YAML_TYPES.has(contentType)) {
    try {
      return parseYaml(text) as unknown;
    } catch (err) {
      throw new FlotillaError('BadRequest', `error converting YAML to JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new FlotillaError('BadRequest', `couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
