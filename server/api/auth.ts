// Authentication (Bearer token → Identity through the injected Authenticator) and authorization
// by role: admin may do everything, viewer only reads (not Secrets), a node reads the same and writes
// only its own Node (and status), its Lease in kube-node-lease and the status of pods bound to it.

import type { IncomingMessage } from 'node:http';
import { FlotillaError } from '../../shared/errors';
import type { Store } from '../store/types';
import type { Identity, Verb } from './registry';
import { forbiddenMessage } from './status';

/** Resolves a bearer token to an identity; undefined = no or unknown token (→ 401). */
export type Authenticator = (bearerToken: string | undefined) => Promise<Identity | undefined>;

export interface RequestAttributes {
  verb: Verb;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const READ_VERBS: ReadonlySet<Verb> = new Set(['get', 'list', 'watch']);

export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export async function authenticate(req: IncomingMessage, authenticator: Authenticator): Promise<Identity> {
  const identity = await authenticator(bearerToken(req));
  if (!identity) throw new FlotillaError('Unauthorized', 'Unauthorized');
  return identity;
}

async function nodeMayWrite(identity: Identity, a: RequestAttributes, store: Store): Promise<boolean> {
  const node = identity.node;
  if (!node) return false;
  if (a.group === '' && a.resource === 'nodes') return a.name === node && a.verb !== 'delete' && a.verb !== 'deletecollection';
  if (a.group === 'coordination.k8s.io' && a.resource === 'leases') {
    return a.namespace === 'kube-node-lease' && a.name === node && a.verb !== 'deletecollection';
  }
  if (a.group === '' && a.resource === 'pods' && a.subresource === 'status' && a.name && (a.verb === 'update' || a.verb === 'patch')) {
    const pod = await store.get({ resource: 'pods', namespace: a.namespace, name: a.name });
    const nodeName = (pod?.spec as { nodeName?: unknown } | undefined)?.nodeName;
    return nodeName === node;
  }
  return false;
}

/**
 * Reads a viewer (or node) may not do: Secrets hold credentials, and reading them is a way to more
 * power than the role grants — Kubernetes' `view` role leaves them out for that reason. (A device
 * gets the Secrets its pods use with its desired state over MQTT, not through the API.)
 */
function readForbidden(a: RequestAttributes): boolean {
  return a.group === '' && a.resource === 'secrets';
}

/** Throws Forbidden (403) with Kubernetes' RBAC wording when `identity` may not do `a`. */
export async function authorize(identity: Identity, a: RequestAttributes, store: Store): Promise<void> {
  if (identity.role === 'admin') return;
  if (READ_VERBS.has(a.verb) && !readForbidden(a)) return;
  if (identity.role === 'node' && (await nodeMayWrite(identity, a, store))) return;
  throw new FlotillaError('Forbidden', forbiddenMessage({ user: identity.name, ...a }), {
    details: { kind: a.resource, group: a.group, ...(a.name ? { name: a.name } : {}) },
  });
}
