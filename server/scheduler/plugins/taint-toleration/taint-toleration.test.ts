// TaintToleration: NoSchedule/NoExecute filtering and PreferNoSchedule scoring.

import type { Taint, Toleration } from '../../../../shared/api/core';
import { CycleState } from '../../framework/cycle-state';
import { fakeSnapshot, makeNode, makePod, nodeInfo, podInfo } from '../../fake/builders';
import { TaintToleration } from './taint-toleration';

const camera: Taint = { key: 'dedicated', value: 'camera', effect: 'NoSchedule' };
const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const soft: Taint = { key: 'battery', value: 'low', effect: 'PreferNoSchedule' };

describe('TaintToleration filter', () => {
  test.each([
    ['no taints', [], [], undefined],
    ['NoSchedule not tolerated', [camera], [], "node(s) had untolerated taint {dedicated: camera}"],
    ['NoSchedule tolerated', [camera], [{ key: 'dedicated', value: 'camera', effect: 'NoSchedule' }], undefined],
    ['NoExecute not tolerated', [unreachable], [], "node(s) had untolerated taint {node.kubernetes.io/unreachable: }"],
    ['NoExecute tolerated with Exists', [unreachable], [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }], undefined],
    ['PreferNoSchedule never filters', [soft], [], undefined],
    ['the first untolerated taint is named', [camera, unreachable], [{ key: 'dedicated', operator: 'Exists' }], "node(s) had untolerated taint {node.kubernetes.io/unreachable: }"],
  ] as [string, Taint[], Toleration[], string | undefined][])('%s', (_name, taints, tolerations, reason) => {
    const status = TaintToleration.filter(new CycleState(), podInfo(makePod('p', { spec: { tolerations } })), nodeInfo(makeNode('n', { taints })));
    expect(status.code).toBe(reason ? 'UnschedulableAndUnresolvable' : 'Success');
    expect(status.reasons).toEqual(reason ? [reason] : []);
  });
});

describe('TaintToleration score', () => {
  test.each([
    ['fewer intolerable PreferNoSchedule taints score higher', [[], [soft], [soft, { ...soft, key: 'heat' }]], [], [100, 50, 0]],
    ['tolerated soft taints do not count', [[], [soft]], [{ key: 'battery', operator: 'Exists' }], [100, 100]],
    ['a toleration with effect NoSchedule does not tolerate PreferNoSchedule', [[], [soft]], [{ key: 'battery', operator: 'Exists', effect: 'NoSchedule' }], [100, 0]],
  ] as [string, Taint[][], Toleration[], number[]][])('%s', (_name, taintsPerNode, tolerations, want) => {
    const pod = podInfo(makePod('p', { spec: { tolerations } }));
    const nodes = taintsPerNode.map((taints, i) => nodeInfo(makeNode(`n${i}`, { taints })));
    const state = new CycleState();
    expect(TaintToleration.preScore(state, pod, nodes, fakeSnapshot(nodes)).code).toBe('Success');
    const scores = nodes.map((n) => TaintToleration.score(state, pod, n));
    TaintToleration.normalizeScore(state, pod, scores, nodes);
    expect(scores).toEqual(want);
  });
});

test('TaintToleration score is skipped when no candidate has a PreferNoSchedule taint', () => {
  const nodes = [nodeInfo(makeNode('a')), nodeInfo(makeNode('b', { taints: [camera] }))];
  expect(TaintToleration.preScore(new CycleState(), podInfo(makePod('p')), nodes, fakeSnapshot(nodes)).code).toBe('Skip');
});
