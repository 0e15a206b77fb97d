// NodePlatform: the architectures annotation and spec.os against node labels and nodeInfo.

import type { PodSpec } from '../../../../shared/api/core';
import type { Labels } from '../../../../shared/api/types';
import { CycleState } from '../../framework/cycle-state';
import { fakeSnapshot, makeNode, makePod, nodeInfo, podInfo } from '../../fake/builders';
import { NodePlatform } from './node-platform';

describe('NodePlatform', () => {
  const cases: [string, string | undefined, Partial<PodSpec>, Labels, string | undefined, string][] = [
    ['nothing asked: skipped', undefined, {}, {}, undefined, 'Skip'],
    ['arch in the list (label)', 'arm64,arm', {}, { 'kubernetes.io/arch': 'arm' }, undefined, 'Success'],
    ['arch not in the list', 'arm64', {}, { 'kubernetes.io/arch': 'amd64' }, undefined, "node(s) didn't match Pod's architecture"],
    ['arch from status.nodeInfo when unlabelled', 'arm64', {}, {}, 'arm64', 'Success'],
    ['label wins over nodeInfo', 'arm64', {}, { 'kubernetes.io/arch': 'amd64' }, 'arm64', "node(s) didn't match Pod's architecture"],
    ['unknown arch does not match', 'arm64', {}, {}, undefined, "node(s) didn't match Pod's architecture"],
    ['spaces in the list are fine', ' amd64 , arm64 ', {}, { 'kubernetes.io/arch': 'arm64' }, undefined, 'Success'],
    ['spec.os matches', undefined, { os: { name: 'linux' } }, { 'kubernetes.io/os': 'linux' }, undefined, 'Success'],
    ['spec.os differs', undefined, { os: { name: 'windows' } }, { 'kubernetes.io/os': 'linux' }, undefined, "node(s) didn't match Pod's OS"],
  ];
  test.each(cases)('%s', (_name, annotation, spec, labels, architecture, want) => {
    const pod = podInfo(makePod('p', { spec, ...(annotation ? { annotations: { 'flotilla.io/architectures': annotation } } : {}) }));
    const info = nodeInfo(makeNode('n', { labels, ...(architecture ? { architecture } : {}) }));
    const state = new CycleState();
    const pre = NodePlatform.preFilter(state, pod, fakeSnapshot([info]));
    if (want === 'Skip') {
      expect(pre.status.code).toBe('Skip');
      return;
    }
    const status = NodePlatform.filter(state, pod, info);
    expect(status.code === 'Success' ? 'Success' : status.reasons[0]).toBe(want);
  });
});
