// The FailedScheduling message in kube-scheduler's exact wording and order.

import { fitErrorMessage } from './fit-error';

describe('fitErrorMessage', () => {
  test.each([
    [
      'the issue example (Kubernetes sorts the strings)',
      5,
      [['Insufficient memory', 3], ["node(s) didn't match Pod's node affinity/selector", 2]],
      undefined,
      "0/5 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 3 Insufficient memory.",
    ],
    ['one reason', 3, [['node(s) were unschedulable', 3]], undefined, '0/3 nodes are available: 3 node(s) were unschedulable.'],
    ['string order, not numeric', 12, [['Insufficient cpu', 10], ['Too many pods', 2]], undefined, '0/12 nodes are available: 10 Insufficient cpu, 2 Too many pods.'],
    ['pre-filter message instead of the histogram', 4, [['x', 1]], 'node(s) didn\'t satisfy plugin(s) [NodeAffinity]', "0/4 nodes are available: node(s) didn't satisfy plugin(s) [NodeAffinity]."],
  ] as [string, number, [string, number][], string | undefined, string][])('%s', (_name, n, reasons, pre, want) => {
    expect(fitErrorMessage(n, new Map(reasons), pre)).toBe(want);
  });
});
