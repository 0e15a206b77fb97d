// NodeAffinity: nodeSelector, required terms with every operator, matchFields pinning, preferred scores.

import type { Affinity, NodeSelectorRequirement } from '../../../../shared/api/core';
import type { Labels } from '../../../../shared/api/types';
import { CycleState } from '../../framework/cycle-state';
import { fakeSnapshot, makeNode, makePod, nodeInfo, podInfo } from '../../fake/builders';
import { NodeAffinity } from './node-affinity';

const required = (...exprs: NodeSelectorRequirement[]): Affinity => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: exprs }] } } });
const piLabels: Labels = { 'kubernetes.io/arch': 'arm64', board: 'pi4', 'memory-gb': '4', zone: 'shed' };

describe('NodeAffinity filter', () => {
  const cases: [string, { nodeSelector?: Labels; affinity?: Affinity }, string, Labels, boolean][] = [
    ['nothing asked: skipped', {}, 'pi', piLabels, true],
    ['nodeSelector match', { nodeSelector: { 'kubernetes.io/arch': 'arm64' } }, 'pi', piLabels, true],
    ['nodeSelector mismatch', { nodeSelector: { 'kubernetes.io/arch': 'amd64' } }, 'pi', piLabels, false],
    ['In', { affinity: required({ key: 'board', operator: 'In', values: ['pi4', 'pi5'] }) }, 'pi', piLabels, true],
    ['In, missing label', { affinity: required({ key: 'camera', operator: 'In', values: ['yes'] }) }, 'pi', piLabels, false],
    ['NotIn', { affinity: required({ key: 'board', operator: 'NotIn', values: ['pi3'] }) }, 'pi', piLabels, true],
    ['NotIn hit', { affinity: required({ key: 'board', operator: 'NotIn', values: ['pi4'] }) }, 'pi', piLabels, false],
    ['Exists', { affinity: required({ key: 'zone', operator: 'Exists' }) }, 'pi', piLabels, true],
    ['DoesNotExist', { affinity: required({ key: 'zone', operator: 'DoesNotExist' }) }, 'pi', piLabels, false],
    ['Gt', { affinity: required({ key: 'memory-gb', operator: 'Gt', values: ['2'] }) }, 'pi', piLabels, true],
    ['Gt equal is false', { affinity: required({ key: 'memory-gb', operator: 'Gt', values: ['4'] }) }, 'pi', piLabels, false],
    ['Lt', { affinity: required({ key: 'memory-gb', operator: 'Lt', values: ['8'] }) }, 'pi', piLabels, true],
    ['Lt on a non-integer label', { affinity: required({ key: 'board', operator: 'Lt', values: ['8'] }) }, 'pi', piLabels, false],
    ['requirements in a term are ANDed', { affinity: required({ key: 'board', operator: 'In', values: ['pi4'] }, { key: 'zone', operator: 'In', values: ['field'] }) }, 'pi', piLabels, false],
    [
      'terms are ORed',
      { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['field'] }] }, { matchExpressions: [{ key: 'board', operator: 'In', values: ['pi4'] }] }] } } } },
      'pi',
      piLabels,
      true,
    ],
    ['an empty term matches nothing', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } } } }, 'pi', piLabels, false],
    ['nodeSelector AND affinity', { nodeSelector: { board: 'pi4' }, affinity: required({ key: 'zone', operator: 'In', values: ['field'] }) }, 'pi', piLabels, false],
    ['matchFields metadata.name In', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['pi'] }] }] } } } }, 'pi', piLabels, true],
    ['matchFields metadata.name other', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['other'] }] }] } } } }, 'pi', piLabels, false],
    ['matchFields on an unsupported field', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.uid', operator: 'In', values: ['x'] }] }] } } } }, 'pi', piLabels, false],
  ];
  test.each(cases)('%s', (_name, spec, nodeName, labels, fits) => {
    const pod = podInfo(makePod('p', { spec }));
    const info = nodeInfo(makeNode(nodeName, { labels }));
    const state = new CycleState();
    const pre = NodeAffinity.preFilter(state, pod, fakeSnapshot([info]));
    if (pre.status.code === 'Skip') {
      expect(fits).toBe(true);
      return;
    }
    const status = NodeAffinity.filter(state, pod, info);
    expect(status.code).toBe(fits ? 'Success' : 'UnschedulableAndUnresolvable');
    if (!fits) expect(status.reasons).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
  });

  test('matchFields metadata.name pins the nodes looked at', () => {
    const pod = podInfo(makePod('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a', 'b'] }] }] } } } } }));
    expect([...(NodeAffinity.preFilter(new CycleState(), pod, fakeSnapshot([])).nodeNames ?? [])]).toEqual(['a', 'b']);
  });
});

describe('NodeAffinity score (preferred terms)', () => {
  test('weights of matching terms add up and are normalized to 0..100', () => {
    const affinity: Affinity = {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 80, preference: { matchExpressions: [{ key: 'board', operator: 'In', values: ['pi5'] }] } },
          { weight: 20, preference: { matchExpressions: [{ key: 'camera', operator: 'Exists' }] } },
        ],
      },
    };
    const pod = podInfo(makePod('p', { spec: { affinity } }));
    const nodes = [
      nodeInfo(makeNode('both', { labels: { board: 'pi5', camera: '' } })),
      nodeInfo(makeNode('board', { labels: { board: 'pi5' } })),
      nodeInfo(makeNode('camera', { labels: { board: 'pi4', camera: '' } })),
      nodeInfo(makeNode('none', { labels: { board: 'pi4' } })),
    ];
    const state = new CycleState();
    expect(NodeAffinity.preScore(state, pod, nodes, fakeSnapshot(nodes)).code).toBe('Success');
    const scores = nodes.map((n) => NodeAffinity.score(state, pod, n));
    expect(scores).toEqual([100, 80, 20, 0]);
    NodeAffinity.normalizeScore(state, pod, scores, nodes);
    expect(scores).toEqual([100, 80, 20, 0]);
  });

  test('normalization scales the best to 100', () => {
    const affinity: Affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, preference: { matchExpressions: [{ key: 'board', operator: 'In', values: ['pi5'] }] } }] } };
    const pod = podInfo(makePod('p', { spec: { affinity } }));
    const nodes = [nodeInfo(makeNode('a', { labels: { board: 'pi5' } })), nodeInfo(makeNode('b'))];
    const state = new CycleState();
    NodeAffinity.preScore(state, pod, nodes, fakeSnapshot(nodes));
    const scores = nodes.map((n) => NodeAffinity.score(state, pod, n));
    NodeAffinity.normalizeScore(state, pod, scores, nodes);
    expect(scores).toEqual([100, 0]);
  });

  test('no preferred terms: skipped', () => {
    expect(NodeAffinity.preScore(new CycleState(), podInfo(makePod('p')), [], fakeSnapshot([])).code).toBe('Skip');
  });
});
