// metav1.LabelSelector matching for the scheduler (topology spread selectors). Local stand-in until
// shared/api/selectors.ts lands: every caller goes through compileLabelSelector.

import type { LabelSelector } from '../../../shared/api/core';
import type { Labels } from '../../../shared/api/types';

export type LabelMatcher = (labels: Readonly<Labels> | undefined) => boolean;

const EVERYTHING: LabelMatcher = () => true;
const NOTHING: LabelMatcher = () => false;

/**
 * Compiles a selector once into a predicate. `undefined` (no selector) matches nothing, as in
 * Kubernetes' LabelSelectorAsSelector(nil); an empty selector `{}` matches everything.
 */
export function compileLabelSelector(selector: LabelSelector | undefined): LabelMatcher {
  if (!selector) return NOTHING;
  const checks: LabelMatcher[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) checks.push((l) => l?.[key] === value);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const set = new Set(values);
    if (operator === 'In') checks.push((l) => l?.[key] !== undefined && set.has(l[key] ?? ''));
    else if (operator === 'NotIn') checks.push((l) => l?.[key] === undefined || !set.has(l[key] ?? ''));
    else if (operator === 'Exists') checks.push((l) => l?.[key] !== undefined);
    else if (operator === 'DoesNotExist') checks.push((l) => l?.[key] === undefined);
    else return NOTHING;
  }
  if (checks.length === 0) return EVERYTHING;
  return (labels) => {
    for (const check of checks) if (!check(labels)) return false;
    return true;
  };
}
