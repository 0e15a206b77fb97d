// PodTopologySpread: DoNotSchedule filtering, ScheduleAnyway scoring and the system defaults.

import type { PodSpec, TopologySpreadConstraint } from '../../../../shared/api/core';
import type { Labels } from '../../../../shared/api/types';
import { CycleState } from '../../framework/cycle-state';
import { fakeSnapshot, makeNode, makePod, nodeInfo, podInfo, type PodOptions } from '../../fake/builders';
import type { NodeInfo } from '../../framework/node-info';
import { PodTopologySpread } from './pod-topology-spread';

const web = { app: 'web' };
const zoneA = { 'topology.kubernetes.io/zone': 'a' };
const zoneB = { 'topology.kubernetes.io/zone': 'b' };

/** n1 (zone a) holds 2 web pods, n2 (zone a) none, n3 (zone b) one; n4 has no zone label. */
function cluster(existing: PodOptions = { labels: web }, withUnlabelled = false): NodeInfo[] {
  const pods = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => makePod(`${prefix}-${i}`, existing));
  const nodes = [nodeInfo(makeNode('n1', { labels: zoneA }), pods('a', 2)), nodeInfo(makeNode('n2', { labels: zoneA })), nodeInfo(makeNode('n3', { labels: zoneB }), pods('b', 1))];
  if (withUnlabelled) nodes.push(nodeInfo(makeNode('n4')));
  return nodes;
}

const spread = (topologyKey: string, maxSkew = 1, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({ maxSkew, topologyKey, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: web }, ...extra });

function filterAll(spec: Partial<PodSpec>, nodes: NodeInfo[], labels: Labels = web, namespace?: string): Record<string, string> {
  const pod = podInfo(makePod('incoming', { labels, spec, ...(namespace ? { namespace } : {}) }));
  const state = new CycleState();
  const pre = PodTopologySpread.preFilter(state, pod, fakeSnapshot(nodes));
  if (pre.status.code === 'Skip') return { skipped: 'Skip' };
  return Object.fromEntries(nodes.map((n) => [n.name, PodTopologySpread.filter(state, pod, n).reasons[0] ?? 'ok']));
}

const SKEW = "node(s) didn't match pod topology spread constraints";
const LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";

describe('PodTopologySpread filter (DoNotSchedule)', () => {
  const cases: [string, Partial<PodSpec>, NodeInfo[], Record<string, string>, Labels | undefined, string | undefined][] = [
    ['no constraints: skipped', {}, cluster(), { skipped: 'Skip' }, undefined, undefined],
    ['ScheduleAnyway only: skipped', { topologySpreadConstraints: [spread('kubernetes.io/hostname', 1, { whenUnsatisfiable: 'ScheduleAnyway' })] }, cluster(), { skipped: 'Skip' }, undefined, undefined],
    ['zone maxSkew 1: only the emptier zone', { topologySpreadConstraints: [spread('topology.kubernetes.io/zone')] }, cluster(), { n1: SKEW, n2: SKEW, n3: 'ok' }, undefined, undefined],
    ['zone maxSkew 2 allows zone a', { topologySpreadConstraints: [spread('topology.kubernetes.io/zone', 2)] }, cluster(), { n1: 'ok', n2: 'ok', n3: 'ok' }, undefined, undefined],
    ['hostname maxSkew 1: only the empty node', { topologySpreadConstraints: [spread('kubernetes.io/hostname')] }, cluster(), { n1: SKEW, n2: 'ok', n3: SKEW }, undefined, undefined],
    ['a node without the topology label', { topologySpreadConstraints: [spread('topology.kubernetes.io/zone')] }, cluster(undefined, true), { n1: SKEW, n2: SKEW, n3: 'ok', n4: LABEL }, undefined, undefined],
    ['minDomains above the domains there are: minimum counts as 0', { topologySpreadConstraints: [spread('topology.kubernetes.io/zone', 1, { minDomains: 3 })] }, cluster(), { n1: SKEW, n2: SKEW, n3: SKEW }, undefined, undefined],
    ['pod not matching its own selector adds nothing', { topologySpreadConstraints: [spread('kubernetes.io/hostname')] }, cluster(), { n1: SKEW, n2: 'ok', n3: 'ok' }, { app: 'other' }, undefined],
    ['pods of other namespaces do not count', { topologySpreadConstraints: [spread('kubernetes.io/hostname')] }, cluster({ labels: web, namespace: 'elsewhere' }), { n1: 'ok', n2: 'ok', n3: 'ok' }, undefined, undefined],
    ['nodes outside the pod\'s nodeSelector are not domains', { nodeSelector: zoneA, topologySpreadConstraints: [spread('topology.kubernetes.io/zone')] }, cluster(), { n1: 'ok', n2: 'ok', n3: 'ok' }, undefined, undefined],
  ];
  test.each(cases)('%s', (_name, spec, nodes, want, labels, namespace) => {
    expect(filterAll(spec, nodes, labels, namespace)).toEqual(want);
  });
});

function scoreAll(pod: PodOptions, nodes: NodeInfo[]): Record<string, number> | 'Skip' {
  const p = podInfo(makePod('incoming', pod));
  const state = new CycleState();
  if (PodTopologySpread.preScore(state, p, nodes, fakeSnapshot(nodes)).code === 'Skip') return 'Skip';
  const scores = nodes.map((n) => PodTopologySpread.score(state, p, n));
  PodTopologySpread.normalizeScore(state, p, scores, nodes);
  return Object.fromEntries(nodes.map((n, i) => [n.name, scores[i] ?? -1]));
}

describe('PodTopologySpread score', () => {
  test('no constraints and no controller: skipped', () => {
    expect(scoreAll({ labels: web }, cluster())).toBe('Skip');
  });

  test('ScheduleAnyway on hostname: fewer matching pods score higher', () => {
    const s = scoreAll({ labels: web, spec: { topologySpreadConstraints: [spread('kubernetes.io/hostname', 1, { whenUnsatisfiable: 'ScheduleAnyway' })] } }, cluster());
    expect(s).not.toBe('Skip');
    const r = s as Record<string, number>;
    expect(r.n2).toBe(100);
    expect(r.n2).toBeGreaterThan(r.n3 ?? 0);
    expect(r.n3).toBeGreaterThan(r.n1 ?? 0);
  });

  test('explicit constraint: nodes lacking the key score 0', () => {
    const s = scoreAll({ labels: web, spec: { topologySpreadConstraints: [spread('topology.kubernetes.io/zone', 1, { whenUnsatisfiable: 'ScheduleAnyway' })] } }, cluster(undefined, true)) as Record<string, number>;
    expect(s.n4).toBe(0);
    expect(s.n3).toBe(100);
    expect(s.n3).toBeGreaterThan(s.n1 ?? 0);
    expect(s.n1).toBe(s.n2);
  });

  test('system defaults spread the pods of one controller by hostname and zone', () => {
    const owned = { owner: 'web-rs', labels: web };
    const s = scoreAll(owned, cluster(owned, true)) as Record<string, number>;
    // Raw: n1 2·log 6 + 2 + 2·log 5 + 4 ≈ 13; n2 2 + 2·log 5 + 4 ≈ 9; n3 log 6 + 2 + log 5 + 4 ≈ 9;
    // n4 (no pods, no zone label) 2. Normalized: fewest is best, the crowded node last.
    expect(s).toEqual({ n1: 15, n2: 46, n3: 46, n4: 100 });
  });

  test('system defaults apply to ReplicaSet/StatefulSet pods, not to DaemonSet or Job pods', () => {
    const owned = (kind: string) => {
      const p = makePod('incoming', { owner: 'owner' });
      return { ...p, metadata: { ...p.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind, name: 'owner', uid: 'uid-owner', controller: true }] } };
    };
    for (const [kind, skipped] of [['StatefulSet', false], ['DaemonSet', true], ['Job', true]] as const) {
      const nodes = cluster();
      const pod = podInfo(owned(kind));
      expect([kind, PodTopologySpread.preScore(new CycleState(), pod, nodes, fakeSnapshot(nodes)).code]).toEqual([kind, skipped ? 'Skip' : 'Success']);
    }
  });

  test('system defaults ignore pods of other controllers', () => {
    const s = scoreAll({ owner: 'web-rs' }, cluster({ owner: 'other-rs' })) as Record<string, number>;
    expect(new Set(Object.values(s))).toEqual(new Set([100]));
  });
});
