// NodeUnschedulable: cordoned nodes and the unschedulable toleration.

import type { Toleration } from '../../../../shared/api/core';
import { CycleState } from '../../framework/cycle-state';
import { makeNode, makePod, nodeInfo, podInfo } from '../../fake/builders';
import { NodeUnschedulable } from './node-unschedulable';

describe('NodeUnschedulable', () => {
  test.each([
    ['schedulable node', false, undefined, 'Success'],
    ['cordoned node', true, undefined, 'UnschedulableAndUnresolvable'],
    ['cordoned, pod tolerates the unschedulable taint', true, [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }], 'Success'],
    ['cordoned, pod tolerates everything', true, [{ operator: 'Exists' }], 'Success'],
    ['cordoned, toleration for NoExecute only', true, [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }], 'UnschedulableAndUnresolvable'],
  ] as [string, boolean, Toleration[] | undefined, string][])('%s', (_name, cordoned, tolerations, code) => {
    const status = NodeUnschedulable.filter(new CycleState(), podInfo(makePod('p', { spec: tolerations ? { tolerations } : {} })), nodeInfo(makeNode('n', { unschedulable: cordoned })));
    expect(status.code).toBe(code);
    if (code !== 'Success') expect(status.reasons).toEqual(['node(s) were unschedulable']);
  });
});
