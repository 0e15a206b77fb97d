// Admission through the HTTP handler: defaults applied on create, 422 Invalid Status with one cause
// per bad field, updates of immutable fields refused with nothing written, unknown fields deep in
// the schema, and strategic merge patches with directives.

import { deployment, pod, startTestApi, type TestApi } from './testing';

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.close();
});

type Json = Record<string, unknown>;
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const PODS = '/api/v1/namespaces/default/pods';
const JOBS = '/apis/batch/v1/namespaces/default/jobs';
const CRONJOBS = '/apis/batch/v1/namespaces/default/cronjobs';
const CMS = '/api/v1/namespaces/default/configmaps';
const SMP = 'application/strategic-merge-patch+json';

async function created(path: string, body: unknown): Promise<Json> {
  const r = await api.call('POST', path, { body });
  expect(r.status).toBe(201);
  return r.body;
}

describe('create', () => {
  it('stores the object with Kubernetes defaults (deployment and its pod template)', async () => {
    const d = await created(DEPLOYS, deployment('web'));
    expect(d.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', containers: [{ name: 'c', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }] } },
    });
  });

  it('generates a Job selector from the uid the stored object carries', async () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1' }] } } } };
    const j = await created(JOBS, job);
    const uid = (j.metadata as { uid: string }).uid;
    expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(j.spec).toMatchObject({ selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } }, template: { metadata: { labels: { 'job-name': 'pi', 'controller-uid': uid } } } });
    const stored = await api.store.get({ resource: 'jobs.batch', namespace: 'default', name: 'pi' });
    expect(stored?.metadata.uid).toBe(uid);
  });

  it.each<[string, string, Json, string, { field: string; message: string }[]]>([
    [
      'negative replicas',
      DEPLOYS,
      deployment('web', { spec: { ...(deployment('web').spec as Json), replicas: -3 } }),
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -3: must be greater than or equal to 0',
      [{ field: 'spec.replicas', message: 'Invalid value: -3: must be greater than or equal to 0' }],
    ],
    [
      'a pod without image and with a bad quantity',
      PODS,
      pod('p', { containers: [{ name: 'c', resources: { requests: { memory: '12XB' } } }] }),
      'Pod "p" is invalid: [spec.containers[0].image: Required value, spec.containers[0].resources.requests.memory: Invalid value: "12XB": quantities must match the regular expression',
      [
        { field: 'spec.containers[0].image', message: 'Required value' },
        { field: 'spec.containers[0].resources.requests.memory', message: 'Invalid value: "12XB": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'' },
      ],
    ],
    [
      'a CronJob with a bad schedule',
      CRONJOBS,
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick' }, spec: { schedule: '61 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'x:1' }] } } } } } },
      'CronJob.batch "tick" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
      [{ field: 'spec.schedule', message: 'Invalid value: "61 * * * *": end of range (61) above maximum (59): 61' }],
    ],
  ])('answers 422 with causes for %s, and writes nothing', async (_name, path, body, message, causes) => {
    const before = api.store.currentResourceVersion();
    const r = await api.call('POST', path, { body });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422 });
    expect(String(r.body.message).startsWith(message)).toBe(true);
    const got = (r.body.details as { causes: { field: string; message: string; reason: string }[] }).causes;
    expect(got.map(({ field, message: m }) => ({ field, message: m }))).toEqual(causes);
    expect(api.store.currentResourceVersion()).toBe(before);
  });

  it('refuses an unknown field deep in a pod template under Strict field validation', async () => {
    const d = deployment('web');
    const spec = d.spec as { template: { spec: { containers: Json[] } } };
    spec.template.spec.containers[0] = { name: 'c', image: 'busybox', securityContext: { superuser: true } };
    const r = await api.call('POST', `${DEPLOYS}?fieldValidation=Strict`, { body: d });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('strict decoding error: unknown field "spec.template.spec.containers[0].securityContext.superuser"');
  });
});

describe('updates of immutable fields', () => {
  it('refuses a new deployment selector (PUT) and keeps the stored object', async () => {
    const d = await created(DEPLOYS, deployment('web'));
    const next = structuredClone(d) as Json & { spec: { selector: unknown; template: { metadata: { labels: Json } } } };
    next.spec.selector = { matchLabels: { app: 'web', v: '2' } };
    next.spec.template.metadata.labels = { app: 'web', v: '2' };
    const r = await api.call('PUT', `${DEPLOYS}/web`, { body: next });
    expect(r.status).toBe(422);
    expect(r.body.message).toBe('Deployment.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable');
    const stored = await api.store.get({ resource: 'deployments.apps', namespace: 'default', name: 'web' });
    expect(stored?.metadata.resourceVersion).toBe((d.metadata as Json).resourceVersion);
    expect((stored?.spec as { selector: unknown }).selector).toEqual({ matchLabels: { app: 'web' } });
  });

  it('refuses a pod spec change other than the image (PATCH), accepts an image change', async () => {
    const p = await created(PODS, pod('p'));
    const r = await api.call('PATCH', `${PODS}/p`, { body: { spec: { containers: [{ name: 'c', env: [{ name: 'A', value: '1' }] }] } }, contentType: SMP });
    expect(r.status).toBe(422);
    expect(String(r.body.message)).toContain('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`');
    const stored = await api.store.get({ resource: 'pods', namespace: 'default', name: 'p' });
    expect(stored?.metadata.resourceVersion).toBe((p.metadata as Json).resourceVersion);
    const ok = await api.call('PATCH', `${PODS}/p`, { body: { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } }, contentType: SMP });
    expect(ok.status).toBe(200);
    expect((ok.body.spec as { containers: { image: string }[] }).containers[0]?.image).toBe('busybox:2');
  });

  it('refuses new data in an immutable ConfigMap', async () => {
    await created(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, data: { a: '1' }, immutable: true });
    const r = await api.call('PATCH', `${CMS}/frozen`, { body: { data: { a: '2' } }, contentType: 'application/merge-patch+json' });
    expect(r.status).toBe(422);
    expect((r.body.details as { causes: unknown[] }).causes).toEqual([{ reason: 'FieldValueForbidden', field: 'data', message: 'Forbidden: field is immutable when `immutable` is set' }]);
    expect((await api.store.get({ resource: 'configmaps', namespace: 'default', name: 'frozen' }))?.data).toEqual({ a: '1' });
  });
});

describe('strategic merge patch through the API', () => {
  it('deletes a container with $patch: delete and reorders with $setElementOrder', async () => {
    const three = deployment('web');
    (three.spec as { template: { spec: Json } }).template.spec = { containers: ['a', 'b', 'c'].map((n) => ({ name: n, image: `${n}:1` })) };
    await created(DEPLOYS, three);
    const patch = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }], containers: [{ name: 'b', $patch: 'delete' }] } } } };
    const r = await api.call('PATCH', `${DEPLOYS}/web`, { body: patch, contentType: SMP });
    expect(r.status).toBe(200);
    expect((r.body.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers.map((c) => c.name)).toEqual(['c', 'a']);
  });

  it('answers 400 for a malformed directive', async () => {
    await created(DEPLOYS, deployment('web'));
    const r = await api.call('PATCH', `${DEPLOYS}/web`, { body: { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, contentType: SMP });
    expect(r.status).toBe(400);
    expect(String(r.body.message)).toContain('does not contain declared merge key: name');
  });
});
