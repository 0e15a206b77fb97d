// Test support: the API handler on an ephemeral plain-HTTP port over a MemoryStore, with fixed
// tokens (admin, viewer, node "n1") and a small fetch wrapper. Used by the unit tests beside it.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import type { KubeObject } from '../../shared/api/types';
import { MemoryStore } from '../store/fake/memory-store';
import { createApiHandler, type ApiHandlerOptions } from './handler';
import type { Identity } from './registry';

export const TOKENS: Record<string, Identity> = {
  admin: { name: 'admin', role: 'admin' },
  viewer: { name: 'viewer', role: 'viewer' },
  node: { name: 'system:node:n1', role: 'node', node: 'n1' },
};

export interface TestApi {
  url: string;
  store: MemoryStore;
  /** JSON request as `token` (default admin); body objects are sent as JSON. */
  call(method: string, path: string, opts?: { token?: string | null; body?: unknown; contentType?: string; accept?: string }): Promise<{ status: number; body: Record<string, unknown>; headers: Headers; text: string }>;
  close(): Promise<void>;
}

export async function startTestApi(options: Partial<ApiHandlerOptions> = {}): Promise<TestApi> {
  const store = options.store instanceof MemoryStore ? options.store : new MemoryStore();
  for (const name of ['default', 'kube-node-lease']) {
    await store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }
  const handler = createApiHandler({
    authenticate: async (t) => (t ? TOKENS[t] : undefined),
    logger: pino({ level: 'silent' }),
    ...options,
    store,
  });
  const server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    store,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = {};
      const token = opts.token === undefined ? 'admin' : opts.token;
      if (token) headers.Authorization = `Bearer ${token}`;
      if (opts.accept) headers.Accept = opts.accept;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['Content-Type'] = opts.contentType ?? 'application/json';
      }
      const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        /* not JSON (health) */
      }
      return { status: res.status, body: parsed, headers: res.headers, text };
    },
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}

export function deployment(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    ...extra,
  };
}

export function pod(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
}
