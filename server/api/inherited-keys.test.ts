// Field names that are also names of Object.prototype members ("constructor", "toString",
// "__proto__", "hasOwnProperty") are just unknown fields: a clear 4xx (or a warning), never a 500, on
// create, update and every patch type, and they never reach Object.prototype.

import { pod, startTestApi, type TestApi } from './testing';

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const PODS = '/api/v1/namespaces/default/pods';
const KEYS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

describe.each(KEYS)('a field named %s', (key) => {
  it('is refused as unknown with fieldValidation=Strict on create, and warned about by default', async () => {
    const text = (name: string): string =>
      `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"${name}","namespace":"default"},"spec":{"containers":[{"name":"c","image":"busybox","${key}":{"polluted":"yes"}}],"${key}":{"polluted":"yes"}},"${key}":{"polluted":"yes"}}`;
    const strict = await api.call('POST', `${PODS}?fieldValidation=Strict`, { body: text('a') });
    expect(strict.status).toBe(400);
    const warn = await api.call('POST', PODS, { body: text('b') });
    expect(warn.status).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['strategic merge', 'application/strategic-merge-patch+json'],
    ['JSON merge', 'application/merge-patch+json'],
  ])('in a %s patch answers 2xx/4xx, not 500', async (_name, contentType) => {
    expect((await api.call('POST', PODS, { body: pod('p') })).status).toBe(201);
    const patch = `{"metadata":{"labels":{"x":"y"}},"spec":{"${key}":{"polluted":"yes"},"containers":[{"name":"c","${key}":{"polluted":"yes"}}]},"${key}":{"polluted":"yes"}}`;
    const r = await api.call('PATCH', `${PODS}/p?fieldValidation=Strict`, { body: patch, contentType });
    expect(r.status).toBeGreaterThanOrEqual(200);
    expect(r.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('is not a field selector', async () => {
    const r = await api.call('GET', `${PODS}?fieldSelector=${encodeURIComponent(`${key}=x`)}`);
    expect(r.status).toBe(400);
    expect(r.body.message).toBe(`field label not supported: ${key}`);
  });
});
