// The framework runtime: extension points in order, Skip, pre-filter rejection and narrowing,
// first-rejection reasons, adaptive node sampling with rotation, weighted scores, random tie-breaks.

import { fakeSnapshot, makeNode, makePod, nodeInfo, podInfo } from '../fake/builders';
import type { FilterPlugin, NormalizeScorePlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from './interface';
import type { NodeInfo } from './node-info';
import { Framework, numFeasibleNodesToFind } from './runtime';
import { SKIP, SUCCESS, unschedulable } from './status';

const nodes = (n: number): NodeInfo[] => Array.from({ length: n }, (_, i) => nodeInfo(makeNode(`n${i}`)));
const pod = podInfo(makePod('p'));

/** A filter rejecting the named nodes with `reason`, counting its calls. */
function rejecting(name: string, names: string[], reason: string): FilterPlugin & { calls: string[] } {
  const calls: string[] = [];
  return { name, calls, filter: (_s, _p, n) => (calls.push(n.name), names.includes(n.name) ? unschedulable(reason) : SUCCESS) };
}

/** A scorer giving each node a fixed score. */
function scoring(name: string, byNode: Record<string, number>): ScorePlugin {
  return { name, score: (_s, _p, n) => byNode[n.name] ?? 0 };
}

describe('numFeasibleNodesToFind (kube-scheduler adaptive default)', () => {
  test.each([
    [50, 0, 50],
    [99, 0, 99],
    [100, 0, 100],
    [1000, 0, 420],
    [5000, 0, 500],
    [6000, 0, 300],
    [200, 0, 100],
    [1000, 10, 100],
    [1000, 100, 1000],
  ])('%p nodes, percentage %p → %p', (all, pct, want) => {
    expect(numFeasibleNodesToFind(all, pct)).toBe(want);
  });
});

describe('Framework', () => {
  test('no nodes at all', () => {
    expect(new Framework({ plugins: [] }).schedule(pod, fakeSnapshot([]))).toEqual({ status: 'Unschedulable', message: 'no nodes available to schedule pods', rejectors: new Set() });
  });

  test('each node is rejected by the first filter that turns it down; reasons are counted per node', () => {
    const a = rejecting('A', ['n0', 'n1'], 'reason a');
    const b = rejecting('B', ['n0', 'n2'], 'reason b');
    const result = new Framework({ plugins: [a, b] }).schedule(pod, fakeSnapshot(nodes(3)));
    expect(result).toEqual({ status: 'Unschedulable', message: '0/3 nodes are available: 1 reason b, 2 reason a.', rejectors: new Set(['A', 'B']) });
    expect(b.calls.sort()).toEqual(['n2']);
  });

  test('a pre-filter rejection fails the pod on every node with its own message', () => {
    const pre: PreFilterPlugin = { name: 'Pre', preFilter: () => ({ status: unschedulable('pod is broken') }) };
    expect(new Framework({ plugins: [pre] }).schedule(pod, fakeSnapshot(nodes(2)))).toEqual({ status: 'Unschedulable', message: '0/2 nodes are available: pod is broken.', rejectors: new Set(['Pre']) });
  });

  test('Skip from PreFilter skips that plugin\'s Filter', () => {
    const plugin = { ...rejecting('P', ['n0', 'n1'], 'no'), preFilter: () => ({ status: SKIP }) } satisfies PreFilterPlugin & FilterPlugin;
    expect(new Framework({ plugins: [plugin] }).schedule(pod, fakeSnapshot(nodes(2))).status).toBe('Scheduled');
    expect(plugin.calls).toEqual([]);
  });

  test('narrowed nodes: only those are evaluated, the others count as not satisfying the plugin', () => {
    const f = rejecting('F', ['n1'], 'busy');
    const pin: PreFilterPlugin = { name: 'Pin', preFilter: () => ({ status: SUCCESS, nodeNames: new Set(['n1']) }) };
    const result = new Framework({ plugins: [pin, f] }).schedule(pod, fakeSnapshot(nodes(4)));
    expect(f.calls).toEqual(['n1']);
    expect(result).toEqual({ status: 'Unschedulable', message: "0/4 nodes are available: 1 busy, 3 node(s) didn't satisfy plugin(s) [Pin].", rejectors: new Set(['F', 'Pin']) });
  });

  test('stops filtering once enough feasible nodes are found, and starts further on next time', () => {
    const f = rejecting('F', [], '');
    const fw = new Framework({ plugins: [f] });
    const snap = fakeSnapshot(nodes(1000));
    const first = fw.schedule(pod, snap);
    expect(first).toMatchObject({ status: 'Scheduled', evaluatedNodes: 420, feasibleNodes: 420 });
    expect(f.calls[0]).toBe('n0');
    f.calls.length = 0;
    fw.schedule(pod, snap);
    expect(f.calls[0]).toBe('n420');
  });

  test('weighted scores pick the best node; normalization runs on the plugin\'s own scores', () => {
    const a = scoring('A', { n0: 10, n1: 0, n2: 5 });
    const b: ScorePlugin & NormalizeScorePlugin = { ...scoring('B', { n0: 0, n1: 4, n2: 1 }), normalizeScore: (_s, _p, scores) => scores.forEach((v, i) => (scores[i] = v * 25)) };
    // A: 10, 0, 5 (weight 1); B normalized: 0, 100, 25 (weight 2) → totals 10, 200, 55.
    const result = new Framework({ plugins: [a, { plugin: b, weight: 2 }] }).schedule(pod, fakeSnapshot(nodes(3)));
    expect(result).toMatchObject({ status: 'Scheduled', nodeName: 'n1' });
  });

  test('Skip from PreScore leaves that plugin out of the sum', () => {
    const a = scoring('A', { n0: 10 });
    const b = { ...scoring('B', { n1: 100 }), preScore: () => SKIP } satisfies ScorePlugin & PreScorePlugin;
    expect(new Framework({ plugins: [a, b] }).schedule(pod, fakeSnapshot(nodes(2)))).toMatchObject({ nodeName: 'n0' });
  });

  test('ties are broken by the injected random source', () => {
    const flat = scoring('Flat', {});
    const pick = (r: number) => {
      const result = new Framework({ plugins: [flat], random: () => r }).schedule(pod, fakeSnapshot(nodes(3)));
      return result.status === 'Scheduled' ? result.nodeName : undefined;
    };
    expect(pick(0)).toBe('n2');
    expect(pick(0.99)).toBe('n0');
  });
});
