// Decides who an MQTT client is, from the credentials in the store (through informer caches, so
// a reconnect storm costs no store reads): the server's own account, a device (username = node
// name, client id = node name), or a claimant holding a usable join token.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '../../shared/api/types';
import { isClaimClientId, isNodeName } from '../../shared/channel/topics';
import { SERVER_USERNAME } from '../../shared/channel/join-token';
import type { Informer } from '../informer/informer';
import type { BrokerAuthenticator } from './embedded';
import { joinTokenProblem, secretMatches, type DeviceCredentialSpec, type JoinTokenSpec } from './credentials';

export interface AuthenticatorDeps {
  serverPassword: string;
  tokens: Informer;
  devices: Informer;
  now: () => number;
  /**
   * Reads an object the informer does not have yet (a device connecting right after its join, before
   * the watch delivered its credential). Default: none.
   */
  read?: (resource: 'tokens' | 'devices', name: string) => Promise<KubeObject | undefined>;
}

const JOIN_PREFIX = '_join_';

/** Constant-time comparison (through fixed-length digests): the broker port faces the network. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (x: string): Buffer => createHash('sha256').update(x).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function channelAuthenticator(deps: AuthenticatorDeps): BrokerAuthenticator {
  const lookup = async (which: 'tokens' | 'devices', name: string): Promise<KubeObject | undefined> =>
    (which === 'tokens' ? deps.tokens : deps.devices).get(name) ?? (await deps.read?.(which, name));
  return async (username, password, clientId) => {
    if (username === undefined || password === undefined) return { reason: 'bad credentials: username and password are required' };
    if (username === SERVER_USERNAME) {
      return sameSecret(password, deps.serverPassword) ? { principal: { kind: 'server' } } : { reason: 'bad credentials for the server account' };
    }
    if (username.startsWith(JOIN_PREFIX)) {
      const tokenId = username.slice(JOIN_PREFIX.length);
      const token = await lookup('tokens', tokenId);
      if (!token || !secretMatches(password, (token.spec as Partial<JoinTokenSpec> | undefined)?.secretHash)) return { reason: `bad credentials for join token "${tokenId}"` };
      const problem = joinTokenProblem(token, deps.now());
      if (problem) return { reason: `not authorized: ${problem}` };
      if (!isClaimClientId(clientId)) return { reason: `not authorized: a claimant's client id must match [A-Za-z0-9_-]{1,64}: got "${clientId}"` };
      return { principal: { kind: 'claimant', tokenId } };
    }
    if (!isNodeName(username)) return { reason: `bad credentials: unknown user "${username}"` };
    const cred = await lookup('devices', username);
    if (!cred || cred.metadata.deletionTimestamp || !secretMatches(password, (cred.spec as Partial<DeviceCredentialSpec> | undefined)?.passwordHash)) {
      return { reason: `bad credentials for device "${username}"` };
    }
    if (clientId !== username) return { reason: `not authorized: device "${username}" must connect with its node name as client id: got "${clientId}"` };
    return { principal: { kind: 'device', node: username } };
  };
}
