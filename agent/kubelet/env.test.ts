// Table-driven tests of container environments: literals, ConfigMap/Secret keys, envFrom, pod fields, $(VAR) expansion, errors.

import type { ConfigMap, Container, Pod, Secret } from '../../shared/api/core';
import type { ConfigLookup } from './config-lookup';
import { containerEnv, expand } from './env';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'apps', uid: 'u-1', labels: { tier: 'front' } },
  spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { memory: '64Mi', cpu: '500m' } } }], nodeName: 'pi-1' },
};
const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'apps' }, data: { mode: 'fast', 'bad key': 'x' } };
const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'apps' }, data: { password: Buffer.from('s3cret').toString('base64') } };
const config: ConfigLookup = {
  configMap: (ns, name) => (ns === 'apps' && name === 'cfg' ? cm : undefined),
  secret: (ns, name) => (ns === 'apps' && name === 'creds' ? secret : undefined),
};
const facts = { nodeName: 'pi-1', podIP: '10.88.0.7', hostIP: '192.168.1.20' };
const envOf = (c: Partial<Container>): Record<string, string> => containerEnv(pod, { name: 'c', image: 'x', ...c }, config, facts);

describe('containerEnv', () => {
  it.each<[string, Partial<Container>, Record<string, string>]>([
    ['literals, later wins', { env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }, { A: '2' }],
    ['configMapKeyRef', { env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }] }, { MODE: 'fast' }],
    ['secretKeyRef (decoded)', { env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } }] }, { PW: 's3cret' }],
    ['optional refs that miss', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } }, { name: 'Y', valueFrom: { secretKeyRef: { name: 'creds', key: 'nope', optional: true } } }] }, {}],
    [
      'pod fields',
      {
        env: ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'status.podIP', 'status.hostIP', "metadata.labels['tier']"].map((fieldPath, i) => ({ name: `F${i}`, valueFrom: { fieldRef: { fieldPath } } })),
      },
      { F0: 'web', F1: 'apps', F2: 'u-1', F3: 'pi-1', F4: '10.88.0.7', F5: '192.168.1.20', F6: 'front' },
    ],
    ['resource fields', { env: [{ name: 'MEM', valueFrom: { resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } } }, { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } }], resources: { limits: { cpu: '250m' } } }, { MEM: '64', CPU: '250' }],
    ['envFrom with prefix, invalid names skipped, env wins', { envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'creds' } }], env: [{ name: 'password', value: 'override' }] }, { CFG_mode: 'fast', password: 'override' }],
    ['$(VAR) expansion of earlier values', { env: [{ name: 'HOST', value: 'db' }, { name: 'URL', value: 'http://$(HOST):$(PORT)/$$(HOST)' }] }, { HOST: 'db', URL: 'http://db:$(PORT)/$(HOST)' }],
  ])('%s', (_name, container, want) => expect(envOf(container)).toEqual(want));

  it.each<[string, Partial<Container>, string]>([
    ['missing ConfigMap', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] }, 'configmap "nope" not found'],
    ['missing ConfigMap key', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }, "couldn't find key k in ConfigMap apps/cfg"],
    ['missing Secret', { envFrom: [{ secretRef: { name: 'nope' } }] }, 'secret "nope" not found'],
    ['missing Secret key', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'k' } } }] }, "couldn't find key k in Secret apps/creds"],
    ['unsupported field', { env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.nope' } } }] }, 'unsupported fieldRef fieldPath: "spec.nope"'],
  ])('fails clearly on a %s', (_name, container, message) => expect(() => envOf(container)).toThrow(message));
});

describe('expand', () => {
  it.each([
    ['$(A)-$(B)', { A: '1', B: '2' }, '1-2'],
    ['$(MISSING)', {}, '$(MISSING)'],
    ['$$(A) costs $$5', { A: '1' }, '$(A) costs $5'],
    ['no refs', { A: '1' }, 'no refs'],
  ])('%s', (text, env, want) => expect(expand(text, env)).toBe(want));
});
