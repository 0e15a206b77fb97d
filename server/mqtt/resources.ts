// The node channel's kinds as the API serves them (flotilla.io/v1, cluster-scoped): JoinToken —
// creating one mints a join token and returns it once in status.token, with the broker address
// and CA fingerprint the device needs — and DeviceCredential, one per joined node (read and
// delete only: deleting one revokes the device).

import type { KubeObject } from '../../shared/api/types';
import { formatJoinToken, joinUsername } from '../../shared/channel/join-token';
import { validateLabels } from '../../shared/api/selectors';
import { FlotillaError } from '../../shared/errors';
import type { ResourceDefinition } from '../api/registry';
import { creationAge } from '../api/tables/format';
import { mosquittoHash, randomSecret, sha256Hex, type JoinTokenSpec, type JoinTokenStatus } from './credentials';

export interface JoinTokenAdvertisement {
  /** The broker URL devices dial. */
  broker: string;
  /** SHA-256 of the CA certificate, hex. */
  caFingerprint: string;
}

function invalid(field: string, message: string): FlotillaError {
  return new FlotillaError('Invalid', `JoinToken.flotilla.io is invalid: ${field}: ${message}`, {
    details: { kind: 'JoinToken', group: 'flotilla.io', causes: [{ field, reason: 'FieldValueInvalid', message }] },
  });
}

/** Validates the requested spec: optional expirationTimestamp (future), usages (≥ 1), labels, description. */
export function validateJoinTokenRequest(spec: unknown, now: number): Omit<JoinTokenSpec, 'secretHash' | 'mosquittoHash'> {
  const s = (spec ?? {}) as Record<string, unknown>;
  const out: Omit<JoinTokenSpec, 'secretHash' | 'mosquittoHash'> = {};
  if (s.expirationTimestamp !== undefined) {
    const t = typeof s.expirationTimestamp === 'string' ? Date.parse(s.expirationTimestamp) : NaN;
    if (!Number.isFinite(t) || t <= now) throw invalid('spec.expirationTimestamp', `Invalid value: ${JSON.stringify(s.expirationTimestamp)}: must be a future RFC 3339 time`);
    out.expirationTimestamp = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  if (s.usages !== undefined) {
    if (typeof s.usages !== 'number' || !Number.isInteger(s.usages) || s.usages < 1) throw invalid('spec.usages', `Invalid value: ${JSON.stringify(s.usages)}: must be an integer ≥ 1`);
    out.usages = s.usages;
  }
  if (s.labels !== undefined) {
    const labels = s.labels as Record<string, unknown>;
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels) || Object.values(labels).some((v) => typeof v !== 'string')) {
      throw invalid('spec.labels', 'must be a map of strings');
    }
    // They go onto every joining Node as they are: they must be labels Kubernetes accepts.
    const bad = validateLabels(labels, 'spec.labels')[0];
    if (bad) throw invalid(bad.field, bad.message);
    out.labels = labels as Record<string, string>;
  }
  if (typeof s.description === 'string') out.description = s.description;
  return out;
}

/**
 * `applied` resolves once the broker accepts the new token's credentials (an external mosquitto
 * reloads its files): `flotilla token create` answers only then, so the token works at once.
 */
export function joinTokenResource(advertise: () => JoinTokenAdvertisement, applied?: (username: string) => Promise<void>): ResourceDefinition {
  return {
    group: 'flotilla.io',
    version: 'v1',
    kind: 'JoinToken',
    plural: 'jointokens',
    singular: 'jointoken',
    namespaced: false,
    verbs: ['create', 'get', 'list', 'watch', 'delete', 'deletecollection'],
    table: {
      columns: [
        { name: 'Name', type: 'string', format: 'name' },
        { name: 'Used', type: 'string' },
        { name: 'Expires', type: 'string' },
        { name: 'Labels', type: 'string' },
        { name: 'Age', type: 'date' },
      ],
      cells(obj, now) {
        const spec = (obj.spec ?? {}) as Partial<JoinTokenSpec>;
        const used = ((obj.status ?? {}) as JoinTokenStatus).used ?? 0;
        const labels = Object.entries(spec.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
        return [obj.metadata.name, `${used}/${spec.usages ?? '∞'}`, spec.expirationTimestamp ?? '<never>', labels || '<none>', creationAge(obj, now)];
      },
    },
    strategy: {
      prepareForCreate(obj, ctx) {
        const spec = validateJoinTokenRequest(obj.spec, ctx.now.getTime());
        const id = randomSecret(8);
        const secret = randomSecret(40);
        obj.metadata = { ...obj.metadata, name: id };
        delete obj.metadata.generateName;
        const full: JoinTokenSpec = { ...spec, secretHash: sha256Hex(secret), mosquittoHash: mosquittoHash(secret) };
        obj.spec = full;
        obj.status = { used: 0 };
        const ad = advertise();
        ctx.state.token = formatJoinToken({ broker: ad.broker, caFingerprint: ad.caFingerprint, id, secret });
      },
      afterCreate: async (obj) => {
        await applied?.(joinUsername(obj.metadata.name ?? ''));
      },
      transformCreateResponse(obj, ctx): KubeObject {
        const spec = { ...(obj.spec as JoinTokenSpec) } as Partial<JoinTokenSpec>;
        delete spec.secretHash;
        delete spec.mosquittoHash;
        return { ...obj, spec, status: { ...(obj.status as object), token: ctx.state.token } };
      },
    },
  };
}

export function deviceCredentialResource(): ResourceDefinition {
  return {
    group: 'flotilla.io',
    version: 'v1',
    kind: 'DeviceCredential',
    plural: 'devicecredentials',
    singular: 'devicecredential',
    namespaced: false,
    verbs: ['get', 'list', 'watch', 'delete', 'deletecollection'],
    table: {
      columns: [
        { name: 'Name', type: 'string', format: 'name' },
        { name: 'Join Token', type: 'string' },
        { name: 'Age', type: 'date' },
      ],
      cells: (obj, now) => [obj.metadata.name, (obj.spec as { joinToken?: string } | undefined)?.joinToken ?? '', creationAge(obj, now)],
    },
  };
}
