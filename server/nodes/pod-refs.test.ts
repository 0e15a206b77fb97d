import { podReferences } from './pod-refs';

describe('podReferences', () => {
  it.each([
    ['nothing', {}, { configMaps: [], secrets: [] }],
    ['volumes', { volumes: [{ name: 'a', configMap: { name: 'cm1' } }, { name: 'b', secret: { secretName: 's1' } }, { name: 'c', emptyDir: {} }] }, { configMaps: ['cm1'], secrets: ['s1'] }],
    ['projected', { volumes: [{ name: 'p', projected: { sources: [{ configMap: { name: 'cm2' } }, { secret: { name: 's2' } }] } }] }, { configMaps: ['cm2'], secrets: ['s2'] }],
    [
      'env and envFrom in containers and init containers',
      {
        containers: [{ name: 'x', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm3', key: 'k' } } }, { name: 'B', value: 'plain' }], envFrom: [{ secretRef: { name: 's3' } }] }],
        initContainers: [{ name: 'i', env: [{ name: 'C', valueFrom: { secretKeyRef: { name: 's4', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'cm3' } }] }],
      },
      { configMaps: ['cm3'], secrets: ['s3', 's4'] },
    ],
    ['image pull secrets', { imagePullSecrets: [{ name: 'regcred' }] }, { configMaps: [], secrets: ['regcred'] }],
    ['garbage shapes', { volumes: 'x', containers: [null, 3, { env: {} }] }, { configMaps: [], secrets: [] }],
  ])('%s', (_what, spec, expected) => {
    expect(podReferences({ spec } as never)).toEqual(expected);
  });
});
