// API bearer tokens: "<id>.<secret>". Only a SHA-256 of the secret is stored (the secret is 190
// random bits, so a fast hash is enough), in a cluster-scoped ApiToken object named <id>.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '../../shared/api/types';
import { FlotillaError } from '../../shared/errors';
import type { Store } from '../store/types';

export type ApiRole = 'admin' | 'viewer';
export const API_ROLES: readonly ApiRole[] = ['admin', 'viewer'];

export const TOKEN_RESOURCE = 'apitokens.flotilla.io';
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface ApiTokenSpec {
  role: ApiRole;
  description?: string;
  /** RFC 3339; the token is refused after it. */
  expirationTimestamp?: string;
  secretHash?: string;
}

function randomString(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function isApiRole(value: unknown): value is ApiRole {
  return typeof value === 'string' && (API_ROLES as readonly string[]).includes(value);
}

/** Makes a new token: the ApiToken object to store and the bearer string to hand out once. */
export function mintToken(spec: { role: ApiRole; description?: string; expirationTimestamp?: string }): { id: string; token: string; object: KubeObject } {
  const id = randomString(8);
  const secret = randomString(40);
  return {
    id,
    token: `${id}.${secret}`,
    object: { apiVersion: 'flotilla.io/v1', kind: 'ApiToken', metadata: { name: id }, spec: { ...spec, secretHash: hashSecret(secret) } },
  };
}

/** Parses "<id>.<secret>"; undefined when it is not of that shape. */
export function parseToken(token: string): { id: string; secret: string } | undefined {
  const m = /^([a-z0-9]{8})\.([a-z0-9]{40})$/.exec(token);
  return m && m[1] && m[2] ? { id: m[1], secret: m[2] } : undefined;
}

export interface TokenIdentity {
  name: string;
  role: ApiRole;
}

/** Checks a bearer token against the store. undefined = not a valid, unexpired token. */
export async function verifyToken(store: Store, token: string, now = Date.now()): Promise<TokenIdentity | undefined> {
  const parsed = parseToken(token);
  if (!parsed) return undefined;
  const obj = await store.get({ resource: TOKEN_RESOURCE, name: parsed.id });
  const spec = obj?.spec as ApiTokenSpec | undefined;
  if (!obj || !spec?.secretHash || obj.metadata.deletionTimestamp) return undefined;
  const expected = Buffer.from(spec.secretHash, 'hex');
  const actual = Buffer.from(hashSecret(parsed.secret), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  if (spec.expirationTimestamp && Date.parse(spec.expirationTimestamp) <= now) return undefined;
  if (!isApiRole(spec.role)) return undefined;
  return { name: spec.description ? `token:${parsed.id}:${spec.description}` : `token:${parsed.id}`, role: spec.role };
}

/** Validates a requested ApiToken spec (from the API): role required, expiration in the future. */
export function validateTokenRequest(spec: unknown, now = Date.now()): { role: ApiRole; description?: string; expirationTimestamp?: string } {
  const s = (spec ?? {}) as Record<string, unknown>;
  if (!isApiRole(s.role)) {
    throw new FlotillaError('Invalid', `ApiToken.flotilla.io is invalid: spec.role: Unsupported value: ${JSON.stringify(s.role ?? null)}: supported values: "admin", "viewer"`, {
      details: { kind: 'ApiToken', group: 'flotilla.io', causes: [{ field: 'spec.role', reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(s.role ?? null)}` }] },
    });
  }
  const out: { role: ApiRole; description?: string; expirationTimestamp?: string } = { role: s.role };
  if (typeof s.description === 'string') out.description = s.description;
  if (s.expirationTimestamp !== undefined) {
    const t = typeof s.expirationTimestamp === 'string' ? Date.parse(s.expirationTimestamp) : NaN;
    if (!Number.isFinite(t) || t <= now) {
      throw new FlotillaError('Invalid', `ApiToken.flotilla.io is invalid: spec.expirationTimestamp: Invalid value: ${JSON.stringify(s.expirationTimestamp)}: must be a future RFC 3339 time`);
    }
    out.expirationTimestamp = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return out;
}
