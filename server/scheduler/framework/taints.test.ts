// Toleration matching, case by case.

import type { Taint, Toleration } from '../../../shared/api/core';
import { toleratesTaint } from './taints';

const taint: Taint = { key: 'dedicated', value: 'camera', effect: 'NoSchedule' };

describe('toleratesTaint', () => {
  test.each([
    ['Equal with same key and value', { key: 'dedicated', operator: 'Equal', value: 'camera' }, true],
    ['Equal is the default operator', { key: 'dedicated', value: 'camera' }, true],
    ['Equal with another value', { key: 'dedicated', value: 'gpu' }, false],
    ['Exists on the key', { key: 'dedicated', operator: 'Exists' }, true],
    ['Exists with no key tolerates everything', { operator: 'Exists' }, true],
    ['empty key without Exists tolerates nothing', { value: 'camera' }, false],
    ['effect must match when given', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    ['matching effect', { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, true],
    ['other key', { key: 'other', operator: 'Exists' }, false],
  ] as [string, Toleration, boolean][])('%s', (_name, toleration, want) => {
    expect(toleratesTaint(toleration, taint)).toBe(want);
  });
});
