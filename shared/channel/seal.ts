// Sealing the join reply to the claimant: ephemeral X25519 on both sides, HKDF-SHA256 keyed also
// with the join token's secret, AES-256-GCM. Another claimant holding the same token can read the
// reply topic (or take over the client id) but cannot open the reply without the claimant's key.

import { createCipheriv, createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';

export interface EphemeralKey {
  privateKey: KeyObject;
  /** base64 DER (SPKI), as it travels in messages. */
  publicKey: string;
}

export function ephemeralKey(): EphemeralKey {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { privateKey, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

function importPublic(b64: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'x25519') throw new Error(`public key must be X25519: got ${String(key.asymmetricKeyType)}`);
  return key;
}

function keyFor(own: KeyObject, peerPublic: string, tokenSecret: string): Buffer {
  const shared = diffieHellman({ privateKey: own, publicKey: importPublic(peerPublic) });
  return Buffer.from(hkdfSync('sha256', shared, Buffer.from(tokenSecret), Buffer.from('flotilla join v1'), 32));
}

/** Server side: seals `plaintext` to the claimant's public key. */
export function seal(plaintext: string, peerPublic: string, tokenSecret: string): { serverKey: string; iv: string; sealed: string } {
  const own = ephemeralKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(own.privateKey, peerPublic, tokenSecret), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { serverKey: own.publicKey, iv: iv.toString('base64'), sealed: body.toString('base64') };
}

/** Claimant side: opens a sealed reply; throws when it was not sealed for this key and token. */
export function open(sealed: { serverKey: string; iv: string; sealed: string }, own: KeyObject, tokenSecret: string): string {
  const body = Buffer.from(sealed.sealed, 'base64');
  if (body.length < 16) throw new Error('sealed join reply is too short');
  const decipher = createDecipheriv('aes-256-gcm', keyFor(own, sealed.serverKey, tokenSecret), Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
}
