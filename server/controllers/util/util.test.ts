// Table-driven tests of the controllers' shared helpers: IntOrString scaling, taints and
// tolerations, node reachability, template hashes, conditions and expectations.

import { FakeClock } from '../../../shared/clock';
import { setCondition } from './conditions';
import { Expectations } from './expectations';
import { isNodeUnreachable, toleratesTaint } from './fleet';
import { computeHash } from './hash';
import { scaledValue } from './intstr';

describe('scaledValue (intstr.GetScaledValueFromIntOrPercent)', () => {
  it.each([
    [3, 10, true, 3],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['50%', 7, true, 4],
    ['50%', 7, false, 3],
    ['1%', 5, true, 1],
    ['1%', 5, false, 0],
    ['100%', 0, true, 0],
    ['10%', 1000, false, 100],
    ['7', 10, false, 7],
  ] as const)('%p of %p (roundUp %p) is %p', (value, total, up, want) => {
    expect(scaledValue(value, total, { roundUp: up })).toBe(want);
  });

  it('names a value that is neither a count nor a percentage', () => {
    expect(() => scaledValue('lots', 10, { roundUp: true })).toThrow('string is not a percentage: got "lots"');
  });
});

describe('tolerations and reachability', () => {
  const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' as const };
  it.each([
    [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const }, unreachable, true],
    [{ operator: 'Exists' as const }, unreachable, true],
    [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const, effect: 'NoSchedule' as const }, unreachable, false],
    [{ key: 'dedicated', operator: 'Equal' as const, value: 'cam' }, { key: 'dedicated', value: 'cam', effect: 'NoSchedule' as const }, true],
    [{ key: 'dedicated', value: 'gpu' }, { key: 'dedicated', value: 'cam', effect: 'NoSchedule' as const }, false],
  ])('%j tolerates %j: %p', (toleration, taint, want) => {
    expect(toleratesTaint(toleration, taint)).toBe(want);
  });

  it.each([
    [{ status: { conditions: [{ type: 'Ready', status: 'True' as const }] } }, false],
    [{ status: { conditions: [{ type: 'Ready', status: 'False' as const }] } }, false],
    [{ status: { conditions: [{ type: 'Ready', status: 'Unknown' as const }] } }, true],
    [{ spec: { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' as const }] }, status: {} }, true],
    [{ status: {} }, false],
  ])('node %j unreachable: %p', (node, want) => {
    expect(isNodeUnreachable(node)).toBe(want);
  });
});

describe('computeHash', () => {
  it('is stable across key order, differs by content and by collision count, in the safe alphabet', () => {
    const a = computeHash({ spec: { containers: [{ name: 'c', image: 'v1' }] }, metadata: { labels: { app: 'x' } } });
    const b = computeHash({ metadata: { labels: { app: 'x' } }, spec: { containers: [{ image: 'v1', name: 'c' }] } });
    expect(a).toBe(b);
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(computeHash({ spec: { containers: [{ name: 'c', image: 'v2' }] }, metadata: { labels: { app: 'x' } } })).not.toBe(a);
    expect(computeHash({ spec: { containers: [{ name: 'c', image: 'v1' }] }, metadata: { labels: { app: 'x' } } }, 1)).not.toBe(a);
  });
});

describe('setCondition', () => {
  const c = (status: 'True' | 'False', reason: string, t: string) => ({ type: 'Progressing', status, reason, lastTransitionTime: t, lastUpdateTime: t });
  it.each([
    ['same status and reason: untouched', [c('True', 'A', 't0')], c('True', 'A', 't1'), c('True', 'A', 't0')],
    ['new reason, same status: keeps lastTransitionTime', [c('True', 'A', 't0')], c('True', 'B', 't1'), { ...c('True', 'B', 't1'), lastTransitionTime: 't0' }],
    ['new status: transition now', [c('True', 'A', 't0')], c('False', 'B', 't1'), c('False', 'B', 't1')],
  ])('%s', (_name, before, next, want) => {
    expect(setCondition(before, next)).toEqual([want]);
  });
});

describe('Expectations', () => {
  it('is unsatisfied until every create and delete was observed, or the TTL passed', () => {
    const clock = new FakeClock(0);
    const e = new Expectations(clock, 1000);
    expect(e.satisfied('rs')).toBe(true);
    e.expect('rs', 2, ['ns/p1']);
    e.creationObserved('rs');
    e.creationObserved('rs');
    expect(e.satisfied('rs')).toBe(false);
    e.deletionObserved('rs', 'ns/p1');
    expect(e.satisfied('rs')).toBe(true);
    e.expect('rs', 1);
    clock.advance(1001);
    expect(e.satisfied('rs')).toBe(true);
  });
});
