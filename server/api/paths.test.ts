// Kubernetes path grammar, table-driven.

import { parsePath } from './paths';

it.each([
  ['/healthz', { type: 'health', name: 'healthz' }],
  ['/version', { type: 'version' }],
  ['/api', { type: 'legacyRoot' }],
  ['/apis', { type: 'groupsRoot' }],
  ['/apis/apps', { type: 'group', group: 'apps' }],
  ['/api/v1', { type: 'groupVersion', group: '', version: 'v1' }],
  ['/apis/apps/v1', { type: 'groupVersion', group: 'apps', version: 'v1' }],
  ['/openapi/v3', { type: 'openapiIndex' }],
  ['/openapi/v3/apis/apps/v1', { type: 'openapiDoc', gv: 'apis/apps/v1' }],
  ['/api/v1/pods', { type: 'resource', group: '', version: 'v1', resource: 'pods' }],
  ['/api/v1/namespaces', { type: 'resource', group: '', version: 'v1', resource: 'namespaces' }],
  ['/api/v1/namespaces/default', { type: 'resource', group: '', version: 'v1', resource: 'namespaces', name: 'default' }],
  ['/api/v1/namespaces/default/status', { type: 'resource', group: '', version: 'v1', resource: 'namespaces', name: 'default', subresource: 'status' }],
  ['/api/v1/namespaces/default/pods', { type: 'resource', group: '', version: 'v1', namespace: 'default', resource: 'pods' }],
  ['/api/v1/namespaces/default/pods/p/binding', { type: 'resource', group: '', version: 'v1', namespace: 'default', resource: 'pods', name: 'p', subresource: 'binding' }],
  ['/apis/apps/v1/namespaces/ns/deployments/web/scale', { type: 'resource', group: 'apps', version: 'v1', namespace: 'ns', resource: 'deployments', name: 'web', subresource: 'scale' }],
  ['/api/v1/nodes/n1/status', { type: 'resource', group: '', version: 'v1', resource: 'nodes', name: 'n1', subresource: 'status' }],
  ['/api/v1/namespaces/a/pods/b/c/d', { type: 'unknown' }],
  ['/metrics', { type: 'unknown' }],
])('%s', (path, expected) => {
  expect(parsePath(path)).toEqual(expected);
});
