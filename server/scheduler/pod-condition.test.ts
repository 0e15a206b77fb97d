// PodScheduled=False as the scheduler writes it: set, kept stable, never on a bound or replaced pod.

import { makePod } from './fake/builders';
import { hasUnschedulableCondition, withUnschedulableCondition } from './pod-condition';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const MSG = '0/1 nodes are available: 1 Insufficient cpu.';

describe('withUnschedulableCondition', () => {
  test('sets PodScheduled=False with reason and message', () => {
    const out = withUnschedulableCondition(makePod('p'), 'uid-p', MSG, T0);
    expect(out.status).toEqual({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: MSG, lastProbeTime: null, lastTransitionTime: '2024-05-01T10:00:00Z' }] });
  });

  test('a new message keeps the transition time of an earlier False', () => {
    const first = withUnschedulableCondition(makePod('p'), 'uid-p', MSG, T0);
    const second = withUnschedulableCondition(first, 'uid-p', 'another message', T0 + 60_000);
    expect((second.status as { conditions: { lastTransitionTime: string; message: string }[] }).conditions).toEqual([expect.objectContaining({ message: 'another message', lastTransitionTime: '2024-05-01T10:00:00Z' })]);
  });

  test.each([
    ['bound meanwhile', makePod('p', { spec: { nodeName: 'pi-1' } }), 'uid-p'],
    ['replaced by another pod of the same name', makePod('p'), 'some-other-uid'],
  ])('leaves the pod alone when %s', (_name, pod, uid) => {
    expect(withUnschedulableCondition(pod, uid, MSG, T0)).toBe(pod);
  });

  test('hasUnschedulableCondition tells whether a write is needed', () => {
    const pod = withUnschedulableCondition(makePod('p'), 'uid-p', MSG, T0) as ReturnType<typeof makePod>;
    expect(hasUnschedulableCondition(pod, MSG)).toBe(true);
    expect(hasUnschedulableCondition(pod, 'other')).toBe(false);
  });
});
