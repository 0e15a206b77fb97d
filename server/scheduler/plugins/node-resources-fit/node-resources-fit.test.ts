// NodeResourcesFit: requests against what is left on the node, reasons in Kubernetes wording.

import { CycleState } from '../../framework/cycle-state';
import { makeNode, makePod, nodeInfo, podInfo, type NodeOptions, type PodOptions } from '../../fake/builders';
import { NodeResourcesFit } from './node-resources-fit';

describe('NodeResourcesFit', () => {
  const cases: [string, NodeOptions, PodOptions[], PodOptions, string[]][] = [
    ['fits on an empty node', { cpu: '1', memory: '1Gi' }, [], { cpu: '500m', memory: '512Mi' }, []],
    ['exactly fills the node', { cpu: '1', memory: '1Gi' }, [{ cpu: '500m', memory: '512Mi' }], { cpu: '500m', memory: '512Mi' }, []],
    ['not enough memory left', { cpu: '4', memory: '1Gi' }, [{ memory: '768Mi' }], { memory: '512Mi' }, ['Insufficient memory']],
    ['not enough cpu left', { cpu: '1', memory: '8Gi' }, [{ cpu: '900m' }], { cpu: '200m' }, ['Insufficient cpu']],
    ['both, in Kubernetes order', { cpu: '1', memory: '1Gi' }, [], { cpu: '2', memory: '2Gi' }, ['Insufficient cpu', 'Insufficient memory']],
    ['pod slots exhausted', { pods: 2 }, [{}, {}], {}, ['Too many pods']],
    ['best-effort pod still needs a slot', { pods: 1 }, [], {}, []],
    ['extended resource available', { extra: { 'flotilla.io/camera': '1' } }, [], { extra: { 'flotilla.io/camera': '1' } }, []],
    ['extended resource taken', { extra: { 'flotilla.io/camera': '1' } }, [{ extra: { 'flotilla.io/camera': '1' } }], { extra: { 'flotilla.io/camera': '1' } }, ['Insufficient flotilla.io/camera']],
    ['extended resource the node lacks', {}, [], { extra: { 'flotilla.io/camera': '1' } }, ['Insufficient flotilla.io/camera']],
    ['ephemeral storage', { extra: { 'ephemeral-storage': '1Gi' } }, [], { extra: { 'ephemeral-storage': '2Gi' } }, ['Insufficient ephemeral-storage']],
  ];
  test.each(cases)('%s', (_name, nodeOpts, existing, podOpts, reasons) => {
    const existingPods = existing.map((o, i) => makePod(`existing-${i}`, o));
    const status = NodeResourcesFit.filter(new CycleState(), podInfo(makePod('p', podOpts)), nodeInfo(makeNode('n', nodeOpts), existingPods));
    expect(status.code).toBe(reasons.length ? 'Unschedulable' : 'Success');
    expect(status.reasons).toEqual(reasons);
  });

  test('init containers and overhead count (effective request)', () => {
    const pod = makePod('p', { cpu: '100m', spec: { initContainers: [{ name: 'init', resources: { requests: { cpu: '900m' } } }], overhead: { cpu: '200m' } } });
    expect(NodeResourcesFit.filter(new CycleState(), podInfo(pod), nodeInfo(makeNode('n', { cpu: '1' }))).reasons).toEqual(['Insufficient cpu']);
    expect(NodeResourcesFit.filter(new CycleState(), podInfo(pod), nodeInfo(makeNode('n', { cpu: '1100m' }))).code).toBe('Success');
  });
});
