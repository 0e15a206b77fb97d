// Label/field selector strings and LabelSelector objects: parsing, matching, validation, string form.

import type { LabelSelector } from './core';
import {
  formatLabelSelector,
  labelSelectorAsSelector,
  labelSelectorMatches,
  mapSelectorMatches,
  parseFieldSelector,
  parseLabelSelector,
  validateLabelSelector,
  validateLabels,
} from './selectors';

const labels = { app: 'web', tier: 'front', gen: '5' };

describe('parseLabelSelector', () => {
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app = web , tier=front', true],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (web, api)', true],
    ['app in (api)', false],
    ['app notin (api,db)', true],
    ['missing notin (a)', true],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['gen>3', true],
    ['gen<3', false],
    ['app>3', false],
    ['app=web,tier in (back)', false],
    ['example.com/role=x', false],
    ['empty=', false],
  ])('%p matches %p', (selector, want) => {
    expect(parseLabelSelector(selector).matches(labels)).toBe(want);
  });

  it('selects a label with an empty value by "key="', () => {
    expect(parseLabelSelector('empty=').matches({ empty: '' })).toBe(true);
  });

  it.each([
    ['app in (web', "expected: ',' or ')'"],
    ['app in web', "expected '(' after 'in'"],
    ['=web', 'expected: identifier'],
    ['app=web tier=x', "expected: ','"],
    ['bad key!=x', "found 'key'"],
    ['Bad_/x=y', 'key "Bad_/x"'],
    ['app=bad value!', "expected: ','"],
    ['app=-bad', 'value "-bad"'],
    ['gen>x', 'must be an integer'],
  ])('refuses %p (%s)', (selector, message) => {
    expect(() => parseLabelSelector(selector)).toThrow(message);
  });

  it('prints the canonical form, sorted by key', () => {
    expect(parseLabelSelector('tier in (b,a),app=web,!canary').toString()).toBe('app=web,!canary,tier in (a,b)');
    expect(parseLabelSelector('a').keys).toEqual(['a']);
    expect(parseLabelSelector(null).empty).toBe(true);
  });
});

describe('parseFieldSelector', () => {
  const fields = { 'metadata.name': 'web', 'status.phase': 'Running', 'spec.nodeName': 'a,b=c' };
  it.each([
    ['metadata.name=web', true],
    ['metadata.name==web', true],
    ['metadata.name!=web', false],
    ['metadata.name=web,status.phase!=Pending', true],
    ['spec.nodeName=a\\,b\\=c', true],
    ['status.phase=', false],
  ])('%p matches %p', (selector, want) => {
    expect(parseFieldSelector(selector).matches(fields)).toBe(want);
  });

  it('lists the fields it reads and refuses set operators', () => {
    expect(parseFieldSelector('spec.nodeName=n1,status.phase!=x').keys).toEqual(['spec.nodeName', 'status.phase']);
    expect(() => parseFieldSelector('status.phase in (a)')).toThrow('invalid field selector');
  });
});

describe('LabelSelector objects', () => {
  const sel: LabelSelector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }, { key: 'canary', operator: 'DoesNotExist' }] };

  it.each<[string, LabelSelector | undefined, Record<string, string>, boolean]>([
    ['undefined selects nothing', undefined, labels, false],
    ['{} selects everything', {}, labels, true],
    ['matchLabels and expressions', sel, labels, true],
    ['DoesNotExist fails when present', sel, { ...labels, canary: 'yes' }, false],
    ['In fails on another value', sel, { ...labels, tier: 'db' }, false],
    ['NotIn', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, labels, true],
    ['Exists', { matchExpressions: [{ key: 'gen', operator: 'Exists' }] }, labels, true],
  ])('%s', (_name, selector, l, want) => {
    expect(labelSelectorMatches(selector, l)).toBe(want);
  });

  it('formats as Kubernetes does (scale status.selector)', () => {
    expect(formatLabelSelector(sel)).toBe('app=web,!canary,tier in (back,front)');
    expect(formatLabelSelector({})).toBe('');
    expect(formatLabelSelector(undefined)).toBe('');
    expect(labelSelectorAsSelector({ matchLabels: { b: '2', a: '1' } }).toString()).toBe('a=1,b=2');
  });

  it('matches map selectors (Service spec.selector)', () => {
    expect(mapSelectorMatches({ app: 'web' }, labels)).toBe(true);
    expect(mapSelectorMatches({ app: 'db' }, labels)).toBe(false);
    expect(mapSelectorMatches({}, labels)).toBe(true);
  });
});

describe('validateLabelSelector', () => {
  it.each<[string, unknown, string[]]>([
    ['a valid selector', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] }, []],
    ['In without values', { matchExpressions: [{ key: 'tier', operator: 'In' }] }, ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]],
    ['Exists with values', { matchExpressions: [{ key: 'tier', operator: 'Exists', values: ['x'] }] }, ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"]],
    ['an unknown operator', { matchExpressions: [{ key: 'tier', operator: 'Near', values: ['x'] }] }, ['spec.selector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator']],
    ['a bad value', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['-x'] }] }, ['spec.selector.matchExpressions[0].values[0]: Invalid value: "-x": a valid label must be an empty string']],
    ['a bad matchLabels key', { matchLabels: { 'a/b/c': 'x' } }, ['spec.selector.matchLabels: Invalid value: "a/b/c": a qualified name must consist of']],
  ])('%s', (_name, selector, want) => {
    const got = validateLabelSelector(selector, 'spec.selector').map((e) => `${e.field}: ${e.message}`);
    expect(got).toHaveLength(want.length);
    want.forEach((w, i) => expect(got[i]).toContain(w));
  });

  it('validates label maps with Kubernetes messages', () => {
    const errs = validateLabels({ 'app.kubernetes.io/name': 'ok', 'bad key': 'x', ok: 'x'.repeat(64) }, 'metadata.labels');
    expect(errs.map((e) => e.message)).toEqual([
      "Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      `Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`,
    ]);
  });
});
