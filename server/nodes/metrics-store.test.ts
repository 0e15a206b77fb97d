// The metrics history: per node, bounded, and a device's figures count only for pods bound to it
// (kubectl top must not show one device's invention about another device's pod).

import type { MetricsMessage } from '../../shared/channel/messages';
import { MetricsStore } from './metrics-store';

const sample = (pods: Array<[string, string]>, cpu = 1): MetricsMessage => ({
  kind: 'metrics',
  time: '2030-01-01T00:00:00Z',
  windowSeconds: 60,
  node: { cpuNanoCores: cpu, memoryWorkingSetBytes: 1 } as MetricsMessage['node'],
  pods: pods.map(([namespace, name]) => ({ namespace, name, containers: [{ name: 'c', cpuNanoCores: 5, memoryWorkingSetBytes: 5 }] })),
});

describe('MetricsStore', () => {
  it('keeps only pods bound to the reporting node', () => {
    const bound = new Map([['default/mine', 'pi-1'], ['default/theirs', 'pi-2']]);
    const m = new MetricsStore({ podNode: (ns, name) => bound.get(`${ns}/${name}`) });
    m.add('pi-1', sample([['default', 'mine'], ['default', 'theirs'], ['kube-system', 'made-up']]));
    expect(m.latest('pi-1')?.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['default/mine']);
  });

  it('keeps a bounded history per node', () => {
    const m = new MetricsStore({ keep: 3 });
    for (let i = 0; i < 10; i++) m.add('pi-1', sample([], i));
    expect(m.samples('pi-1').map((s) => s.node.cpuNanoCores)).toEqual([7, 8, 9]);
  });
});
