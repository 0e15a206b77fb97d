// Table tests of DaemonSet placement: nodeSelector, required node affinity (every operator and
// matchFields), taints with the automatic daemon tolerations, NoExecute deciding whether a pod may
// keep running.

import type { Node, PodSpec } from '../../../shared/api/core';
import type { DaemonSet } from '../../../shared/api/workloads';
import { daemonSetManifest } from '../fake/objects';
import { nodeMatches, nodeShouldRunDaemonPod } from './eligibility';

const node = (name: string, labels: Record<string, string> = {}, taints: NonNullable<Node['spec']>['taints'] = []): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } });
const affinity = (...terms: NonNullable<NonNullable<NonNullable<PodSpec['affinity']>['nodeAffinity']>['requiredDuringSchedulingIgnoredDuringExecution']>['nodeSelectorTerms']): Pick<PodSpec, 'affinity'> => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });

describe('nodeMatches', () => {
  it.each([
    ['nodeSelector hit', { nodeSelector: { camera: 'csi' } }, node('a', { camera: 'csi' }), true],
    ['nodeSelector miss', { nodeSelector: { camera: 'csi' } }, node('a', { camera: 'usb' }), false],
    ['In', affinity({ matchExpressions: [{ key: 'board', operator: 'In', values: ['pi4', 'pi5'] }] }), node('a', { board: 'pi5' }), true],
    ['NotIn on a missing label', affinity({ matchExpressions: [{ key: 'board', operator: 'NotIn', values: ['pi3'] }] }), node('a'), true],
    ['Exists', affinity({ matchExpressions: [{ key: 'gpio', operator: 'Exists' }] }), node('a'), false],
    ['Gt', affinity({ matchExpressions: [{ key: 'memory-gb', operator: 'Gt', values: ['2'] }] }), node('a', { 'memory-gb': '4' }), true],
    ['Lt not a number', affinity({ matchExpressions: [{ key: 'memory-gb', operator: 'Lt', values: ['2'] }] }), node('a', { 'memory-gb': 'lots' }), false],
    ['matchFields metadata.name', affinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }), node('b'), true],
    ['terms are ORed', affinity({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, { matchExpressions: [{ key: 'y', operator: 'Exists' }] }), node('a', { y: '1' }), true],
    ['an empty term matches nothing', affinity({}), node('a'), false],
  ])('%s', (_name, spec, n, want) => {
    expect(nodeMatches(spec as Pick<PodSpec, 'nodeSelector' | 'affinity'>, n)).toBe(want);
  });
});

describe('nodeShouldRunDaemonPod', () => {
  const ds: DaemonSet = daemonSetManifest('agent');
  it.each([
    ['untainted', [], { shouldRun: true, shouldContinueRunning: true }],
    ['cordoned (tolerated automatically)', [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as const }], { shouldRun: true, shouldContinueRunning: true }],
    ['unreachable (tolerated automatically)', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' as const }], { shouldRun: true, shouldContinueRunning: true }],
    ['dedicated NoSchedule: no new pod, the old may stay', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const }], { shouldRun: false, shouldContinueRunning: true }],
    ['dedicated NoExecute: none at all', [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' as const }], { shouldRun: false, shouldContinueRunning: false }],
  ])('%s', (_name, taints, want) => {
    expect(nodeShouldRunDaemonPod(node('n', {}, taints), ds)).toEqual(want);
  });
});
