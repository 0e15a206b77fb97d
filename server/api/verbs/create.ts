// POST to a collection: decode, check against the URL, namespace lifecycle, unknown fields,
// defaults/strategy/validation, then one store write (none with dryRun=All). 201 with the object.

import { randomBytes, randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../shared/api/types';
import { FlotillaError } from '../../../shared/errors';
import { admit, checkIdentity, checkUnknownFields, ensureNamespaceAcceptsCreate, readObjectBody, stripServerFields } from '../admission';
import { authorize } from '../auth';
import { isDryRun, strategyContext, type ResourceRequest } from '../context';
import { sendJson } from '../negotiate';
import { storeResource } from '../registry';

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Kubernetes' generateName suffix: 5 characters from an alphabet without vowels. */
export function nameSuffix(): string {
  let s = '';
  for (const b of randomBytes(5)) s += NAME_ALPHABET[b % NAME_ALPHABET.length];
  return s;
}

function warningHeaders(warnings: string[]): Record<string, string> {
  return warnings.length ? { Warning: warnings.join(', ') } : {};
}

export async function handleCreate(r: ResourceRequest): Promise<void> {
  const obj = await readObjectBody(r);
  checkIdentity(r, obj);
  if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + nameSuffix();
  await authorize(r.identity, { verb: 'create', group: r.def.group, resource: r.def.plural, namespace: r.namespace, ...(obj.metadata.name ? { name: obj.metadata.name } : {}) }, r.deps.store);
  const warnings = checkUnknownFields(r, obj);
  await ensureNamespaceAcceptsCreate(r);
  stripServerFields(obj);
  // Like kube-apiserver, the uid exists before admission (the store keeps it).
  obj.metadata.uid = randomUUID();
  const dryRun = isDryRun(r);
  const ctx = strategyContext(r, dryRun);
  await admit(r, obj, undefined, ctx);
  // Checked after the strategy: a kind may pick the name itself (ApiToken does).
  if (!obj.metadata.name) {
    throw new FlotillaError('Invalid', `${r.def.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, {
      details: { kind: r.def.kind, group: r.def.group, name: '', causes: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }] },
    });
  }
  let created: KubeObject;
  if (dryRun) {
    if (await r.deps.store.get({ resource: storeResource(r.def), namespace: obj.metadata.namespace, name: obj.metadata.name })) {
      throw new FlotillaError('AlreadyExists', `${r.def.group ? `${r.def.plural}.${r.def.group}` : r.def.plural} "${obj.metadata.name}" already exists`, {
        details: { kind: r.def.plural, group: r.def.group, name: obj.metadata.name },
      });
    }
    created = { ...obj, metadata: { ...obj.metadata, creationTimestamp: r.now.toISOString().replace(/\.\d{3}Z$/, 'Z') } };
  } else {
    created = await r.deps.store.create(storeResource(r.def), obj);
    await r.def.strategy?.afterCreate?.(created, ctx);
  }
  const body = r.def.strategy?.transformCreateResponse?.(created, ctx) ?? created;
  sendJson(r.res, 201, body, warningHeaders(warnings));
}

export { warningHeaders };
