// Joining the fleet with a join token (provisioning by claim): find the broker the token names,
// trust it only if its CA matches the token's fingerprint, connect with the token's credentials,
// send the node name and hardware facts, and open the sealed reply: the device's own credentials.

import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { connect as tlsConnect, type DetailedPeerCertificate } from 'node:tls';
import { decodeMessage } from '../../shared/channel/decode';
import { joinUsername, parseJoinToken } from '../../shared/channel/join-token';
import { encodeMessage, type JoinFacts, type JoinGrant } from '../../shared/channel/messages';
import { ephemeralKey, open } from '../../shared/channel/seal';
import { provisionTopic } from '../../shared/channel/topics';
import { AgentConnection } from './mqtt-connection';
import type { DeviceCredentials } from './device-credentials';

export interface JoinOptions {
  token: string;
  nodeName: string;
  facts: JoinFacts;
  /** Overrides the broker URL the token carries (--broker). */
  broker?: string;
  timeoutMs?: number;
}

function toPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** Fetches the broker's certificate chain and returns the CA certificate whose SHA-256 matches `fingerprint`. */
export function fetchPinnedCa(url: string, fingerprint: string, timeoutMs = 10_000): Promise<string> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'wss:' ? 443 : 8883));
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: u.hostname, port, rejectUnauthorized: false, ...(/^[\d.]+$|:/.test(u.hostname) ? {} : { servername: u.hostname }) }, () => {
      let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
      const seen = new Set<string>();
      while (cert?.raw && !seen.has(cert.fingerprint256)) {
        seen.add(cert.fingerprint256);
        if (createHash('sha256').update(cert.raw).digest('hex') === fingerprint) {
          const pem = toPem(cert.raw);
          socket.end();
          return resolve(new X509Certificate(pem).toString());
        }
        cert = cert.issuerCertificate;
      }
      socket.end();
      reject(new Error(`the broker at ${url} does not present the CA the join token names (sha256 ${fingerprint.slice(0, 16)}…): refusing to trust it`));
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS answer from ${url} within ${timeoutMs} ms`)));
    socket.once('error', reject);
  });
}

/** The server refused the join (expired, used-up or revoked token, a taken name): trying again will not help. */
export class JoinRefused extends Error {
  override readonly name = 'JoinRefused';
}

/** Joins; resolves with the credentials to save, rejects with the server's reason (JoinRefused) when refused. */
export async function joinWithToken(options: JoinOptions): Promise<DeviceCredentials> {
  const token = parseJoinToken(options.token);
  const broker = options.broker ?? token.broker;
  const secure = /^(mqtts|wss):/.test(broker);
  if (secure && !token.caFingerprint) throw new Error('the join token carries no CA fingerprint: cannot verify a TLS broker');
  const caPem = secure ? await fetchPinnedCa(broker, token.caFingerprint) : '';
  const clientId = `claim-${randomBytes(12).toString('hex')}`;
  const conn = await AgentConnection.open({ url: broker, clientId, username: joinUsername(token.id), password: token.secret, persistent: false, ...(caPem ? { caPem } : {}) });
  try {
    const key = ephemeralKey();
    const reply = new Promise<JoinGrant>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not answer the join request within ${options.timeoutMs ?? 30_000} ms`)), options.timeoutMs ?? 30_000);
      conn.onMessage((topic, payload) => {
        const d = decodeMessage(topic, payload);
        if (!d.ok || d.message.kind !== 'joinReply') return;
        clearTimeout(timer);
        const m = d.message;
        if (!m.ok) return reject(new JoinRefused(m.reason));
        try {
          resolve(JSON.parse(open(m, key.privateKey, token.secret)) as JoinGrant);
        } catch (err) {
          reject(new Error(`cannot open the join reply: ${(err as Error).message}`));
        }
      });
    });
    await conn.subscribe([provisionTopic(clientId, 'reply')]);
    await conn.publish(provisionTopic(clientId, 'request'), encodeMessage({ kind: 'join', tokenId: token.id, tokenSecret: token.secret, nodeName: options.nodeName, publicKey: key.publicKey, facts: options.facts }), { qos: 1 });
    const grant = await reply;
    return { broker, nodeName: grant.nodeName, username: grant.username, password: grant.password, caPem: secure ? grant.caPem || caPem : '' };
  } finally {
    await conn.end();
  }
}
