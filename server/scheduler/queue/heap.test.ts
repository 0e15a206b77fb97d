// The binary heap under the scheduling queue.

import { Heap } from './heap';

test('Heap pops in comparator order', () => {
  const h = new Heap<number>((a, b) => a < b);
  const input = [5, 3, 9, 1, 7, 3, 8, 2, 6, 4, 0];
  for (const n of input) h.push(n);
  const out: number[] = [];
  for (let n = h.pop(); n !== undefined; n = h.pop()) out.push(n);
  expect(out).toEqual([...input].sort((a, b) => a - b));
  expect(h.size).toBe(0);
});
