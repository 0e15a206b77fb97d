// NodeName: pods that name their node.

import { CycleState } from '../../framework/cycle-state';
import { fakeSnapshot, makeNode, makePod, nodeInfo, podInfo } from '../../fake/builders';
import { NodeName } from './node-name';

describe('NodeName', () => {
  test.each([
    ['no nodeName: skipped, fits anywhere', undefined, 'pi-1', 'Skip', 'Success'],
    ['nodeName equal', 'pi-1', 'pi-1', 'Success', 'Success'],
    ['nodeName other', 'pi-2', 'pi-1', 'Success', 'UnschedulableAndUnresolvable'],
  ])('%s', (_name, nodeName, node, preCode, filterCode) => {
    const pod = podInfo(makePod('p', { spec: nodeName ? { nodeName } : {} }));
    const info = nodeInfo(makeNode(node));
    const state = new CycleState();
    const pre = NodeName.preFilter(state, pod, fakeSnapshot([info]));
    expect(pre.status.code).toBe(preCode);
    if (nodeName) expect([...(pre.nodeNames ?? [])]).toEqual([nodeName]);
    const status = NodeName.filter(state, pod, info);
    expect(status.code).toBe(filterCode);
    if (filterCode !== 'Success') expect(status.reasons).toEqual(["node(s) didn't match the requested node name"]);
  });
});
