// NodeResourcesLeastAllocated scores, table-driven.

import { CycleState } from '../../framework/cycle-state';
import { makeNode, makePod, nodeInfo, podInfo, type NodeOptions, type PodOptions } from '../../fake/builders';
import { NodeResourcesLeastAllocated } from './least-allocated';

describe('NodeResourcesLeastAllocated', () => {
  test.each([
    ['empty node, small pod', { cpu: '4', memory: '4Gi' }, [], { cpu: '1', memory: '1Gi' }, 75],
    ['half used by others', { cpu: '4', memory: '4Gi' }, [{ cpu: '2', memory: '2Gi' }], { cpu: '1', memory: '1Gi' }, 25],
    ['cpu and memory average', { cpu: '4', memory: '4Gi' }, [], { cpu: '2', memory: '1Gi' }, 62],
    ['pods without requests count as 100m / 200Mi', { cpu: '1', memory: '1000Mi' }, [], {}, 85],
    ['over capacity scores 0 for that resource', { cpu: '1', memory: '4Gi' }, [], { cpu: '2', memory: '2Gi' }, 25],
  ] as [string, NodeOptions, PodOptions[], PodOptions, number][])('%s → %p', (_name, nodeOpts, existing, podOpts, want) => {
    const info = nodeInfo(makeNode('n', nodeOpts), existing.map((o, i) => makePod(`e${i}`, o)));
    expect(NodeResourcesLeastAllocated.score(new CycleState(), podInfo(makePod('p', podOpts)), info)).toBe(want);
  });

  test('a bigger node with the same load scores higher', () => {
    const pod = podInfo(makePod('p', { cpu: '500m', memory: '512Mi' }));
    const small = nodeInfo(makeNode('small', { cpu: '1', memory: '1Gi' }));
    const big = nodeInfo(makeNode('big', { cpu: '4', memory: '8Gi' }));
    expect(NodeResourcesLeastAllocated.score(new CycleState(), pod, big)).toBeGreaterThan(NodeResourcesLeastAllocated.score(new CycleState(), pod, small));
  });
});
