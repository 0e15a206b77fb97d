// NodeResourcesBalancedAllocation scores, table-driven.

import { CycleState } from '../../framework/cycle-state';
import { fakeSnapshot, makeNode, makePod, nodeInfo, podInfo, type NodeOptions, type PodOptions } from '../../fake/builders';
import { NodeResourcesBalancedAllocation } from './balanced-allocation';

describe('NodeResourcesBalancedAllocation', () => {
  test.each([
    ['equal fractions: 100', { cpu: '4', memory: '4Gi' }, [], { cpu: '1', memory: '1Gi' }, 100],
    ['cpu 50%, memory 0%: 75', { cpu: '4', memory: '4Gi' }, [], { cpu: '2', memory: '1Mi' }, 75],
    ['existing pods count', { cpu: '4', memory: '4Gi' }, [{ memory: '2Gi' }], { cpu: '2' }, 100],
    ['fractions above 1 are capped', { cpu: '1', memory: '4Gi' }, [], { cpu: '3', memory: '1Mi' }, 50],
  ] as [string, NodeOptions, PodOptions[], PodOptions, number][])('%s', (_name, nodeOpts, existing, podOpts, want) => {
    const info = nodeInfo(makeNode('n', nodeOpts), existing.map((o, i) => makePod(`e${i}`, o)));
    expect(NodeResourcesBalancedAllocation.score(new CycleState(), podInfo(makePod('p', podOpts)), info)).toBe(want);
  });

  test('best-effort pods are skipped', () => {
    expect(NodeResourcesBalancedAllocation.preScore(new CycleState(), podInfo(makePod('p')), [], fakeSnapshot([])).code).toBe('Skip');
    expect(NodeResourcesBalancedAllocation.preScore(new CycleState(), podInfo(makePod('p', { cpu: '1' })), [], fakeSnapshot([])).code).toBe('Success');
  });
});
