import type { LabelSelector } from '../../../shared/api/core';
import { compileLabelSelector } from './labels';

describe('compileLabelSelector', () => {
  const cases: [string, LabelSelector | undefined, Record<string, string> | undefined, boolean][] = [
    ['no selector matches nothing', undefined, { app: 'a' }, false],
    ['empty selector matches everything', {}, undefined, true],
    ['matchLabels equal', { matchLabels: { app: 'a' } }, { app: 'a', x: 'y' }, true],
    ['matchLabels differ', { matchLabels: { app: 'a' } }, { app: 'b' }, false],
    ['In hit', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] }, { tier: 'be' }, true],
    ['In missing key', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe'] }] }, {}, false],
    ['NotIn missing key', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['fe'] }] }, {}, true],
    ['NotIn hit', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['fe'] }] }, { tier: 'fe' }, false],
    ['Exists', { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, { gpu: '' }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, { gpu: '' }, false],
    ['both must hold', { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, { app: 'a' }, false],
  ];
  test.each(cases)('%s', (_name, selector, labels, want) => {
    expect(compileLabelSelector(selector)(labels)).toBe(want);
  });
});
