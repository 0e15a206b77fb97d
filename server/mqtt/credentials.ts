// Credentials of the node channel, kept in the store: JoinTokens (flotilla.io/v1, what `flotilla
// token create` without --role makes) and DeviceCredentials (one per joined node, named after it).
// Secrets are stored only as hashes: SHA-256 for the embedded broker (secrets are 190+ random bits)
// and mosquitto's PBKDF2-SHA512 `$7$` form for an external mosquitto's password file.

import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '../../shared/api/types';

export const JOIN_TOKEN_RESOURCE = 'jointokens.flotilla.io';
export const DEVICE_CREDENTIAL_RESOURCE = 'devicecredentials.flotilla.io';

export interface JoinTokenSpec {
  secretHash: string;
  mosquittoHash: string;
  /** RFC 3339; refused after it. */
  expirationTimestamp?: string;
  /** How many devices may join with it; unlimited when absent. */
  usages?: number;
  /** Labels every node joining with it gets. */
  labels?: Record<string, string>;
  description?: string;
}

export interface JoinTokenStatus {
  used?: number;
  /** Nodes that joined with it, oldest first (bounded). */
  nodes?: string[];
}

export interface DeviceCredentialSpec {
  username: string;
  passwordHash: string;
  mosquittoHash: string;
  /** The join token the device came in with. */
  joinToken?: string;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Lowercase letters and digits; 40 characters carry 206 bits. */
export function randomSecret(length: number): string {
  let out = '';
  for (const b of randomBytes(length)) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, hashHex: string | undefined): boolean {
  if (!hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = Buffer.from(sha256Hex(secret), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * PBKDF2 iterations of the `$7$` hashes Flotilla writes for mosquitto. mosquitto_passwd uses 101 to
 * slow down guessing of human passwords; every secret here is machine-made with 200+ random bits,
 * where stretching adds nothing. It costs a lot, though: on every reload mosquitto 2.0 checks each
 * connected client's password again, and at 101 iterations that is ≈ 60 µs per client (0.6 s of
 * mosquitto's only thread per reload with 10,000 devices connected; ≈ 4 µs at 1 iteration —
 * bench/mosquitto-reload.ts).
 */
export const MOSQUITTO_HASH_ITERATIONS = 1;

/** mosquitto_passwd's format (mosquitto ≥ 2.0): `$7$<iterations>$<base64 salt(12)>$<base64 PBKDF2-SHA512(64)>`. */
export function mosquittoHash(password: string, salt: Buffer = randomBytes(12), iterations = MOSQUITTO_HASH_ITERATIONS): string {
  const hash = pbkdf2Sync(password, salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyMosquittoHash(password: string, encoded: string): boolean {
  const m = /^\$7\$(\d+)\$([^$]+)\$([^$]+)$/.exec(encoded);
  if (!m || !m[1] || !m[2] || !m[3]) return false;
  const expected = Buffer.from(m[3], 'base64');
  const actual = pbkdf2Sync(password, Buffer.from(m[2], 'base64'), Number(m[1]), expected.length, 'sha512');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Why a join token cannot be used now, or undefined when it can. */
export function joinTokenProblem(token: KubeObject | undefined, now: number): string | undefined {
  if (!token || token.metadata.deletionTimestamp) return 'the join token is unknown or was revoked';
  const spec = (token.spec ?? {}) as Partial<JoinTokenSpec>;
  const used = ((token.status ?? {}) as JoinTokenStatus).used ?? 0;
  if (spec.expirationTimestamp && Date.parse(spec.expirationTimestamp) <= now) return `the join token expired at ${spec.expirationTimestamp}`;
  if (spec.usages !== undefined && used >= spec.usages) return `the join token is used up: ${used} of ${spec.usages} joins`;
  return undefined;
}

/** The DeviceCredential object for a node and the password to hand out once. */
export function mintDeviceCredential(node: string, joinToken: string | undefined): { password: string; object: KubeObject } {
  const password = randomSecret(48);
  const spec: DeviceCredentialSpec = { username: node, passwordHash: sha256Hex(password), mosquittoHash: mosquittoHash(password), ...(joinToken ? { joinToken } : {}) };
  return { password, object: { apiVersion: 'flotilla.io/v1', kind: 'DeviceCredential', metadata: { name: node }, spec } };
}
