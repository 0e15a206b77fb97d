// Quantities as the scheduler compares them: millis and whole units, rounded up.

import { quantityMilli, quantityValue } from './quantity';

describe('quantities', () => {
  test.each([
    ['500m', 500, 1],
    ['1', 1000, 1],
    [2, 2000, 2],
    [0.5, 500, 1],
    ['0.1', 100, 1],
    ['1.5', 1500, 2],
    ['128Mi', 128 * 1024 * 1024 * 1000, 128 * 1024 * 1024],
    ['1Gi', 2 ** 30 * 1000, 2 ** 30],
    ['1G', 1e12, 1e9],
    ['2k', 2e6, 2000],
    ['1e3', 1e6, 1000],
    ['1E-3', 1, 1],
    ['100u', 1, 1],
    ['0', 0, 0],
    ['.5', 500, 1],
  ])('%p → milli %p, value %p', (q, milli, value) => {
    expect(quantityMilli(q)).toBe(milli);
    expect(quantityValue(q)).toBe(value);
  });

  test.each(['', 'abc', '1.2.3', '5Xi', '--1', 'Mi'])('rejects %p', (q) => {
    expect(() => quantityMilli(q)).toThrow(/Invalid value/);
  });

  test('a repeated string gives the same answer (memoized)', () => {
    expect([quantityValue('64Mi'), quantityValue('64Mi'), quantityMilli('64Mi')]).toEqual([64 * 2 ** 20, 64 * 2 ** 20, 64 * 2 ** 20 * 1000]);
  });
});
