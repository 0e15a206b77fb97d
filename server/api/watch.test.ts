// Watch streams: list-then-watch, live events through selectors, Table events, 410 as an ERROR
// event, and the store subscription dropped when the client goes away.

import { get, type ClientRequest } from 'node:http';
import { MemoryStore } from '../store/fake/memory-store';
import { pod, startTestApi, type TestApi } from './testing';

let api: TestApi;
const open: ClientRequest[] = [];
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  for (const r of open) r.destroy();
  await api.close();
});

interface Stream {
  events: { type: string; object: Record<string, unknown> }[];
  next(count: number): Promise<void>;
  close(): void;
}

function watch(path: string, accept?: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const events: Stream['events'] = [];
    const waiters: { count: number; done: () => void }[] = [];
    const req = get(api.url + path, { headers: { Authorization: 'Bearer admin', ...(accept ? { Accept: accept } : {}) } }, (res) => {
      let buf = '';
      res.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)) as Stream['events'][number]);
          buf = buf.slice(nl + 1);
        }
        for (const w of waiters.filter((x) => events.length >= x.count)) w.done();
      });
      resolve({
        events,
        next: (count) => (events.length >= count ? Promise.resolve() : new Promise((done) => waiters.push({ count, done }))),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    open.push(req);
  });
}

const PODS = '/api/v1/namespaces/default/pods';

it('sends current objects as ADDED, then changes, filtered by label', async () => {
  await api.call('POST', PODS, { body: pod('a') });
  await api.call('POST', PODS, { body: pod('b') });
  const s = await watch(`${PODS}?watch=true&labelSelector=app%3Da`);
  await s.next(1);
  expect(s.events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });
  await api.call('PATCH', `${PODS}/b/status`, { body: { status: { phase: 'Running' } }, contentType: 'application/merge-patch+json' });
  await api.call('PATCH', `${PODS}/a/status`, { body: { status: { phase: 'Running' } }, contentType: 'application/merge-patch+json' });
  await api.call('DELETE', `${PODS}/a`);
  await s.next(3);
  expect(s.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
});

it('resumes from a resourceVersion and sends Table rows when asked', async () => {
  const list = await api.call('GET', PODS);
  const rv = (list.body.metadata as { resourceVersion: string }).resourceVersion;
  const s = await watch(`${PODS}?watch=1&resourceVersion=${rv}`, 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
  await api.call('POST', PODS, { body: pod('t') });
  await s.next(1);
  expect(s.events[0]?.type).toBe('ADDED');
  expect(s.events[0]?.object).toMatchObject({ kind: 'Table', rows: [{ cells: ['t', '0/1', 'Pending', '0', expect.any(String), '<none>', '<none>', '<none>', '<none>'] }] });
});

it('answers an ERROR event with a 410 Status for a compacted resourceVersion', async () => {
  await api.close();
  api = await startTestApi({ store: new MemoryStore({ bufferSize: 1 }) });
  for (const name of ['a', 'b', 'c']) await api.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } });
  const s = await watch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1');
  await s.next(1);
  expect(s.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
});

it('drops the store subscription when the client goes away', async () => {
  const s = await watch(`${PODS}?watch=true`);
  expect(api.store.watcherCount()).toBe(1);
  s.close();
  for (let i = 0; i < 50 && api.store.watcherCount() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(api.store.watcherCount()).toBe(0);
});

it.each([
  ['from a resourceVersion (informer resume, kubectl get -w after its list)', true],
  ['list-then-watch', false],
])('reports an object leaving the selector as DELETED and entering it as ADDED: %s', async (_what, fromRv) => {
  await api.call('POST', PODS, { body: pod('a') });
  const list = await api.call('GET', `${PODS}?labelSelector=app%3Da`);
  const rv = (list.body.metadata as { resourceVersion: string }).resourceVersion;
  const s = await watch(`${PODS}?watch=true&labelSelector=app%3Da${fromRv ? `&resourceVersion=${rv}` : ''}`);
  const relabel = (app: string) => api.call('PATCH', `${PODS}/a`, { body: { metadata: { labels: { app } } }, contentType: 'application/merge-patch+json' });
  await relabel('other');
  await relabel('still-other');
  await relabel('a');
  await api.call('PATCH', `${PODS}/a/status`, { body: { status: { phase: 'Running' } }, contentType: 'application/merge-patch+json' });
  await api.call('DELETE', `${PODS}/a`);
  const expected = [...(fromRv ? [] : ['ADDED']), 'DELETED', 'ADDED', 'MODIFIED', 'DELETED'];
  await s.next(expected.length);
  await new Promise((r) => setTimeout(r, 20));
  expect(s.events.map((e) => e.type)).toEqual(expected);
});
