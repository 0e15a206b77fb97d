// Label and field selectors: the string forms of `?labelSelector=` / `?fieldSelector=` (Kubernetes'
// labels.Parse and fields.ParseSelector), LabelSelector objects (matchLabels/matchExpressions) with
// their matching, validation and string form (a Scale's status.selector, controllers' lists).

import { FlotillaError } from '../errors';
import type { LabelSelector } from './core';
import type { Labels } from './types';
import { isQualifiedName, isValidLabelValue } from './validation/names';

/** Validation of label maps and LabelSelector objects lives beside the other field rules. */
export { validateLabels, validateLabelSelector } from './validation/labels';

export type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: SelectorOperator;
  /** One value for =, ==, !=, gt, lt; the set for in/notin; none for exists and !. */
  values: string[];
}

/** A parsed selector. Pure and reusable; `matches` reads the labels (or field values) it is given. */
export interface Selector {
  readonly requirements: readonly Requirement[];
  /** The keys it reads (for field selectors: which fields the resource must support). */
  readonly keys: string[];
  /** True when it selects everything (no requirements). */
  readonly empty: boolean;
  matches(values: Readonly<Record<string, string | undefined>>): boolean;
  /** Kubernetes' canonical string form: requirements sorted by key, set values sorted. */
  toString(): string;
}

function requirementMatches(r: Requirement, values: Readonly<Record<string, string | undefined>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, r.key) && values[r.key] !== undefined;
  const v = has ? values[r.key] : undefined;
  switch (r.operator) {
    case '=':
    case '==':
      return has && v === r.values[0];
    case '!=':
      return !has || v !== r.values[0];
    case 'in':
      return has && r.values.includes(v ?? '');
    case 'notin':
      return !has || !r.values.includes(v ?? '');
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(v ?? '')) return false;
      const n = Number(v);
      const bound = Number(r.values[0]);
      return r.operator === 'gt' ? n > bound : n < bound;
    }
  }
}

function requirementString(r: Requirement): string {
  const sorted = [...r.values].sort();
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${sorted.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0] ?? ''}`;
    case 'lt':
      return `${r.key}<${r.values[0] ?? ''}`;
    default:
      return `${r.key}${r.operator}${r.values[0] ?? ''}`;
  }
}

/** A selector from requirements, sorted by key as Kubernetes keeps them. */
export function selectorOf(requirements: readonly Requirement[]): Selector {
  const reqs = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: reqs,
    keys: reqs.map((r) => r.key),
    empty: reqs.length === 0,
    matches: (values) => reqs.every((r) => requirementMatches(r, values)),
    toString: () => reqs.map(requirementString).join(','),
  };
}

/** Selects nothing: Kubernetes' meaning of an absent (nil) LabelSelector on a workload. */
export const NOTHING: Selector = { requirements: [], keys: [], empty: false, matches: () => false, toString: () => '' };

// --- string forms -------------------------------------------------------------------------------

type Token = { kind: 'id' | 'op' | '(' | ')' | ','; text: string };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      out.push({ kind: ch, text: ch });
      i++;
    } else if (ch === '=' || ch === '!' || ch === '<' || ch === '>') {
      const two = s.slice(i, i + 2);
      const op = two === '==' || two === '!=' ? two : ch;
      out.push({ kind: 'op', text: op });
      i += op.length;
    } else {
      let j = i;
      while (j < s.length && !/[\s(),=!<>]/.test(s[j] ?? '')) j++;
      out.push({ kind: 'id', text: s.slice(i, j) });
      i = j;
    }
  }
  return out;
}

function parseError(what: string, input: string, detail: string): FlotillaError {
  return new FlotillaError('BadRequest', `unable to parse requirement: invalid ${what} selector "${input}": ${detail}`);
}

function checkLabel(input: string, key: string, values: string[]): void {
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) throw parseError('label', input, `key "${key}": ${keyErrs.join('; ')}`);
  for (const v of values) {
    const errs = isValidLabelValue(v);
    if (errs.length) throw parseError('label', input, `value "${v}" for key "${key}": ${errs.join('; ')}`);
  }
}

/** A cursor over the tokens of one label selector string. */
class LabelParser {
  private i = 0;
  private readonly toks: Token[];

  constructor(private readonly input: string) {
    this.toks = tokenize(input);
  }

  next(): Token | undefined {
    return this.toks[this.i++];
  }

  peek(): Token | undefined {
    return this.toks[this.i];
  }

  fail(detail: string): FlotillaError {
    return parseError('label', this.input, detail);
  }

  requirement(): Requirement {
    let t = this.next();
    const negated = t?.kind === 'op' && t.text === '!';
    if (negated) t = this.next();
    if (t?.kind !== 'id') throw this.fail(`found '${t?.text ?? ''}', expected: identifier`);
    const key = t.text;
    const op = this.peek();
    if (negated || op === undefined || op.kind === ',') return { key, operator: negated ? '!' : 'exists', values: [] };
    this.i++;
    if (op.kind === 'op' && op.text !== '!') {
      const v = this.peek();
      if (v?.kind === 'id') this.i++;
      const value = v?.kind === 'id' ? v.text : '';
      const operator: SelectorOperator = op.text === '<' ? 'lt' : op.text === '>' ? 'gt' : (op.text as SelectorOperator);
      if ((operator === 'gt' || operator === 'lt') && !/^-?\d+$/.test(value)) throw this.fail(`for 'Gt', 'Lt' operators, the value must be an integer: got "${value}"`);
      return { key, operator, values: [value] };
    }
    if (op.kind === 'id' && (op.text === 'in' || op.text === 'notin')) return { key, operator: op.text, values: this.valueSet(op.text) };
    throw this.fail(`found '${op.text}', expected: '=', '!=', '==', 'in', 'notin'`);
  }

  private valueSet(op: string): string[] {
    if (this.next()?.kind !== '(') throw this.fail(`expected '(' after '${op}'`);
    const values: string[] = [];
    for (;;) {
      const v = this.next();
      if (v?.kind === ')') return values;
      if (v?.kind === 'id') {
        values.push(v.text);
        const sep = this.next();
        if (sep?.kind === ')') return values;
        if (sep?.kind === ',') continue;
      }
      throw this.fail(`found '${v?.text ?? ''}', expected: ',' or ')'`);
    }
  }
}

/**
 * Parses a label selector string ("app=web,tier!=db", "env in (a,b)", "!canary", "gen>3") as
 * kube-apiserver does, checking key and value syntax. null or "" selects everything. Throws a
 * FlotillaError BadRequest naming the selector.
 */
export function parseLabelSelector(input: string | null | undefined): Selector {
  if (!input || !input.trim()) return selectorOf([]);
  const parser = new LabelParser(input);
  const reqs: Requirement[] = [];
  for (;;) {
    const req = parser.requirement();
    checkLabel(input, req.key, req.operator === 'gt' || req.operator === 'lt' ? [] : req.values);
    reqs.push(req);
    const sep = parser.next();
    if (sep === undefined) break;
    if (sep.kind !== ',') throw parser.fail(`found '${sep.text}', expected: ','`);
  }
  return selectorOf(reqs);
}

/**
 * Parses a field selector string ("metadata.name=web,status.phase!=Running"); values may escape
 * `\,` `\=` `\\`. null or "" selects everything. Throws a FlotillaError BadRequest.
 */
export function parseFieldSelector(input: string | null | undefined): Selector {
  if (!input || !input.trim()) return selectorOf([]);
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] ?? '';
    if (ch === '\\' && i + 1 < input.length) {
      cur += ch + (input[++i] ?? '');
    } else if (ch === ',') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const reqs = parts.map((part): Requirement => {
    const m = /^\s*([^\s!=]+)\s*(==|!=|=)(.*)$/s.exec(part);
    if (!m || m[1] === undefined || m[2] === undefined) throw parseError('field', input, `"${part}": expected <field>=<value>, <field>==<value> or <field>!=<value>`);
    const value = (m[3] ?? '').trim().replace(/\\(.)/g, '$1');
    return { key: m[1], operator: m[2] === '!=' ? '!=' : '=', values: [value] };
  });
  return selectorOf(reqs);
}

// --- LabelSelector objects ----------------------------------------------------------------------

const OPERATORS: Record<string, SelectorOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * The selector a LabelSelector object stands for (Kubernetes' LabelSelectorAsSelector): matchLabels
 * as key=value, matchExpressions by operator. `undefined`/null selects NOTHING; `{}` selects
 * everything. Throws a FlotillaError BadRequest for an unknown operator (validate first).
 */
export function labelSelectorAsSelector(selector: LabelSelector | null | undefined): Selector {
  if (selector === undefined || selector === null) return NOTHING;
  const reqs: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, operator: '=', values: [String(value)] }));
  for (const e of selector.matchExpressions ?? []) {
    const operator = OPERATORS[e.operator];
    if (!operator) throw new FlotillaError('BadRequest', `"${String(e.operator)}" is not a valid label selector operator`);
    reqs.push({ key: e.key, operator, values: [...(e.values ?? [])] });
  }
  return selectorOf(reqs);
}

/** Does a LabelSelector object select these labels? undefined selects nothing, {} everything. */
export function labelSelectorMatches(selector: LabelSelector | null | undefined, labels: Labels | undefined): boolean {
  return labelSelectorAsSelector(selector).matches(labels ?? {});
}

/** A map selector (a Service's spec.selector): every key must be present with that value; {} selects everything. */
export function mapSelectorMatches(selector: Labels | undefined, labels: Labels | undefined): boolean {
  const l = labels ?? {};
  return Object.entries(selector ?? {}).every(([k, v]) => l[k] === v);
}

/** The string form of a LabelSelector object ("app=web,tier in (a,b)"); "" for {} and undefined. */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  return labelSelectorAsSelector(selector).toString();
}
