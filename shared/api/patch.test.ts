// JSON merge patch (RFC 7386 appendix A) and strategic merge patch cases following Kubernetes'
// strategicpatch semantics: merge keys per path, replaced lists, directives, retainKeys, ordering.

import { jsonMergePatch, strategicMergePatch } from './patch';

describe('jsonMergePatch (RFC 7386 appendix A)', () => {
  it.each<[unknown, unknown, unknown]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, want) => {
    expect(jsonMergePatch(target, patch)).toEqual(want);
  });
});

type Obj = Record<string, unknown>;
const c = (name: string, extra: Obj = {}): Obj => ({ name, image: `${name}:1`, ...extra });
const pod = (spec: Obj, metadata: Obj = { name: 'p' }): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
const deploy = (spec: Obj): Obj => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec });
const podSpec = (spec: Obj): Obj => ({ spec });

describe('strategicMergePatch', () => {
  it.each<[string, Obj, unknown, Obj]>([
    ['merges containers by name', pod({ containers: [c('app'), c('side')] }), podSpec({ containers: [{ name: 'side', image: 'side:2' }] }), pod({ containers: [c('app'), c('side', { image: 'side:2' })] })],
    [
      'merges env by name inside a container',
      pod({ containers: [c('app', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] })] }),
      podSpec({ containers: [{ name: 'app', env: [{ name: 'B', value: '22' }] }] }),
      pod({ containers: [c('app', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '22' }] })] }),
    ],
    [
      'puts an added entry first when no $setElementOrder says otherwise (apimachinery order)',
      pod({ containers: [c('app', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] })] }),
      podSpec({ containers: [{ name: 'app', env: [{ name: 'C', value: '3' }] }] }),
      pod({ containers: [c('app', { env: [{ name: 'C', value: '3' }, { name: 'A', value: '1' }, { name: 'B', value: '2' }] })] }),
    ],
    [
      'places an added entry where $setElementOrder puts it',
      pod({ containers: [c('app', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] })] }),
      podSpec({ containers: [{ name: 'app', '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }, { name: 'B' }], env: [{ name: 'C', value: '3' }] }] }),
      pod({ containers: [c('app', { env: [{ name: 'A', value: '1' }, { name: 'C', value: '3' }, { name: 'B', value: '2' }] })] }),
    ],
    [
      'merges ports by containerPort',
      pod({ containers: [c('app', { ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] })] }),
      podSpec({ containers: [{ name: 'app', ports: [{ containerPort: 80, protocol: 'UDP' }] }] }),
      pod({ containers: [c('app', { ports: [{ containerPort: 80, name: 'http', protocol: 'UDP' }, { containerPort: 443 }] })] }),
    ],
    [
      'merges volumeMounts by mountPath',
      pod({ containers: [c('app', { volumeMounts: [{ name: 'a', mountPath: '/a' }, { name: 'b', mountPath: '/b' }] })] }),
      podSpec({ containers: [{ name: 'app', volumeMounts: [{ mountPath: '/b', readOnly: true }] }] }),
      pod({ containers: [c('app', { volumeMounts: [{ name: 'a', mountPath: '/a' }, { name: 'b', mountPath: '/b', readOnly: true }] })] }),
    ],
    [
      'merges volumes by name and honours $retainKeys (a volume changes its source)',
      pod({ containers: [c('app')], volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'x' } }] }),
      podSpec({ volumes: [{ name: 'data', hostPath: { path: '/srv' }, $retainKeys: ['hostPath', 'name'] }] }),
      pod({ containers: [c('app')], volumes: [{ name: 'data', hostPath: { path: '/srv' } }, { name: 'cfg', configMap: { name: 'x' } }] }),
    ],
    ['deletes a container with $patch: delete', pod({ containers: [c('a'), c('b'), c('c')] }), podSpec({ containers: [{ name: 'b', $patch: 'delete' }] }), pod({ containers: [c('a'), c('c')] })],
    [
      'reorders containers by $setElementOrder alone',
      pod({ containers: [c('a'), c('b'), c('c')] }),
      podSpec({ '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] }),
      pod({ containers: [c('c'), c('a'), c('b')] }),
    ],
    [
      'deletes and reorders in one patch (what kubectl apply sends)',
      pod({ containers: [c('a'), c('b'), c('c')] }),
      podSpec({ '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }], containers: [{ name: 'b', $patch: 'delete' }, { name: 'c', image: 'c:2' }] }),
      pod({ containers: [c('c', { image: 'c:2' }), c('a')] }),
    ],
    ['replaces a merge list with $patch: replace', pod({ containers: [c('a'), c('b')] }), podSpec({ containers: [{ $patch: 'replace' }, c('x')] }), pod({ containers: [c('x')] })],
    ['replaces lists without a merge key (command, tolerations)', pod({ containers: [c('a', { command: ['sh', '-c'] })], tolerations: [{ key: 'a', operator: 'Exists' }] }), podSpec({ containers: [{ name: 'a', command: ['sleep'] }], tolerations: [{ key: 'b', operator: 'Exists' }] }), pod({ containers: [c('a', { command: ['sleep'] })], tolerations: [{ key: 'b', operator: 'Exists' }] })],
    ['replaces a map with $patch: replace', pod({ containers: [c('a')], nodeSelector: { a: '1', b: '2' } }), podSpec({ nodeSelector: { $patch: 'replace', c: '3' } }), pod({ containers: [c('a')], nodeSelector: { c: '3' } })],
    ['empties a map with $patch: delete', pod({ containers: [c('a')], nodeSelector: { a: '1' } }), podSpec({ nodeSelector: { $patch: 'delete' } }), pod({ containers: [c('a')], nodeSelector: {} })],
    ['deletes a field with null', pod({ containers: [c('a')], nodeName: 'n1', hostname: 'h' }), podSpec({ nodeName: null, absent: null }), pod({ containers: [c('a')], hostname: 'h' })],
    ['merges a set of scalars (finalizers) and keeps live order', pod({}, { name: 'p', finalizers: ['a', 'b'] }), { metadata: { finalizers: ['b', 'c'] } }, pod({}, { name: 'p', finalizers: ['a', 'b', 'c'] })],
    ['removes scalars with $deleteFromPrimitiveList', pod({}, { name: 'p', finalizers: ['a', 'b', 'c'] }), { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } }, pod({}, { name: 'p', finalizers: ['a', 'c'] })],
    ['orders a set of scalars by $setElementOrder', pod({}, { name: 'p', finalizers: ['a', 'b'] }), { metadata: { '$setElementOrder/finalizers': ['c', 'b', 'a'], finalizers: ['c'] } }, pod({}, { name: 'p', finalizers: ['c', 'b', 'a'] })],
    ['strips directives from entries that are new', pod({ containers: [c('a')] }), podSpec({ containers: [{ name: 'b', image: 'b:1', env: [{ name: 'X', $patch: 'delete' }, { name: 'Y', value: 'y', bogus: null }] }] }), pod({ containers: [c('b', { env: [{ name: 'Y', value: 'y' }] }), c('a')] })],
  ])('%s', (_name, original, patch, want) => {
    const before = structuredClone(original);
    expect(strategicMergePatch(original, patch)).toEqual(want);
    expect(original).toEqual(before);
  });

  it('honours $retainKeys on a struct (Deployment strategy switched to Recreate)', () => {
    const d = deploy({ replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } });
    const out = strategicMergePatch(d, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
    expect(out.spec).toEqual({ replicas: 1, strategy: { type: 'Recreate' } });
  });

  it('merges Service ports by port and keeps sibling fields', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'a' }, ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const out = strategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }] } });
    expect(out.spec).toEqual({ selector: { app: 'a' }, ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] });
  });

  it('merges maps and replaces lists for kinds without a schema, or under a free-form field', () => {
    const token = { apiVersion: 'flotilla.io/v1', kind: 'ApiToken', metadata: { name: 't' }, roles: ['a', 'b'], extra: { x: 1 } };
    expect(strategicMergePatch(token, { roles: ['c'], extra: { y: 2 } })).toEqual({ ...token, roles: ['c'], extra: { x: 1, y: 2 } });
    const withSchema = pod({ containers: [c('a')] });
    expect(strategicMergePatch(withSchema, { spec: { containers: [{ name: 'b' }] } }, { schema: 'io.k8s.api.core.v1.Node' })).toEqual(pod({ containers: [{ name: 'b' }] }));
  });

  it.each<[string, unknown, string]>([
    ['an unknown $patch value', podSpec({ containers: [{ name: 'a', $patch: 'explode' }] }), 'unknown $patch directive "explode"'],
    ['$patch: merge on a list', podSpec({ containers: [{ $patch: 'merge' }] }), 'merging lists cannot yet be specified in the patch'],
    ['a list entry without its merge key', podSpec({ containers: [{ image: 'x' }] }), 'does not contain declared merge key: name'],
    ['a delete without its merge key', podSpec({ containers: [{ $patch: 'delete' }] }), 'does not contain declared merge key: name'],
    ['$setElementOrder contradicting the patch', podSpec({ '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'a' }, { name: 'b' }] }), "doesn't match the $setElementOrder list"],
    ['a field outside $retainKeys', podSpec({ volumes: [{ name: 'v', emptyDir: {}, $retainKeys: ['name'] }] }), 'field "emptyDir" is set but not listed in $retainKeys'],
    ['an unknown directive', { metadata: { $explode: true } }, 'unknown directive "$explode"'],
    ['a patch that is not an object', ['x'], 'the patch must be a JSON object'],
  ])('refuses %s', (_name, patch, message) => {
    expect(() => strategicMergePatch(pod({ containers: [c('a'), c('b')], volumes: [{ name: 'v', emptyDir: {} }] }), patch)).toThrow(message);
  });
});
