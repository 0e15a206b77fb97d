// Quantities: parsing to exact values, canonical form, comparison, conversions and the errors for bad values.

import { isFlotillaError } from '../errors';
import {
  addQuantities,
  compareQuantities,
  formatQuantity,
  parseQuantity,
  quantityError,
  quantityFromMillis,
  quantityMillis,
  quantityValue,
  tryParseQuantity,
} from './quantity';

describe('parseQuantity', () => {
  it.each([
    // input, millis, base value (rounded up), canonical
    ['500m', 500, 1, '500m'],
    ['0.5', 500, 1, '500m'],
    ['.5', 500, 1, '500m'],
    ['2', 2000, 2, '2'],
    [2, 2000, 2, '2'],
    [0.25, 250, 1, '250m'],
    ['1000m', 1000, 1, '1'],
    ['1500m', 1500, 2, '1500m'],
    ['128Mi', 128 * 1024 * 1024 * 1000, 134217728, '128Mi'],
    ['1024Mi', 1024 ** 3 * 1000, 1024 ** 3, '1Gi'],
    ['1.5Ki', 1536000, 1536, '1536'],
    ['1Ki', 1024000, 1024, '1Ki'],
    ['1G', 1e12, 1e9, '1G'],
    ['1000', 1e6, 1000, '1k'],
    ['1e3', 1e6, 1000, '1e3'],
    ['1E6', 1e9, 1e6, '1e6'],
    ['1.5e3', 1.5e6, 1500, '1500'],
    ['100n', 1, 1, '100n'],
    ['1u', 1, 1, '1u'],
    ['0', 0, 0, '0'],
    ['-1', -1000, -1, '-1'],
    ['+3k', 3e6, 3000, '3k'],
    ['0.1n', 1, 1, '1n'],
  ])('%p → %p millis, %p units, canonical %p', (input, millis, value, canonical) => {
    const q = parseQuantity(input);
    expect(quantityMillis(q)).toBe(millis);
    expect(quantityValue(q)).toBe(value);
    expect(formatQuantity(q)).toBe(canonical);
  });

  it.each([
    ['12XB', "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    ['', 'quantities must match the regular expression'],
    [' 1', 'quantities must match the regular expression'],
    ['1Kb', 'quantities must match the regular expression'],
    ['1kk', "unable to parse quantity's suffix"],
    ['1.2.3', "unable to parse quantity's numeric part"],
    ['.', "unable to parse quantity's numeric part"],
    ['1e999', "unable to parse quantity's suffix"],
  ])('refuses %p: %s', (input, reason) => {
    expect(tryParseQuantity(input)).toBeUndefined();
    expect(() => parseQuantity(input)).toThrow(reason);
  });

  it('names the field and the bad value, as Kubernetes does', () => {
    const field = 'spec.containers[0].resources.limits.memory';
    let thrown: unknown;
    try {
      parseQuantity('12XB', { field });
    } catch (err) {
      thrown = err;
    }
    expect(isFlotillaError(thrown, 'Invalid')).toBe(true);
    expect((thrown as Error).message).toBe(
      `${field}: Invalid value: "12XB": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
    expect(quantityError('12XB', field)).toMatchObject({ type: 'FieldValueInvalid', field });
    expect(quantityError(true, field)?.message).toMatch(/^Invalid value: true: quantities must match/);
    expect(quantityError('250m', field)).toBeUndefined();
  });

  it('refuses non-finite numbers and other types', () => {
    expect(tryParseQuantity(Number.NaN)).toBeUndefined();
    expect(tryParseQuantity(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(tryParseQuantity({})).toBeUndefined();
  });
});

describe('comparison and arithmetic', () => {
  it.each([
    ['1', '1000m', 0],
    ['1Gi', '1G', 1],
    ['999m', '1', -1],
    ['1e3', '1k', 0],
    ['-1', '0', -1],
  ])('%s vs %s → %d', (a, b, want) => {
    expect(compareQuantities(parseQuantity(a), parseQuantity(b))).toBe(want);
  });

  it('adds exactly and keeps the first format', () => {
    const sum = addQuantities(parseQuantity('512Mi'), parseQuantity('512Mi'));
    expect(formatQuantity(sum)).toBe('1Gi');
    expect(formatQuantity(addQuantities(parseQuantity('100m'), parseQuantity('0.9')))).toBe('1');
  });

  it('builds quantities from millis', () => {
    expect(formatQuantity(quantityFromMillis(250))).toBe('250m');
    expect(formatQuantity(quantityFromMillis(4000))).toBe('4');
  });
});
