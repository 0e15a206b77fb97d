// The ApiToken kind (flotilla.io/v1, cluster-scoped) as the API serves it: creating one mints a
// token and returns it once in status.token; only its hash is stored. Immutable afterwards.

import type { KubeObject } from '../../shared/api/types';
import type { ResourceDefinition } from '../api/registry';
import { mintToken, validateTokenRequest, type ApiTokenSpec } from './tokens';

function age(obj: KubeObject, now: Date): string {
  const created = Date.parse(obj.metadata.creationTimestamp ?? '');
  if (!Number.isFinite(created)) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - created) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.floor(s / 60)}m` : s < 172800 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 86400)}d`;
}

export function apiTokenResource(): ResourceDefinition {
  return {
    group: 'flotilla.io',
    version: 'v1',
    kind: 'ApiToken',
    plural: 'apitokens',
    singular: 'apitoken',
    namespaced: false,
    verbs: ['create', 'get', 'list', 'watch', 'delete', 'deletecollection'],
    table: {
      columns: [
        { name: 'Name', type: 'string', format: 'name' },
        { name: 'Role', type: 'string' },
        { name: 'Description', type: 'string' },
        { name: 'Expires', type: 'string' },
        { name: 'Age', type: 'date' },
      ],
      cells(obj, now) {
        const spec = (obj.spec ?? {}) as ApiTokenSpec;
        return [obj.metadata.name, spec.role, spec.description ?? '', spec.expirationTimestamp ?? '<never>', age(obj, now)];
      },
    },
    strategy: {
      prepareForCreate(obj, ctx) {
        const spec = validateTokenRequest(obj.spec, ctx.now.getTime());
        const minted = mintToken(spec);
        obj.metadata = { ...obj.metadata, name: minted.id, labels: obj.metadata.labels };
        delete obj.metadata.generateName;
        obj.spec = minted.object.spec;
        ctx.state.token = minted.token;
      },
      transformCreateResponse(obj, ctx) {
        const spec = { ...(obj.spec as ApiTokenSpec) };
        delete spec.secretHash;
        return { ...obj, spec, status: { token: ctx.state.token } };
      },
    },
  };
}
