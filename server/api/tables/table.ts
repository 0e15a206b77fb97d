// Builds meta.k8s.io Table replies (kubectl get's server-side printing) from a resource's printer,
// with each row's object as PartialObjectMetadata, the full object, or nothing (includeObject).

import type { KubeObject } from '../../../shared/api/types';
import { FlotillaError } from '../../../shared/errors';
import type { ResourceDefinition } from '../registry';
import { defaultPrinter } from './core';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(value: string | null): IncludeObject {
  if (value === null || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw new FlotillaError('BadRequest', `includeObject must be one of None, Metadata, Object: got "${value}"`);
}

export interface TableOptions {
  version: 'v1' | 'v1beta1';
  includeObject: IncludeObject;
  now: Date;
  /** false for watch events after the first (kubectl keeps the first event's columns). */
  withColumns: boolean;
  resourceVersion?: string;
}

function rowObject(o: KubeObject, include: IncludeObject, version: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: o.metadata };
}

export function buildTable(def: ResourceDefinition, items: KubeObject[], opts: TableOptions): Record<string, unknown> {
  const printer = def.table ?? defaultPrinter;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata: opts.resourceVersion !== undefined ? { resourceVersion: opts.resourceVersion } : {},
    columnDefinitions: opts.withColumns ? printer.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })) : null,
    rows: items.map((o) => {
      const object = rowObject(o, opts.includeObject, opts.version);
      return { cells: printer.cells(o, opts.now), ...(object !== undefined ? { object } : {}) };
    }),
  };
}
