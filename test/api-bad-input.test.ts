// Bad input against the real `flotilla server` process: malformed JSON and YAML, wrong kinds,
// oversized and truncated bodies, invalid names, bad patches and selectors. Each gets a 4xx
// Kubernetes Status that names the problem, the server keeps serving, and nothing is written.

import { request } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKubeconfig, type KubeconfigParts } from '../server/auth/kubeconfig';
import { startServerProcess, stopAll, type ServerProcess } from './helpers/server-process';

jest.setTimeout(60_000);

interface Reply {
  code: number;
  body: { kind?: string; code?: number; reason?: string; message?: string; items?: unknown[]; metadata?: { resourceVersion?: string } };
}

let server: ServerProcess;
let kc: KubeconfigParts;
let dir: string;

function send(method: string, path: string, body: string | Buffer | undefined, contentType = 'application/json'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
    const headers: Record<string, string> = { Authorization: `Bearer ${kc.token}`, Accept: 'application/json' };
    if (payload) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = String(payload.length);
    }
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers, ca: kc.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Reply['body'] = {};
        try {
          parsed = JSON.parse(text) as Reply['body'];
        } catch {
          parsed = { message: text };
        }
        resolve({ code: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

const CM_PATH = '/api/v1/namespaces/default/configmaps';

async function configMapCount(): Promise<number> {
  const r = await send('GET', CM_PATH, undefined);
  expect(r.code).toBe(200);
  return r.body.items?.length ?? -1;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-bad-input-'));
  server = await startServerProcess(dir);
  kc = readKubeconfig(server.kubeconfig);
  const seed = await send('POST', CM_PATH, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seed' }, data: { a: '1' } }));
  expect(seed.code).toBe(201);
});

afterAll(async () => {
  await server?.stop();
  stopAll();
  rmSync(dir, { recursive: true, force: true });
});

const cases: { name: string; method: string; path: string; body: string | Buffer; type?: string; code: number; reason: string; message: RegExp }[] = [
  { name: 'malformed JSON', method: 'POST', path: CM_PATH, body: '{"apiVersion": "v1", "kind": "ConfigMap", ', code: 400, reason: 'BadRequest', message: /JSON|json|parse/ },
  { name: 'malformed YAML', method: 'POST', path: CM_PATH, body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [unclosed\n', type: 'application/yaml', code: 400, reason: 'BadRequest', message: /YAML|yaml/ },
  { name: 'a JSON array instead of an object', method: 'POST', path: CM_PATH, body: '[1,2,3]', code: 400, reason: 'BadRequest', message: /object/ },
  { name: 'a body of the wrong kind', method: 'POST', path: CM_PATH, body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }), code: 400, reason: 'BadRequest', message: /kind.*Secret.*ConfigMap/ },
  { name: 'a body of the wrong apiVersion', method: 'POST', path: CM_PATH, body: JSON.stringify({ apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } }), code: 400, reason: 'BadRequest', message: /apps\/v1/ },
  { name: 'a body without kind', method: 'POST', path: CM_PATH, body: JSON.stringify({ apiVersion: 'v1', metadata: { name: 'x' } }), code: 400, reason: 'BadRequest', message: /Kind/ },
  { name: 'an invalid name', method: 'POST', path: CM_PATH, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name!' } }), code: 422, reason: 'Invalid', message: /metadata\.name.*"Bad_Name!"/ },
  { name: 'a body over the size limit', method: 'POST', path: CM_PATH, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'huge' }, data: { a: 'x'.repeat(4 * 1024 * 1024) } }), code: 413, reason: 'RequestEntityTooLarge', message: /too large|limit/i },
  { name: 'an unsupported media type', method: 'POST', path: CM_PATH, body: 'name=x', type: 'application/x-www-form-urlencoded', code: 415, reason: 'UnsupportedMediaType', message: /x-www-form-urlencoded/ },
  { name: 'a JSON patch that is not a list', method: 'PATCH', path: `${CM_PATH}/seed`, body: '{"op": "add"}', type: 'application/json-patch+json', code: 400, reason: 'BadRequest', message: /patch/i },
  { name: 'a JSON patch testing a wrong value', method: 'PATCH', path: `${CM_PATH}/seed`, body: JSON.stringify([{ op: 'test', path: '/data/a', value: '2' }, { op: 'replace', path: '/data/a', value: '3' }]), type: 'application/json-patch+json', code: 422, reason: 'Invalid', message: /test/ },
  { name: 'a merge patch that is not JSON', method: 'PATCH', path: `${CM_PATH}/seed`, body: '{data: ', type: 'application/merge-patch+json', code: 400, reason: 'BadRequest', message: /JSON|json|parse/ },
];

describe('bad input gets a clear 4xx Status and writes nothing', () => {
  it.each(cases)('$name → $code $reason', async (c) => {
    const before = await configMapCount();
    const rvBefore = (await send('GET', CM_PATH, undefined)).body.metadata?.resourceVersion;
    const r = await send(c.method, c.path, c.body, c.type);
    expect(r.body).toMatchObject({ kind: 'Status', code: c.code, reason: c.reason });
    expect(r.code).toBe(c.code);
    expect(r.body.message).toMatch(c.message);
    expect(await configMapCount()).toBe(before);
    expect((await send('GET', CM_PATH, undefined)).body.metadata?.resourceVersion).toBe(rvBefore);
    const seed = await send('GET', `${CM_PATH}/seed`, undefined);
    expect(seed.code).toBe(200);
    expect((seed.body as { data?: Record<string, string> }).data).toEqual({ a: '1' });
  });

  it('rejects a bad label selector and an unknown field selector with 400', async () => {
    const bad = await send('GET', `${CM_PATH}?labelSelector=${encodeURIComponent('a in (b')}`, undefined);
    expect(bad).toMatchObject({ code: 400, body: { reason: 'BadRequest' } });
    const field = await send('GET', `/api/v1/pods?fieldSelector=${encodeURIComponent('spec.color=red')}`, undefined);
    expect(field).toMatchObject({ code: 400, body: { reason: 'BadRequest' } });
    expect(field.body.message).toContain('spec.color');
  });

  it('answers 404 with a Status for unknown resources and groups', async () => {
    for (const path of ['/api/v1/namespaces/default/widgets', '/apis/example.com/v1/things', '/api/v2/pods']) {
      const r = await send('GET', path, undefined);
      expect(r.code).toBe(404);
      expect(r.body).toMatchObject({ kind: 'Status', code: 404, reason: 'NotFound' });
    }
  });

  it('survives a client that hangs up in the middle of a body and keeps serving', async () => {
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: CM_PATH, method: 'POST', ca: kc.caPem, headers: { Authorization: `Bearer ${kc.token}`, 'Content-Type': 'application/json', 'Content-Length': '100000' } });
      req.on('error', () => resolve());
      req.write('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"half"');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
    expect((await send('GET', `${CM_PATH}/half`, undefined)).code).toBe(404);
    expect((await send('GET', '/readyz', undefined)).code).toBe(200);
    expect(server.proc.exitCode).toBeNull();
  });
});
