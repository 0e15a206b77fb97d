// API discovery from the registry: the legacy documents (/api APIVersions, /apis APIGroupList,
// /apis/{group} APIGroup, /api/v1 and /apis/{g}/{v} APIResourceList) and aggregated discovery
// (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) that kubectl ≥ 1.30 asks for first.

import { apiVersionOf, verbsOf, type ResourceDefinition, type ResourceRegistry, type Subresource } from './registry';

interface SubresourceInfo {
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

/** What each generic subresource answers with (kind) and which verbs it takes. */
export function subresourceInfo(def: ResourceDefinition, sub: Subresource): SubresourceInfo {
  switch (sub) {
    case 'status':
      return { group: '', version: '', kind: def.kind, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };
    case 'binding':
      return { group: '', version: '', kind: 'Binding', verbs: ['create'] };
    case 'log':
      return { group: '', version: '', kind: def.kind, verbs: ['get'] };
    case 'eviction':
      return { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] };
  }
}

function sortedVerbs(def: ResourceDefinition): string[] {
  return [...verbsOf(def)].sort();
}

export function apiVersions(): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] };
}

function groupEntry(group: string, versions: string[]): object {
  const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList(registry: ResourceRegistry): object {
  const groups = registry.groups().filter((g) => g.group !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => groupEntry(g.group, g.versions)) };
}

export function apiGroup(registry: ResourceRegistry, group: string): object | undefined {
  const g = registry.groups().find((x) => x.group === group && group !== '');
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.group, g.versions) };
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): object | undefined {
  const defs = registry.inGroupVersion(group, version);
  if (defs.length === 0) return undefined;
  const resources: object[] = [];
  for (const d of defs) {
    resources.push({
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: sortedVerbs(d),
      ...(d.shortNames?.length ? { shortNames: d.shortNames } : {}),
      ...(d.categories?.length ? { categories: d.categories } : {}),
    });
    for (const sub of d.subresources ?? []) {
      const info = subresourceInfo(d, sub);
      resources.push({
        name: `${d.plural}/${sub}`,
        singularName: '',
        namespaced: d.namespaced,
        ...(info.group ? { group: info.group, version: info.version } : {}),
        kind: info.kind,
        verbs: info.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

function aggregatedResource(d: ResourceDefinition): object {
  return {
    resource: d.plural,
    responseKind: { group: d.group, version: d.version, kind: d.kind },
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: sortedVerbs(d),
    ...(d.shortNames?.length ? { shortNames: d.shortNames } : {}),
    ...(d.categories?.length ? { categories: d.categories } : {}),
    ...(d.subresources?.length
      ? {
          subresources: d.subresources.map((sub) => {
            const info = subresourceInfo(d, sub);
            return { subresource: sub, responseKind: { group: info.group || d.group, version: info.version || d.version, kind: info.kind }, verbs: info.verbs };
          }),
        }
      : {}),
  };
}

/** apidiscovery.k8s.io APIGroupDiscoveryList: `legacy` = the core group (/api), else every named group (/apis). */
export function aggregatedDiscovery(registry: ResourceRegistry, legacy: boolean, version: 'v2' | 'v2beta1'): object {
  const groups = registry.groups().filter((g) => (legacy ? g.group === '' : g.group !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: g.group ? { name: g.group } : {},
      versions: g.versions.map((v) => ({
        version: v,
        resources: registry.inGroupVersion(g.group, v).map(aggregatedResource),
        freshness: 'Current',
      })),
    })),
  };
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}
