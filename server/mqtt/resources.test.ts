// The JoinToken request as the API validates it: the labels every joining node will carry must be
// valid Kubernetes labels (they go onto Node objects without further checks).

import { isFlotillaError } from '../../shared/errors';
import { validateJoinTokenRequest } from './resources';

const now = Date.parse('2030-01-01T00:00:00Z');

describe('validateJoinTokenRequest', () => {
  it.each([
    ['a key with a space', { 'bad key': 'x' }],
    ['a value with a slash', { site: 'a/b' }],
    ['a value too long', { site: 'x'.repeat(64) }],
    ['a prefix that is not a DNS name', { 'Not_DNS/x': 'y' }],
    ['a non-string value', { site: 3 }],
  ])('refuses labels with %s (422 naming spec.labels)', (_what, labels) => {
    let err: unknown;
    try {
      validateJoinTokenRequest({ labels }, now);
    } catch (e) {
      err = e;
    }
    expect(isFlotillaError(err, 'Invalid')).toBe(true);
    expect((err as Error).message).toContain('spec.labels');
  });

  it('takes valid labels, usages and a future expiry', () => {
    expect(validateJoinTokenRequest({ labels: { site: 'barn', 'example.com/zone': 'a-1' }, usages: 5, expirationTimestamp: '2030-01-02T00:00:00Z' }, now)).toEqual({
      labels: { site: 'barn', 'example.com/zone': 'a-1' },
      usages: 5,
      expirationTimestamp: '2030-01-02T00:00:00Z',
    });
  });
});
