// The Kubernetes-compatible API (the kube-apiserver role): createApiHandler plus the resource
// registry types a caller needs to serve extra kinds.

export { createApiHandler, type ApiHandler, type ApiHandlerOptions } from './handler';
export type { Authenticator } from './auth';
export type { PodLogProvider } from './context';
export {
  ResourceRegistry,
  storeResource,
  apiVersionOf,
  ALL_VERBS,
  type Identity,
  type ResourceDefinition,
  type ResourceStrategy,
  type StrategyContext,
  type Subresource,
  type TableColumn,
  type TablePrinter,
  type Verb,
} from './registry';
export { builtinResources } from './resources/builtin';
export { defaultPrinter } from './tables/core';
export { creationAge, humanDuration } from './tables/format';

import { ResourceRegistry } from './registry';
import { builtinResources } from './resources/builtin';
import type { ResourceDefinition } from './registry';

/** Every namespaced store resource served ("pods", "deployments.apps", …), built-ins plus `extra`. */
export function namespacedResources(extra: ResourceDefinition[] = []): string[] {
  return new ResourceRegistry([...builtinResources(), ...extra]).namespacedResources();
}
