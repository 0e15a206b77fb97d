// HTTP over Podman's unix socket: one request helper, libpod errors mapped to coded FlotillaErrors.

import * as http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { FlotillaError, type ErrorCode } from '../../../shared/errors';

/** The libpod API version Flotilla speaks; Podman 4.0 and later serve it. */
export const LIBPOD_PREFIX = '/v4.0.0/libpod';

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** A JSON body, or a stream sent as-is (with `contentType`). */
  body?: unknown;
  stream?: Readable;
  contentType?: string;
  signal?: AbortSignal;
  /** Statuses returned as a response instead of thrown (e.g. 304 "already started"). */
  accept?: number[];
}

interface LibpodErrorBody {
  cause?: string;
  message?: string;
  response?: number;
}

function codeFor(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 503:
      return 'ServiceUnavailable';
    default:
      return 'InternalError';
  }
}

export async function readAll(res: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** `{"label":["a=b"]}` as libpod's `filters` query parameter wants it; undefined when empty. */
export function labelFilters(labels: Record<string, string> | undefined, extra: Record<string, string[]> = {}): string | undefined {
  const filters: Record<string, string[]> = { ...extra };
  const list = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  if (list.length > 0) filters['label'] = [...(filters['label'] ?? []), ...list];
  return Object.keys(filters).length > 0 ? JSON.stringify(filters) : undefined;
}

export class PodmanHttp {
  constructor(readonly socketPath: string) {}

  /** Sends a request and returns the response once its headers are in; non-2xx (outside `accept`) throw. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    const fullPath = `${LIBPOD_PREFIX}${path}${queryString(options.query)}`;
    const headers: Record<string, string> = {};
    let payload: Buffer | undefined;
    if (options.body !== undefined) {
      payload = Buffer.from(JSON.stringify(options.body));
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    } else if (options.stream) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
    }
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = http.request({ socketPath: this.socketPath, method, path: fullPath, headers, signal: options.signal }, resolve);
      req.on('error', (err) =>
        reject(new FlotillaError('ServiceUnavailable', `podman ${method} ${path} via ${this.socketPath}: ${err.message}`, { cause: err })),
      );
      if (options.stream) options.stream.on('error', (err) => req.destroy(err)).pipe(req);
      else req.end(payload);
    });
    const status = res.statusCode ?? 0;
    if ((status >= 200 && status < 300) || options.accept?.includes(status)) return res;
    throw await this.errorFrom(method, path, res);
  }

  /**
   * Sends a JSON request asking for the connection to be upgraded to a raw two-way stream (Docker's
   * hijacked attach): resolves with the socket, and what arrived after the 101 headers, once upgraded.
   */
  async upgrade(method: string, path: string, body: unknown): Promise<{ socket: Socket; head: Buffer }> {
    const payload = Buffer.from(JSON.stringify(body));
    const headers = { 'content-type': 'application/json', 'content-length': String(payload.length), connection: 'Upgrade', upgrade: 'tcp' };
    return new Promise((resolve, reject) => {
      const req = http.request({ socketPath: this.socketPath, method, path: `${LIBPOD_PREFIX}${path}`, headers });
      req.on('upgrade', (_res, socket, head) => resolve({ socket: socket as Socket, head }));
      req.on('response', (res) => {
        void this.errorFrom(method, path, res).then(reject, reject);
      });
      req.on('error', (err) => reject(new FlotillaError('ServiceUnavailable', `podman ${method} ${path} via ${this.socketPath}: ${err.message}`, { cause: err })));
      req.end(payload);
    });
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, options);
    const text = (await readAll(res)).toString('utf8');
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** For endpoints answering 204/304 with nothing worth reading. */
  async call(method: string, path: string, options: RequestOptions = {}): Promise<number> {
    const res = await this.request(method, path, options);
    res.resume();
    await new Promise<void>((resolve) => (res.complete ? resolve() : res.on('end', resolve).on('close', resolve)));
    return res.statusCode ?? 0;
  }

  private async errorFrom(method: string, path: string, res: IncomingMessage): Promise<FlotillaError> {
    const status = res.statusCode ?? 0;
    const text = (await readAll(res)).toString('utf8');
    let message = text.trim();
    try {
      const body = JSON.parse(text) as LibpodErrorBody;
      message = body.message ?? body.cause ?? message;
    } catch {
      // not JSON: keep the raw text
    }
    return new FlotillaError(codeFor(status), `podman ${method} ${path}: ${status}: ${message}`);
  }
}
