// A pod's effective request (init containers, sidecars, overhead) and the scoring defaults.

import type { Container, PodSpec } from '../../../shared/api/core';
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, nonZeroRequests, podRequests, resourceFromList } from './resources';

const c = (name: string, requests: Record<string, string>, sidecar = false): Container => ({ name, resources: { requests }, ...(sidecar ? { restartPolicy: 'Always' as const } : {}) });
const Mi = 1024 * 1024;

describe('podRequests (effective request)', () => {
  const cases: [string, PodSpec, { milliCpu: number; memory: number; camera?: number }][] = [
    ['sum of containers', { containers: [c('a', { cpu: '100m', memory: '64Mi' }), c('b', { cpu: '200m', memory: '32Mi' })] }, { milliCpu: 300, memory: 96 * Mi }],
    ['no requests', { containers: [{ name: 'a' }] }, { milliCpu: 0, memory: 0 }],
    ['init container larger than the app wins per resource', { initContainers: [c('init', { cpu: '1', memory: '16Mi' })], containers: [c('a', { cpu: '100m', memory: '64Mi' })] }, { milliCpu: 1000, memory: 64 * Mi }],
    ['init containers run one at a time: max, not sum', { initContainers: [c('i1', { cpu: '500m' }), c('i2', { cpu: '700m' })], containers: [c('a', { cpu: '100m' })] }, { milliCpu: 700, memory: 0 }],
    ['sidecars add to the app and to later init containers', { initContainers: [c('side', { cpu: '200m' }, true), c('init', { cpu: '900m' })], containers: [c('a', { cpu: '100m' })] }, { milliCpu: 1100, memory: 0 }],
    ['sidecar plus app beats a small init', { initContainers: [c('side', { cpu: '200m' }, true), c('init', { cpu: '100m' })], containers: [c('a', { cpu: '500m' })] }, { milliCpu: 700, memory: 0 }],
    ['overhead is added', { containers: [c('a', { cpu: '100m', memory: '10Mi' })], overhead: { cpu: '50m', memory: '5Mi' } }, { milliCpu: 150, memory: 15 * Mi }],
    ['extended resources add up', { containers: [c('a', { 'flotilla.io/camera': '1' }), c('b', { 'flotilla.io/camera': '1' })] }, { milliCpu: 0, memory: 0, camera: 2 }],
  ];
  test.each(cases)('%s', (_name, spec, want) => {
    const r = podRequests(spec);
    expect(r.milliCpu).toBe(want.milliCpu);
    expect(r.memory).toBe(want.memory);
    expect(r.scalar?.get('flotilla.io/camera')).toBe(want.camera);
  });
});

describe('nonZeroRequests', () => {
  test.each([
    ['defaults when missing', { containers: [{ name: 'a' }] }, DEFAULT_MILLI_CPU_REQUEST, DEFAULT_MEMORY_REQUEST],
    ['own values when given', { containers: [c('a', { cpu: '250m', memory: '1Mi' })] }, 250, Mi],
    ['per container', { containers: [c('a', { cpu: '250m' }), { name: 'b' }] }, 350, 2 * DEFAULT_MEMORY_REQUEST],
  ] as [string, PodSpec, number, number][])('%s', (_name, spec, cpu, memory) => {
    expect(nonZeroRequests(spec)).toEqual({ milliCpu: cpu, memory });
  });
});

test('resourceFromList parses allocatable', () => {
  const r = resourceFromList({ cpu: '4', memory: '1Gi', pods: '110', 'ephemeral-storage': '10Gi', 'flotilla.io/camera': '2' });
  expect(r).toEqual({ milliCpu: 4000, memory: 2 ** 30, pods: 110, ephemeralStorage: 10 * 2 ** 30, scalar: new Map([['flotilla.io/camera', 2]]) });
});
