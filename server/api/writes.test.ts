// Update, patch, delete, subresources, selectors and Table output through the HTTP handler.

import { deployment, pod, startTestApi, type TestApi } from './testing';

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const PODS = '/api/v1/namespaces/default/pods';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

async function created(path: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await api.call('POST', path, { body });
  expect(r.status).toBe(201);
  return r.body;
}

describe('update (PUT)', () => {
  it('409 with the Kubernetes message on a stale resourceVersion', async () => {
    const d = await created(DEPLOYS, deployment('web'));
    await api.call('PUT', `${DEPLOYS}/web`, { body: d });
    const r = await api.call('PUT', `${DEPLOYS}/web`, { body: d });
    expect(r.status).toBe(409);
    expect(r.body.message).toBe('Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('keeps the stored status on the main resource; the status subresource changes only status', async () => {
    await created(DEPLOYS, deployment('web'));
    const r1 = await api.call('PUT', `${DEPLOYS}/web`, { body: { ...deployment('web'), status: { replicas: 9 } } });
    expect(r1.body.status).toEqual({});
    const r2 = await api.call('PUT', `${DEPLOYS}/web/status`, { body: { ...deployment('web'), spec: { replicas: 7 }, status: { replicas: 3 } } });
    expect(r2.body.status).toEqual({ replicas: 3 });
    expect((r2.body.spec as { replicas: number }).replicas).toBe(1);
  });

  it('400 when the body names another object', async () => {
    await created(DEPLOYS, deployment('web'));
    const r = await api.call('PUT', `${DEPLOYS}/web`, { body: deployment('other') });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('the name of the object (other) does not match the name on the URL (web)');
  });
});

describe('patch', () => {
  it.each([
    ['application/merge-patch+json', { spec: { replicas: 4 } }],
    ['application/json-patch+json', [{ op: 'replace', path: '/spec/replicas', value: 4 }]],
    ['application/strategic-merge-patch+json', { spec: { replicas: 4 } }],
  ])('%s', async (contentType, body) => {
    await created(DEPLOYS, deployment('web'));
    const r = await api.call('PATCH', `${DEPLOYS}/web`, { body, contentType });
    expect(r.status).toBe(200);
    expect((r.body.spec as { replicas: number }).replicas).toBe(4);
  });

  it('strategic merge keeps list entries by merge key', async () => {
    await created(DEPLOYS, deployment('web', { spec: { ...(deployment('web').spec as object), template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } } } }));
    const r = await api.call('PATCH', `${DEPLOYS}/web`, { body: { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } }, contentType: 'application/strategic-merge-patch+json' });
    const containers = (r.body.spec as { template: { spec: { containers: { name: string; image: string }[] } } }).template.spec.containers;
    expect(containers.map((c) => [c.name, c.image])).toEqual([['a', 'a:1'], ['b', 'b:2']]);
  });

  it('415 for server-side apply', async () => {
    await created(DEPLOYS, deployment('web'));
    const r = await api.call('PATCH', `${DEPLOYS}/web`, { body: '{}', contentType: 'application/apply-patch+yaml' });
    expect(r.status).toBe(415);
    expect(String(r.body.message)).toContain('server-side apply');
  });

  it('404 for a missing object', async () => {
    const r = await api.call('PATCH', `${DEPLOYS}/nope`, { body: {}, contentType: 'application/merge-patch+json' });
    expect(r.status).toBe(404);
    expect(r.body.message).toBe('deployments.apps "nope" not found');
  });
});

describe('delete', () => {
  it('removes an object and answers a Success Status', async () => {
    await created(DEPLOYS, deployment('web'));
    const r = await api.call('DELETE', `${DEPLOYS}/web`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'web', group: 'apps', kind: 'deployments' } });
    expect((await api.call('GET', `${DEPLOYS}/web`)).status).toBe(404);
  });

  it.each([
    ['Foreground', 'foregroundDeletion'],
    ['Orphan', 'orphan'],
  ])('propagationPolicy=%s leaves the object marked with the %s finalizer', async (policy, finalizer) => {
    await created(DEPLOYS, deployment('web'));
    const r = await api.call('DELETE', `${DEPLOYS}/web?propagationPolicy=${policy}`);
    expect(r.status).toBe(200);
    const meta = r.body.metadata as { finalizers: string[]; deletionTimestamp?: string };
    expect(meta.finalizers).toEqual([finalizer]);
    expect(meta.deletionTimestamp).toBeTruthy();
  });

  it('gives bound pods their grace period and removes unbound ones at once', async () => {
    await created(PODS, pod('bound', { nodeName: 'n1', terminationGracePeriodSeconds: 5 }));
    await created(PODS, pod('free'));
    const bound = await api.call('DELETE', `${PODS}/bound`);
    expect((bound.body.metadata as { deletionGracePeriodSeconds: number }).deletionGracePeriodSeconds).toBe(5);
    expect((await api.call('DELETE', `${PODS}/free`)).body.status).toBe('Success');
  });

  it('deletes a collection by label', async () => {
    await created(PODS, pod('a'));
    await created(PODS, pod('b'));
    const r = await api.call('DELETE', `${PODS}?labelSelector=app%3Da`);
    expect((r.body.items as unknown[]).length).toBe(1);
    expect((await api.call('GET', PODS)).body.items).toHaveLength(1);
  });
});

describe('subresources', () => {
  it('binds a pod once; a second binding is 409', async () => {
    await created(PODS, pod('p'));
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { apiVersion: 'v1', kind: 'Node', name: 'n1' } };
    expect((await api.call('POST', `${PODS}/p/binding`, { body: binding })).status).toBe(201);
    expect(((await api.call('GET', `${PODS}/p`)).body.spec as { nodeName: string }).nodeName).toBe('n1');
    const again = await api.call('POST', `${PODS}/p/binding`, { body: binding });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('is already assigned to node "n1"');
  });

  it('refuses to change spec.nodeName by update', async () => {
    await created(PODS, pod('p'));
    const r = await api.call('PATCH', `${PODS}/p`, { body: { spec: { nodeName: 'n9' } }, contentType: 'application/merge-patch+json' });
    expect(r.status).toBe(422);
  });

  it('answers 503 for logs while no agent is connected', async () => {
    await created(PODS, pod('p', { nodeName: 'n1' }));
    const r = await api.call('GET', `${PODS}/p/log`);
    expect(r.status).toBe(503);
    expect(String(r.body.message)).toContain('no agent connected');
  });

  it('reads and patches scale', async () => {
    await created(DEPLOYS, deployment('web'));
    const s = await api.call('GET', `${DEPLOYS}/web/scale`);
    expect(s.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 }, status: { selector: 'app=web' } });
    const p = await api.call('PATCH', `${DEPLOYS}/web/scale`, { body: { spec: { replicas: 5 } }, contentType: 'application/merge-patch+json' });
    expect(p.body).toMatchObject({ spec: { replicas: 5 } });
    expect(((await api.call('GET', `${DEPLOYS}/web`)).body.spec as { replicas: number }).replicas).toBe(5);
  });
});

describe('list, selectors and tables', () => {
  it('filters by field selector and rejects unsupported fields with 400', async () => {
    await created(PODS, pod('a', { nodeName: 'n1' }));
    await created(PODS, pod('b'));
    const r = await api.call('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1');
    expect((r.body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual(['a']);
    const ne = await api.call('GET', `${PODS}?fieldSelector=spec.nodeName!%3Dn1`);
    expect((ne.body.items as unknown[]).length).toBe(1);
    const bad = await api.call('GET', `${PODS}?fieldSelector=spec.foo%3Dx`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('field label not supported: spec.foo');
  });

  it('prints pods as a Table with kubectl columns', async () => {
    await created(PODS, pod('a'));
    const r = await api.call('GET', PODS, { accept: TABLE });
    expect(r.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    const cols = (r.body.columnDefinitions as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
    const row = (r.body.rows as { cells: unknown[]; object: { kind: string } }[])[0];
    expect(row?.cells.slice(0, 4)).toEqual(['a', '0/1', 'Pending', '0']);
    expect(row?.object.kind).toBe('PartialObjectMetadata');
  });
});
