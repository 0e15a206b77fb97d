import { ephemeralKey, open, seal } from './seal';
import { formatJoinToken, parseJoinToken } from './join-token';

describe('join reply sealing', () => {
  it('opens with the claimant key and the token secret only', () => {
    const claimant = ephemeralKey();
    const other = ephemeralKey();
    const sealed = seal('{"password":"p"}', claimant.publicKey, 'secret');
    expect(open(sealed, claimant.privateKey, 'secret')).toBe('{"password":"p"}');
    expect(() => open(sealed, other.privateKey, 'secret')).toThrow();
    expect(() => open(sealed, claimant.privateKey, 'other-secret')).toThrow();
  });

  it('refuses a key that is not X25519', () => {
    expect(() => seal('x', Buffer.from('nope').toString('base64'), 's')).toThrow();
  });
});

describe('join token', () => {
  const token = { broker: 'mqtts://10.0.0.5:8883', caFingerprint: 'ab'.repeat(32), id: 'abcd1234', secret: 'x'.repeat(40) };

  it('round-trips', () => {
    const text = formatJoinToken(token);
    expect(text.startsWith('fj1.')).toBe(true);
    expect(parseJoinToken(`  ${text}\n`)).toEqual(token);
  });

  it.each([
    ['K10abc', /not a Flotilla join token/],
    ['fj1.!!!', /damaged|no broker URL/],
    [formatJoinToken({ ...token, broker: 'http://x' }), /no broker URL/],
    [formatJoinToken({ ...token, caFingerprint: 'zz' }), /bad CA fingerprint/],
    [formatJoinToken({ ...token, secret: 'short' }), /bad secret/],
  ])('refuses %s', (text, message) => {
    expect(() => parseJoinToken(text)).toThrow(message);
  });
});
