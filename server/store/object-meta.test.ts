import type { KubeObject } from '../../shared/api/types';
import { isFlotillaError } from '../../shared/errors';
import { carrySystemFields, deepEqual, formatTimestamp, generatedName, parseKey, shouldRemoveAfterUpdate, storeKey } from './object-meta';

const obj = (metadata: KubeObject['metadata'], spec?: unknown): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });

describe('deepEqual', () => {
  it.each([
    [{ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: undefined }, true],
    [{ a: 1 }, { a: 2 }, false],
    [[1, 2], [2, 1], false],
    [{ a: [] }, { a: {} }, false],
    [null, {}, false],
    [undefined, undefined, true],
    ['x', 'x', true],
  ])('%j vs %j → %s', (a, b, want) => {
    expect(deepEqual(a, b)).toBe(want);
  });
});

describe('keys and names', () => {
  it.each([
    [{ resource: 'pods', namespace: 'default', name: 'web' }, 'pods/default/web'],
    [{ resource: 'nodes', name: 'pi-1' }, 'nodes/pi-1'],
  ])('round-trips %j', (ref, key) => {
    expect(storeKey(ref)).toBe(key);
    expect(parseKey(key)).toEqual(ref);
  });

  it('rejects malformed keys', () => {
    expect(parseKey('!meta')).toBeUndefined();
    expect(parseKey('a//b')).toBeUndefined();
  });

  it('formats timestamps like Kubernetes, without fractions', () => {
    expect(formatTimestamp(Date.UTC(2026, 10, 25, 10, 0, 0, 999))).toBe('2026-11-25T10:00:00Z');
  });

  it('appends 5 lowercase alphanumerics to generateName and keeps names ≤ 63', () => {
    let i = 0;
    const seq = [0, 0.5, 0.99, 0.1, 0.3];
    const name = generatedName('web-', () => seq[i++ % seq.length] ?? 0);
    expect(name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(generatedName('x'.repeat(80), Math.random)).toHaveLength(63);
  });
});

describe('carrySystemFields', () => {
  const current = obj({ name: 'a', uid: 'u1', creationTimestamp: 't', generation: 3, resourceVersion: '7' }, { x: 1 });

  it.each([
    ['same spec keeps generation', { x: 1 }, 3],
    ['changed spec bumps generation', { x: 2 }, 4],
    ['removed spec bumps generation', undefined, 4],
  ])('%s', (_name, spec, generation) => {
    const next = obj({ name: 'a', uid: 'other', generation: 99 }, spec);
    carrySystemFields(current, next);
    expect(next.metadata).toMatchObject({ uid: 'u1', creationTimestamp: 't', generation });
  });

  it('forbids new finalizers on an object being deleted', () => {
    const deleting = obj({ name: 'a', deletionTimestamp: 't', finalizers: ['f1'] });
    const next = obj({ name: 'a', finalizers: ['f1', 'f2'] });
    try {
      carrySystemFields(deleting, next);
      throw new Error('expected Invalid');
    } catch (err) {
      expect(isFlotillaError(err, 'Invalid')).toBe(true);
    }
  });
});

describe('shouldRemoveAfterUpdate', () => {
  it.each([
    [{ name: 'a' }, false],
    [{ name: 'a', deletionTimestamp: 't', finalizers: ['f'] }, false],
    [{ name: 'a', deletionTimestamp: 't', finalizers: [] }, true],
    [{ name: 'a', deletionTimestamp: 't', deletionGracePeriodSeconds: 0 }, true],
    [{ name: 'a', deletionTimestamp: 't', deletionGracePeriodSeconds: 30 }, false],
  ])('%j → %s', (metadata, want) => {
    expect(shouldRemoveAfterUpdate(obj(metadata))).toBe(want);
  });
});
