// What the garbage collector follows, from the API's resource definitions: every stored resource
// except Events (never owners, never owned by anything that matters), and a kind → resource map.

import { builtinResources, storeResource, type ResourceDefinition } from '../../api';
import type { KindLookup } from './garbage-collector';

export function gcResources(defs: readonly ResourceDefinition[] = builtinResources()): { resources: string[]; kinds: KindLookup } {
  const byKind = new Map<string, { resource: string; namespaced: boolean }>();
  const resources: string[] = [];
  for (const d of defs) {
    const resource = storeResource(d);
    byKind.set(`${d.group ? `${d.group}/` : ''}${d.version}/${d.kind}`, { resource, namespaced: d.namespaced });
    if (d.kind !== 'Event' && !resources.includes(resource)) resources.push(resource);
  }
  return { resources, kinds: (apiVersion, kind) => byKind.get(`${apiVersion}/${kind}`) };
}
