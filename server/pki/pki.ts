// The server's PKI: a CA and a serving certificate created at first start and kept in the data dir.
// Keys come from node:crypto (fast RSA); node-forge builds and signs the X.509 certificates, which
// node:crypto cannot do.

import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces, hostname } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

export interface ServerPki {
  caCertPem: string;
  caKeyPem: string;
  certPem: string;
  keyPem: string;
}

const CA_YEARS = 10;
const SERVING_YEARS = 2;
/** A serving certificate this close to expiry, or missing a current address, is renewed at start. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

function rsaKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.PrivateKey; privatePem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(privatePem);
  const publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  return { publicKey, privateKey: forgeKey, privatePem };
}

function newCertificate(publicKey: forge.pki.PublicKey, years: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive serial: 16 random bytes with the top bit cleared.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + years * 365 * 24 * 3600 * 1000);
  return cert;
}

function createCa(): { certPem: string; keyPem: string } {
  const keys = rsaKeyPair();
  const cert = newCertificate(keys.publicKey, CA_YEARS);
  const subject = [{ name: 'commonName', value: 'flotilla-ca' }, { name: 'organizationName', value: 'Flotilla' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

/** The names and addresses the serving certificate must cover: loopback, the host name and every local address. */
export function servingNames(extra: string[] = []): { dns: string[]; ips: string[] } {
  const dns = new Set(['localhost', hostname(), 'flotilla', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc']);
  const ips = new Set(['127.0.0.1', '::1']);
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (!a.address.startsWith('fe80')) ips.add(a.address);
  }
  for (const name of extra) (/^[0-9.]+$|:/.test(name) ? ips : dns).add(name);
  return { dns: [...dns], ips: [...ips] };
}

function createServing(ca: { certPem: string; keyPem: string }, names: { dns: string[]; ips: string[] }): { certPem: string; keyPem: string } {
  const keys = rsaKeyPair();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const cert = newCertificate(keys.publicKey, SERVING_YEARS);
  cert.setSubject([{ name: 'commonName', value: 'flotilla-server' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...names.dns.map((value) => ({ type: 2, value })), ...names.ips.map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

function servingStillGood(certPem: string, names: { dns: string[]; ips: string[] }, caPem: string): boolean {
  const cert = new X509Certificate(certPem);
  if (!cert.verify(new X509Certificate(caPem).publicKey)) return false;
  if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
  const san = cert.subjectAltName ?? '';
  return names.dns.every((d) => san.includes(`DNS:${d}`)) && names.ips.every((ip) => cert.checkIP(ip) !== undefined);
}

/**
 * Loads the PKI from `dir` (the data dir's pki/ folder), creating what is missing. The CA is made
 * once and kept; the serving certificate is re-issued when it nears expiry or no longer covers
 * the host's names and addresses. Keys are written 0600.
 */
export function ensurePki(dir: string, options: { extraNames?: string[] } = {}): ServerPki {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const paths = { caCert: join(dir, 'ca.crt'), caKey: join(dir, 'ca.key'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
  let ca: { certPem: string; keyPem: string };
  if (existsSync(paths.caCert) && existsSync(paths.caKey)) {
    ca = { certPem: readFileSync(paths.caCert, 'utf8'), keyPem: readFileSync(paths.caKey, 'utf8') };
  } else {
    ca = createCa();
    writeFileSync(paths.caKey, ca.keyPem, { mode: 0o600 });
    writeFileSync(paths.caCert, ca.certPem);
  }
  const names = servingNames(options.extraNames);
  let serving: { certPem: string; keyPem: string } | undefined;
  if (existsSync(paths.cert) && existsSync(paths.key)) {
    const certPem = readFileSync(paths.cert, 'utf8');
    if (servingStillGood(certPem, names, ca.certPem)) serving = { certPem, keyPem: readFileSync(paths.key, 'utf8') };
  }
  if (!serving) {
    serving = createServing(ca, names);
    writeFileSync(paths.key, serving.keyPem, { mode: 0o600 });
    writeFileSync(paths.cert, serving.certPem);
  }
  return { caCertPem: ca.certPem, caKeyPem: ca.keyPem, certPem: serving.certPem, keyPem: serving.keyPem };
}

/** SHA-256 fingerprint of a PEM certificate, as `sha256:<hex>` (what join tokens carry to pin the CA). */
export function caFingerprint(certPem: string): string {
  return `sha256:${new X509Certificate(certPem).fingerprint256.replace(/:/g, '').toLowerCase()}`;
}
