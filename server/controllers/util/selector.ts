// LabelSelector matching for the controllers, behind one function so the switch to
// shared/api/selectors.ts (being written in parallel) is a one-line change.

import type { LabelSelector } from '../../../shared/api/core';
import type { Labels } from '../../../shared/api/types';

/**
 * Kubernetes' LabelSelectorAsSelector semantics: an undefined selector matches nothing, an empty
 * one ({}) matches everything; matchLabels and matchExpressions are ANDed.
 */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, req.key);
    const value = l[req.key];
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A plain label map as a selector (Services' spec.selector): every pair must match; empty matches nothing. */
export function mapSelectorMatches(selector: Labels | undefined, labels: Labels | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return selectorMatches({ matchLabels: selector }, labels);
}
