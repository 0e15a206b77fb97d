// Node selector terms (nodeSelector, required/preferred node affinity) compiled once per pod into
// predicates over a node: terms are ORed, requirements within a term ANDed; In/NotIn/Exists/
// DoesNotExist/Gt/Lt on labels and In/NotIn on the field metadata.name.

import type { NodeSelectorRequirement, NodeSelectorTerm } from '../../../shared/api/core';
import type { Labels } from '../../../shared/api/types';
import type { NodeInfo } from './node-info';

export type NodeMatcher = (node: NodeInfo) => boolean;

const NOTHING: NodeMatcher = () => false;

function parseInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return undefined;
  return Number(value);
}

function requirement(req: NodeSelectorRequirement, read: (node: NodeInfo) => string | undefined): NodeMatcher {
  const values = new Set(req.values ?? []);
  switch (req.operator) {
    case 'In':
      return (n) => {
        const v = read(n);
        return v !== undefined && values.has(v);
      };
    case 'NotIn':
      return (n) => {
        const v = read(n);
        return v === undefined || !values.has(v);
      };
    case 'Exists':
      return (n) => read(n) !== undefined;
    case 'DoesNotExist':
      return (n) => read(n) === undefined;
    case 'Gt':
    case 'Lt': {
      const bound = req.values?.length === 1 ? parseInteger(req.values[0]) : undefined;
      if (bound === undefined) return NOTHING;
      const gt = req.operator === 'Gt';
      return (n) => {
        const v = parseInteger(read(n));
        return v !== undefined && (gt ? v > bound : v < bound);
      };
    }
    default:
      return NOTHING;
  }
}

const labelOf = (key: string) => (n: NodeInfo) => n.labels[key];
const nameOf = (n: NodeInfo) => n.name;

/** One term: all its requirements must hold. A term with no requirements matches no node. */
export function compileTerm(term: NodeSelectorTerm): NodeMatcher {
  const checks: NodeMatcher[] = [];
  for (const req of term.matchExpressions ?? []) checks.push(requirement(req, labelOf(req.key)));
  for (const req of term.matchFields ?? []) {
    if (req.key !== 'metadata.name' || (req.operator !== 'In' && req.operator !== 'NotIn')) return NOTHING;
    checks.push(requirement(req, nameOf));
  }
  if (checks.length === 0) return NOTHING;
  if (checks.length === 1) return checks[0] as NodeMatcher;
  return (n) => {
    for (const c of checks) if (!c(n)) return false;
    return true;
  };
}

/** Any of the terms. An empty list matches no node. */
export function compileTerms(terms: readonly NodeSelectorTerm[]): NodeMatcher {
  const compiled = terms.map(compileTerm);
  if (compiled.length === 1) return compiled[0] as NodeMatcher;
  return (n) => {
    for (const c of compiled) if (c(n)) return true;
    return false;
  };
}

/** spec.nodeSelector: every label must equal. */
export function compileNodeSelector(selector: Readonly<Labels>): NodeMatcher {
  const entries = Object.entries(selector);
  return (n) => {
    for (const [k, v] of entries) if (n.labels[k] !== v) return false;
    return true;
  };
}

/**
 * The node names a required affinity pins the pod to, when every term has a matchFields
 * metadata.name In requirement (as DaemonSet pods do); undefined when it does not pin.
 */
export function pinnedNodeNames(terms: readonly NodeSelectorTerm[]): Set<string> | undefined {
  const names = new Set<string>();
  for (const term of terms) {
    const pin = term.matchFields?.find((f) => f.key === 'metadata.name' && f.operator === 'In');
    if (!pin) return undefined;
    for (const v of pin.values ?? []) names.add(v);
  }
  return terms.length > 0 ? names : undefined;
}
