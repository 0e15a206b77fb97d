// What a device may say about its own Node's labels: only its facts (kubernetes.io/arch|os|hostname
// and Flotilla's flotilla.io/ labels); the join token's labels win at join; labels the operator set
// (node-restriction.kubernetes.io/…, node-role.kubernetes.io/…, site=…) are out of its reach.

import type { KubeObject } from '../../shared/api/types';
import type { JoinFacts, NodeStatusMessage } from '../../shared/channel/messages';
import { nodeFromFacts, withFacts, withReportedStatus } from './node-object';

const facts = (labels: Record<string, string>): JoinFacts => ({ labels, capacity: { cpu: '4' }, nodeInfo: { machineID: 'm' } as never, addresses: [] });
const status = (labels: Record<string, string>): NodeStatusMessage => ({ kind: 'status', labels, capacity: { cpu: '4' }, allocatable: { cpu: '4' }, nodeInfo: { machineID: 'm' } as never, addresses: [], conditions: [] });

const claimed = {
  'kubernetes.io/arch': 'arm64',
  'kubernetes.io/hostname': 'pi-1',
  'flotilla.io/device.camera': 'true',
  site: 'hq',
  'node-restriction.kubernetes.io/secure-zone': 'true',
  'node-role.kubernetes.io/control-plane': '',
  'k8s.io/anything': 'x',
};
const allowed = { 'kubernetes.io/arch': 'arm64', 'kubernetes.io/hostname': 'pi-1', 'flotilla.io/device.camera': 'true' };

describe('device-reported Node labels', () => {
  it('join: only the device facts are taken, and the join token labels win over them', () => {
    expect(nodeFromFacts('pi-1', facts(claimed), { site: 'barn' }).metadata.labels).toEqual({ ...allowed, site: 'barn' });
  });

  it('rejoin: the same, and labels already on the Node stay unless they are device facts', () => {
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi-1', labels: { 'node-restriction.kubernetes.io/secure-zone': 'false', 'kubernetes.io/arch': 'amd64', team: 'a' } }, spec: {} };
    expect(withFacts(node, facts(claimed), { site: 'barn' }).metadata.labels).toEqual({ 'node-restriction.kubernetes.io/secure-zone': 'false', team: 'a', ...allowed, site: 'barn' });
  });

  it.each([
    ['an operator label is not overwritten', { site: 'barn' }, { site: 'hq' }, { site: 'barn' }],
    ['a node-restriction label cannot be added', {}, { 'node-restriction.kubernetes.io/secure-zone': 'true' }, {}],
    ['a role cannot be claimed', {}, { 'node-role.kubernetes.io/control-plane': '' }, {}],
    ['a new device resource appears', {}, { 'flotilla.io/device.gpio': 'true' }, { 'flotilla.io/device.gpio': 'true' }],
    ['a fact changes', { 'kubernetes.io/hostname': 'old' }, { 'kubernetes.io/hostname': 'new' }, { 'kubernetes.io/hostname': 'new' }],
    ['an invalid value is dropped', { 'flotilla.io/board': 'pi-4' }, { 'flotilla.io/board': 'no spaces/allowed', 'kubernetes.io/hostname': 'x'.repeat(64) }, { 'flotilla.io/board': 'pi-4' }],
    ['an invalid key is dropped', {}, { 'flotilla.io/bad key': 'x' }, {}],
  ])('status: %s', (_what, before, reported, after) => {
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi-1', labels: before }, spec: {} };
    expect(withReportedStatus(node, status(reported), 0).metadata.labels).toEqual(after);
  });
});
