// The resource registry: what the API serves (group, version, kind, names, scope, verbs,
// subresources), how each kind prints as a Table, which fields it can be selected by, and the
// strategy hooks that run around create/update. Built-in kinds live in resources/; callers add
// their own through createApiHandler({ resources }).

import type { KubeObject } from '../../shared/api/types';
import type { FieldError } from '../../shared/errors';
import type { Store } from '../store/types';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
export const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface Identity {
  name: string;
  role: 'admin' | 'viewer' | 'node';
  /** For role "node": the Node this identity speaks for. */
  node?: string;
}

/** One column of `kubectl get` output, as meta.k8s.io/v1 TableColumnDefinition. */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  /** 0 = always shown, 1 = only with `-o wide`. */
  priority?: number;
}

export interface TablePrinter {
  /** Every column, NAME included (kubectl shows them in this order, priority 1 only with -o wide). */
  columns: TableColumn[];
  /** One cell per column. `now` is the request time (for AGE). */
  cells(obj: KubeObject, now: Date): unknown[];
}

/** Per-request context the strategy hooks receive; `state` lives for one request only. */
export interface StrategyContext {
  identity: Identity;
  store: Store;
  dryRun: boolean;
  now: Date;
  /** Scratch space shared by the hooks of one request (e.g. a secret made in prepareForCreate). */
  state: Record<string, unknown>;
}

/**
 * Kind-specific behaviour around writes. Every hook is optional; the server runs, in order:
 * defaults (shared/api/defaults) → prepareForCreate/prepareForUpdate → validation
 * (shared/api/validation, then `validate`) → store write → transformCreateResponse.
 * Hooks may mutate the object they get; they must not write to the store.
 */
export interface ResourceStrategy {
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void | Promise<void>;
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void | Promise<void>;
  validate?(obj: KubeObject, old: KubeObject | undefined): FieldError[];
  /** Shapes the object returned to the creator only (what is stored is unchanged). */
  transformCreateResponse?(obj: KubeObject, ctx: StrategyContext): KubeObject;
  /** Awaited after the store write, before the creator is answered (not on dry runs): e.g. a broker taking up a new credential. */
  afterCreate?(obj: KubeObject, ctx: StrategyContext): Promise<void>;
  /**
   * Called on DELETE before the store: may add finalizers or pick a grace period. Returns the
   * grace period to pass to the store (undefined = delete at once unless finalizers).
   */
  gracePeriodFor?(obj: KubeObject, requested: number | undefined): number | undefined;
  /**
   * Called on DELETE of an object not yet being deleted. Returning an object stores it (an update)
   * instead of calling store.delete — e.g. a Namespace gets deletionTimestamp and phase Terminating
   * while its spec.finalizers are pending. undefined = the normal store.delete.
   */
  beginDeletion?(obj: KubeObject, now: Date): KubeObject | undefined;
}

/** Kubernetes-style subresources the API implements generically. */
export type Subresource = 'status' | 'scale' | 'binding' | 'log' | 'eviction';

export interface ResourceDefinition {
  /** "" for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames?: string[];
  namespaced: boolean;
  subresources?: Subresource[];
  /** Default: every verb. */
  verbs?: Verb[];
  categories?: string[];
  table?: TablePrinter;
  /**
   * Field-selector fields besides metadata.name and metadata.namespace, with how to read them
   * from an object.
   */
  selectableFields?: Record<string, (obj: KubeObject) => string | undefined>;
  strategy?: ResourceStrategy;
  /**
   * Name of this kind's OpenAPI component schema (shared/api/schema) used for documents and
   * unknown-field detection; undefined = free-form object (no field validation).
   */
  schema?: string;
}

/** The store's resource key: "pods", "deployments.apps", "apitokens.flotilla.io". */
export function storeResource(def: Pick<ResourceDefinition, 'plural' | 'group'>): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

export function apiVersionOf(def: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

export function verbsOf(def: ResourceDefinition): readonly Verb[] {
  return def.verbs ?? ALL_VERBS;
}

export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceDefinition>();
  private readonly ordered: ResourceDefinition[] = [];

  constructor(defs: readonly ResourceDefinition[] = []) {
    for (const d of defs) this.register(d);
  }

  /** Adds a resource; a later registration of the same group/version/plural replaces the earlier. */
  register(def: ResourceDefinition): void {
    const key = `${def.group}/${def.version}/${def.plural}`;
    const existing = this.byPath.get(key);
    if (existing) this.ordered.splice(this.ordered.indexOf(existing), 1);
    this.byPath.set(key, def);
    this.ordered.push(def);
  }

  lookup(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  all(): readonly ResourceDefinition[] {
    return this.ordered;
  }

  /** Groups with their versions, core ("") first, then in registration order. */
  groups(): { group: string; versions: string[] }[] {
    const out = new Map<string, string[]>();
    out.set('', []);
    for (const d of this.ordered) {
      const versions = out.get(d.group) ?? [];
      if (!versions.includes(d.version)) versions.push(d.version);
      out.set(d.group, versions);
    }
    return [...out].filter(([, v]) => v.length > 0).map(([group, versions]) => ({ group, versions }));
  }

  inGroupVersion(group: string, version: string): ResourceDefinition[] {
    return this.ordered.filter((d) => d.group === group && d.version === version);
  }

  /** Every namespaced store resource ("pods", "deployments.apps", …), for the namespace controller. */
  namespacedResources(): string[] {
    return this.ordered.filter((d) => d.namespaced).map(storeResource);
  }
}
