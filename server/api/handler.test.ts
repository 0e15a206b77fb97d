// CRUD, errors as Status, auth and subresources through the HTTP handler over a MemoryStore.

import { startTestApi, deployment, pod, type TestApi } from './testing';

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const PODS = '/api/v1/namespaces/default/pods';

describe('non-resource endpoints', () => {
  it.each(['/healthz', '/livez', '/readyz'])('%s answers ok without a token', async (path) => {
    const r = await api.call('GET', path, { token: null });
    expect(r.status).toBe(200);
    expect(r.text).toBe('ok');
  });

  it('reports a Kubernetes-style version', async () => {
    const r = await api.call('GET', '/version', { token: null });
    expect(r.body).toMatchObject({ major: '1', minor: '32' });
    expect(String(r.body.gitVersion)).toMatch(/^v1\.32\.0-flotilla\./);
  });

  it('serves aggregated discovery when asked, legacy otherwise', async () => {
    const agg = await api.call('GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    expect(agg.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const apps = (agg.body.items as { metadata: { name: string }; versions: { resources: { resource: string; shortNames?: string[]; subresources?: { subresource: string }[] }[] }[] }[]).find((i) => i.metadata.name === 'apps');
    const deploy = apps?.versions[0]?.resources.find((r) => r.resource === 'deployments');
    expect(deploy?.shortNames).toEqual(['deploy']);
    expect(deploy?.subresources?.map((s) => s.subresource)).toEqual(['status', 'scale']);
    const legacy = await api.call('GET', '/api/v1');
    const names = (legacy.body.resources as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['pods', 'pods/status', 'pods/binding', 'pods/log', 'namespaces', 'nodes/status']));
  });

  it('publishes OpenAPI v3 with fieldValidation on PATCH operations', async () => {
    const index = await api.call('GET', '/openapi/v3');
    const paths = index.body.paths as Record<string, { serverRelativeURL: string }>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/batch/v1', 'apis/coordination.k8s.io/v1']));
    const doc = await api.call('GET', paths['apis/apps/v1']?.serverRelativeURL ?? '');
    const item = (doc.body.paths as Record<string, { patch?: { parameters: { name: string }[]; 'x-kubernetes-group-version-kind': unknown; requestBody: { content: Record<string, unknown> } } }>)['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    expect(item?.patch?.['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(item?.patch?.parameters.map((p) => p.name)).toContain('fieldValidation');
    expect(Object.keys(item?.patch?.requestBody.content ?? {})).toContain('application/strategic-merge-patch+json');
    const schemas = (doc.body.components as { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> }).schemas;
    expect(schemas['io.k8s.api.core.v1.PodSpec']?.properties?.containers).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
  });

  it('answers 404 for unknown paths and resources', async () => {
    expect((await api.call('GET', '/apis/nope/v1/things')).status).toBe(404);
    expect((await api.call('GET', '/openapi/v2')).status).toBe(404);
  });
});

describe('authentication and authorization', () => {
  it('401 without or with an unknown token', async () => {
    for (const token of [null, 'bogus']) {
      const r = await api.call('GET', PODS, { token });
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    }
  });

  it('403 for a viewer write, with Kubernetes wording', async () => {
    const r = await api.call('POST', DEPLOYS, { token: 'viewer', body: deployment('web') });
    expect(r.status).toBe(403);
    expect(r.body.message).toBe('deployments.apps "web" is forbidden: User "viewer" cannot create resource "deployments" in API group "apps" in the namespace "default"');
    expect((await api.call('GET', DEPLOYS, { token: 'viewer' })).status).toBe(200);
  });

  it.each([
    ['get', 'GET', '/api/v1/namespaces/default/secrets/creds'],
    ['list', 'GET', '/api/v1/namespaces/default/secrets'],
    ['list in every namespace', 'GET', '/api/v1/secrets'],
    ['watch', 'GET', '/api/v1/namespaces/default/secrets?watch=true'],
  ])('403 for a viewer reading Secrets (%s), as Kubernetes\' view role', async (_what, method, path) => {
    expect((await api.call('POST', '/api/v1/namespaces/default/secrets', { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { password: 'hunter2' } } })).status).toBe(201);
    const r = await api.call(method, path, { token: 'viewer' });
    expect(r.status).toBe(403);
    expect(r.text).not.toContain(Buffer.from('hunter2').toString('base64'));
    expect((await api.call(method, path.replace('?watch=true', ''))).status).toBe(200);
    expect((await api.call('GET', '/api/v1/namespaces/default/configmaps', { token: 'viewer' })).status).toBe(200);
  });

  it('lets a node write only its own Node, its Lease and status of its pods', async () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } };
    expect((await api.call('POST', '/api/v1/nodes', { token: 'node', body: node })).status).toBe(201);
    expect((await api.call('POST', '/api/v1/nodes', { token: 'node', body: { ...node, metadata: { name: 'n2' } } })).status).toBe(403);
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1' }, spec: { holderIdentity: 'n1' } };
    expect((await api.call('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { token: 'node', body: lease })).status).toBe(201);
    await api.call('POST', PODS, { body: pod('mine', { nodeName: 'n1' }) });
    await api.call('POST', PODS, { body: pod('other', { nodeName: 'n2' }) });
    const status = { status: { phase: 'Running' } };
    expect((await api.call('PATCH', `${PODS}/mine/status`, { token: 'node', body: status, contentType: 'application/merge-patch+json' })).status).toBe(200);
    expect((await api.call('PATCH', `${PODS}/other/status`, { token: 'node', body: status, contentType: 'application/merge-patch+json' })).status).toBe(403);
  });
});

describe('create', () => {
  it('creates with generateName and returns 201 with server fields', async () => {
    const r = await api.call('POST', PODS, { body: { ...pod(''), metadata: { generateName: 'web-' } } });
    expect(r.status).toBe(201);
    const meta = r.body.metadata as Record<string, unknown>;
    expect(meta.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(meta.uid).toBeTruthy();
    expect(r.body.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('writes nothing with dryRun=All', async () => {
    const r = await api.call('POST', `${DEPLOYS}?dryRun=All`, { body: deployment('dry') });
    expect(r.status).toBe(201);
    expect(await api.store.get({ resource: 'deployments.apps', namespace: 'default', name: 'dry' })).toBeUndefined();
  });

  it.each([
    ['wrong apiVersion', { ...deployment('x'), apiVersion: 'v1' }, 'the API version in the data (v1) does not match the expected API version (apps/v1)'],
    ['namespace mismatch', { ...deployment('x'), metadata: { name: 'x', namespace: 'other' } }, 'the namespace of the provided object does not match the namespace sent on the request'],
    ['malformed body', '{"kind": ', "couldn't get version/kind; json parse error"],
  ])('400 for %s', async (_what, body, message) => {
    const r = await api.call('POST', DEPLOYS, { body });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
    expect(String(r.body.message)).toContain(message);
  });

  it('accepts YAML bodies', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  a: b\n';
    expect((await api.call('POST', '/api/v1/namespaces/default/configmaps', { body: yaml, contentType: 'application/yaml' })).status).toBe(201);
  });

  it('413 for a body over the limit', async () => {
    await api.close();
    api = await startTestApi({ maxBodyBytes: 100 });
    const r = await api.call('POST', DEPLOYS, { body: deployment('big', { pad: 'x'.repeat(200) }) });
    expect(r.status).toBe(413);
  });

  it('404 in a missing namespace, 403 in a terminating one', async () => {
    const missing = await api.call('POST', '/api/v1/namespaces/nope/pods', { body: { ...pod('p'), metadata: { name: 'p' } } });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('namespaces "nope" not found');
    await api.call('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bye' } } });
    const del = await api.call('DELETE', '/api/v1/namespaces/bye');
    expect(del.status).toBe(200);
    expect(del.body.status).toMatchObject({ phase: 'Terminating' });
    const r = await api.call('POST', '/api/v1/namespaces/bye/pods', { body: { ...pod('p'), metadata: { name: 'p' } } });
    expect(r.status).toBe(403);
    expect(r.body.message).toBe('unable to create new content in namespace bye because it is being terminated');
  });

  it('fieldValidation Strict rejects unknown fields, Warn answers a Warning header', async () => {
    const bad = deployment('f', { spec: { ...(deployment('f').spec as object), foo: 1 } });
    const strict = await api.call('POST', `${DEPLOYS}?fieldValidation=Strict`, { body: bad });
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe('strict decoding error: unknown field "spec.foo"');
    const warn = await api.call('POST', `${DEPLOYS}?fieldValidation=Warn`, { body: bad });
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toContain('unknown field \\"spec.foo\\"');
  });

  it('422 Invalid with causes for an invalid object', async () => {
    const r = await api.call('POST', DEPLOYS, { body: deployment('Bad_Name') });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ reason: 'Invalid', details: { kind: 'Deployment', group: 'apps', name: 'Bad_Name' } });
  });
});

describe('extra resources registered by the caller', () => {
  it('serves a cluster-scoped kind whose create hook names it and returns a one-time secret', async () => {
    await api.close();
    api = await startTestApi({
      resources: [
        {
          group: 'flotilla.io', version: 'v1', kind: 'ApiToken', plural: 'apitokens', singular: 'apitoken', namespaced: false,
          verbs: ['create', 'get', 'list', 'watch', 'delete'],
          strategy: {
            prepareForCreate(obj, ctx) {
              obj.metadata.name = 'tok12345';
              ctx.state.secret = 's3cret';
            },
            transformCreateResponse: (obj, ctx) => ({ ...obj, status: { token: ctx.state.secret } }),
          },
        },
      ],
    });
    const r = await api.call('POST', '/apis/flotilla.io/v1/apitokens', { body: { apiVersion: 'flotilla.io/v1', kind: 'ApiToken', metadata: {}, spec: { role: 'viewer' } } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ metadata: { name: 'tok12345' }, status: { token: 's3cret' } });
    expect((await api.call('GET', '/apis/flotilla.io/v1/apitokens/tok12345')).body.status).toBeUndefined();
    expect((await api.call('PUT', '/apis/flotilla.io/v1/apitokens/tok12345', { body: r.body })).status).toBe(405);
    const patch = await api.call('PATCH', '/apis/flotilla.io/v1/apitokens/tok12345', { body: {}, contentType: 'application/strategic-merge-patch+json' });
    expect(patch.status).toBe(405);
    const doc = await api.call('GET', '/openapi/v3/apis/flotilla.io/v1');
    expect(Object.keys(doc.body.paths as object)).toContain('/apis/flotilla.io/v1/apitokens/{name}');
  });
});
