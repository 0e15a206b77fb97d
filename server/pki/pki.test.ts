import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { caFingerprint, ensurePki } from './pki';

describe('ensurePki', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-pki-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a CA and a serving certificate signed by it, covering loopback', () => {
    const pki = ensurePki(dir);
    const ca = new X509Certificate(pki.caCertPem);
    const cert = new X509Certificate(pki.certPem);
    expect(ca.ca).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(statSync(join(dir, 'ca.key')).mode & 0o077).toBe(0);
    expect(statSync(join(dir, 'server.key')).mode & 0o077).toBe(0);
  });

  it('reuses what it made on a later start', () => {
    const first = ensurePki(dir);
    const second = ensurePki(dir);
    expect(second.caCertPem).toBe(first.caCertPem);
    expect(second.certPem).toBe(first.certPem);
  });

  it('re-issues the serving certificate under the same CA when a new name must be covered', () => {
    const first = ensurePki(dir);
    const second = ensurePki(dir, { extraNames: ['fleet.example.test', '10.9.8.7'] });
    expect(second.caCertPem).toBe(first.caCertPem);
    expect(second.certPem).not.toBe(first.certPem);
    const cert = new X509Certificate(readFileSync(join(dir, 'server.crt')));
    expect(cert.checkHost('fleet.example.test')).toBe('fleet.example.test');
    expect(cert.checkIP('10.9.8.7')).toBe('10.9.8.7');
  });

  it('fingerprints the CA as sha256 hex', () => {
    const pki = ensurePki(dir);
    expect(caFingerprint(pki.caCertPem)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
