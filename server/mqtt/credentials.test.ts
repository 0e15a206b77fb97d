import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinTokenProblem, mosquittoHash, verifyMosquittoHash } from './credentials';

describe('mosquitto password hashes', () => {
  it('verifies its own hashes and refuses wrong passwords', () => {
    const h = mosquittoHash('s3cret');
    expect(h).toMatch(/^\$7\$1\$[A-Za-z0-9+/=]{16}\$[A-Za-z0-9+/=]{88}$/);
    expect(verifyMosquittoHash('s3cret', h)).toBe(true);
    expect(verifyMosquittoHash('s3cret!', h)).toBe(false);
  });

  it('matches what the real mosquitto_passwd writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-pw-'));
    try {
      const r = spawnSync('mosquitto_passwd', ['-c', '-b', join(dir, 'pw'), 'alice', 'wonder land'], { encoding: 'utf8' });
      if (r.error) throw new Error(`mosquitto_passwd is needed (Debian package mosquitto): ${r.error.message}`);
      const line = readFileSync(join(dir, 'pw'), 'utf8').trim();
      const encoded = line.slice('alice:'.length);
      expect(verifyMosquittoHash('wonder land', encoded)).toBe(true);
      const salt = Buffer.from(encoded.split('$')[3] ?? '', 'base64');
      expect(mosquittoHash('wonder land', salt, 101)).toBe(encoded);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('joinTokenProblem', () => {
  const token = (spec: object, status: object = {}, deleted = false) => ({
    apiVersion: 'flotilla.io/v1',
    kind: 'JoinToken',
    metadata: { name: 't', ...(deleted ? { deletionTimestamp: '2020-01-01T00:00:00Z' } : {}) },
    spec,
    status,
  });
  const now = Date.parse('2030-01-01T00:00:00Z');
  it.each([
    ['usable', token({}), undefined],
    ['missing', undefined, /unknown or was revoked/],
    ['being deleted', token({}, {}, true), /unknown or was revoked/],
    ['expired', token({ expirationTimestamp: '2029-12-31T00:00:00Z' }), /expired at 2029-12-31T00:00:00Z/],
    ['used up', token({ usages: 2 }, { used: 2 }), /used up: 2 of 2 joins/],
    ['with uses left', token({ usages: 2 }, { used: 1 }), undefined],
  ])('%s', (_what, t, expected) => {
    const p = joinTokenProblem(t, now);
    if (expected === undefined) expect(p).toBeUndefined();
    else expect(p).toMatch(expected);
  });
});
