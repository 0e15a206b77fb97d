// The join token a device is flashed with: everything it needs to find the server's broker, trust
// it (the CA's SHA-256 fingerprint) and claim membership (token id + secret). One opaque string:
// "fj1." + base64url(JSON). The server keeps only a hash of the secret.

export interface JoinToken {
  /** e.g. mqtts://10.0.0.5:8883, mqtt://127.0.0.1:1883, ws://host:8083 */
  broker: string;
  /** SHA-256 of the CA certificate (DER), lowercase hex; empty for a plain-TCP broker without TLS. */
  caFingerprint: string;
  id: string;
  secret: string;
}

const PREFIX = 'fj1.';

export function formatJoinToken(token: JoinToken): string {
  const body = JSON.stringify({ b: token.broker, ca: token.caFingerprint, id: token.id, s: token.secret });
  return PREFIX + Buffer.from(body).toString('base64url');
}

/** Parses a join token; throws an Error naming what is wrong. */
export function parseJoinToken(text: string): JoinToken {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PREFIX)) throw new Error(`not a Flotilla join token (it must start with "${PREFIX}"): got "${trimmed.slice(0, 12)}…"`);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(trimmed.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw new Error('join token is damaged: its body is not base64url JSON');
  }
  const o = (body ?? {}) as Record<string, unknown>;
  const { b, ca, id, s } = o;
  if (typeof b !== 'string' || !/^(mqtts?|wss?):\/\//.test(b)) throw new Error(`join token has no broker URL (mqtt://, mqtts://, ws:// or wss://): got ${JSON.stringify(b)}`);
  if (typeof ca !== 'string' || !/^([0-9a-f]{64})?$/.test(ca)) throw new Error(`join token has a bad CA fingerprint: got ${JSON.stringify(ca)}`);
  if (typeof id !== 'string' || !/^[a-z0-9]{8}$/.test(id)) throw new Error(`join token has a bad id: got ${JSON.stringify(id)}`);
  if (typeof s !== 'string' || !/^[a-z0-9]{40}$/.test(s)) throw new Error('join token has a bad secret');
  return { broker: b, caFingerprint: ca, id, secret: s };
}

/** The MQTT username a claimant connects with. `_` never appears in a node name, so it cannot clash with a device. */
export function joinUsername(tokenId: string): string {
  return `_join_${tokenId}`;
}

/** The MQTT username of the server itself on an external broker. */
export const SERVER_USERNAME = '_flotilla_server';
