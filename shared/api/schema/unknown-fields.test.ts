// The schema table: kind lookup, every type code well-formed and every reference resolvable, and
// unknown-field detection down to the field tables that replaced free-form objects.

import { fieldType, KIND_SCHEMAS, SCHEMA_GROUPS, schemaNameOf, schemaTable, unknownFields, type FieldType } from './index';

describe('schema table', () => {
  it('resolves every reference and parses every code', () => {
    const refs = (t: FieldType): string[] => (t.kind === 'object' ? [t.schema] : t.kind === 'list' ? refs(t.item) : []);
    const tables = [...Object.values(SCHEMA_GROUPS).flatMap((g) => Object.values(g)), ...Object.values(KIND_SCHEMAS).map((k) => k.fields)];
    for (const table of tables) {
      for (const code of Object.values(table)) for (const r of refs(fieldType(code))) expect(schemaTable(r)).toBeDefined();
    }
  });

  it.each([
    ['v1', 'Pod', 'io.k8s.api.core.v1.Pod'],
    ['apps/v1', 'Deployment', 'io.k8s.api.apps.v1.Deployment'],
    ['batch/v1', 'CronJob', 'io.k8s.api.batch.v1.CronJob'],
    ['coordination.k8s.io/v1', 'Lease', 'io.k8s.api.coordination.v1.Lease'],
    ['apps/v1', 'Pod', undefined],
    ['flotilla.io/v1', 'ApiToken', undefined],
  ])('schemaNameOf(%s, %s) = %s', (apiVersion, kind, want) => {
    expect(schemaNameOf(apiVersion, kind)).toBe(want);
  });

  it('describes merge keys and strategies', () => {
    expect(fieldType('[]Container@name')).toEqual({ kind: 'list', item: { kind: 'object', schema: 'Container', retainKeys: false }, strategy: 'merge', mergeKey: 'name', retainKeys: false });
    expect(fieldType('[]Volume@name!')).toMatchObject({ strategy: 'merge', mergeKey: 'name', retainKeys: true });
    expect(fieldType('[]s+')).toMatchObject({ kind: 'list', strategy: 'merge', item: { kind: 'scalar', code: 's' } });
    expect(fieldType('[]Toleration')).toMatchObject({ strategy: 'replace' });
    expect(fieldType('DeploymentStrategy!')).toEqual({ kind: 'object', schema: 'DeploymentStrategy', retainKeys: true });
    expect(() => fieldType('[]')).toThrow('bad list code');
  });
});

describe('unknownFields', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { anything: 'goes' }, colour: 'red' },
    spec: {
      containers: [
        {
          name: 'c',
          image: 'busybox',
          securityContext: { privileged: false, superuser: true },
          env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name', extra: 1 } } }],
          livenessProbe: { httpGet: { port: 80, verb: 'GET' } },
          resources: { limits: { cpu: '1', 'example.com/gpu': 1 } },
        },
      ],
      volumes: [{ name: 'v', emptyDir: { size: '1Gi' } }, { name: 'n', nfs: { server: 'x', anything: true } }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'], weight: 1 }] }] } } },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', skew: 2 }],
    },
  };

  it('lists unknown fields at every depth, derived from apiVersion/kind', () => {
    expect(unknownFields(pod)).toEqual([
      'metadata.colour',
      'spec.containers[0].securityContext.superuser',
      'spec.containers[0].env[0].valueFrom.fieldRef.extra',
      'spec.containers[0].livenessProbe.httpGet.verb',
      'spec.volumes[0].emptyDir.size',
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].weight',
      'spec.topologySpreadConstraints[0].skew',
    ]);
  });

  it('finds them inside workload templates and job templates', () => {
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', imagee: 'x' }] } }, podFailurePolicy: { rules: [{ action: 'Ignore', when: 1 }] } } } },
    };
    expect(unknownFields(cron)).toEqual(['spec.jobTemplate.spec.template.spec.containers[0].imagee', 'spec.jobTemplate.spec.podFailurePolicy.rules[0].when']);
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: {}, spec: { strategy: { rollingUpdate: { maxSurge: 1, surge: 2 } } } };
    expect(unknownFields(deploy, 'io.k8s.api.apps.v1.Deployment')).toEqual(['spec.strategy.rollingUpdate.surge']);
  });

  it('has nothing to say about kinds without a schema', () => {
    expect(unknownFields({ apiVersion: 'flotilla.io/v1', kind: 'ApiToken', metadata: {}, anything: 1 })).toEqual([]);
  });
});
