// NodeReady: Ready condition and the not-ready/unreachable tolerations.

import type { Toleration } from '../../../../shared/api/core';
import { CycleState } from '../../framework/cycle-state';
import { makeNode, makePod, nodeInfo, podInfo } from '../../fake/builders';
import { NodeReady } from './node-ready';

const notReady: Toleration = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' };
const unreachable: Toleration = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' };

describe('NodeReady', () => {
  test.each([
    ['Ready', 'True', [], 'Success'],
    ['NotReady', 'False', [], 'Unschedulable'],
    ['Unknown (unreachable)', 'Unknown', [], 'Unschedulable'],
    ['no Ready condition yet', null, [], 'Unschedulable'],
    ['NotReady, pod tolerates not-ready', 'False', [notReady], 'Success'],
    ['Unknown, pod tolerates not-ready only', 'Unknown', [notReady], 'Unschedulable'],
    ['Unknown, pod tolerates unreachable', 'Unknown', [unreachable], 'Success'],
    ['no condition, pod tolerates not-ready', null, [notReady], 'Success'],
  ] as [string, 'True' | 'False' | 'Unknown' | null, Toleration[], string][])('%s', (_name, ready, tolerations, code) => {
    const status = NodeReady.filter(new CycleState(), podInfo(makePod('p', { spec: { tolerations } })), nodeInfo(makeNode('n', { ready })));
    expect(status.code).toBe(code);
    if (code !== 'Success') expect(status.reasons).toEqual(['node(s) were not ready']);
  });
});
