// Test support for the validation tables: defaults an object like the API server does, validates
// it (optionally as an update of `old`) and returns "field: message" lines.

import { applyDefaults } from '../defaults';
import type { KubeObject } from '../types';
import { validateObject } from './index';

export type Obj = Record<string, unknown>;

export function problems(object: Obj, old?: Obj): string[] {
  const o = structuredClone(object) as KubeObject;
  applyDefaults(o);
  let before: KubeObject | undefined;
  if (old) {
    before = structuredClone(old) as KubeObject;
    applyDefaults(before);
  }
  return validateObject(o, before ? { old: before } : {}).map((e) => `${e.field}: ${e.message}`);
}

/** Each expected line must be the start of the matching reported line, in order, and nothing more. */
export function expectProblems(got: string[], want: string[]): void {
  expect(got.map((g, i) => (want[i] !== undefined && g.startsWith(want[i] ?? '') ? want[i] : g))).toEqual(want);
}
