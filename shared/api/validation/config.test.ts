// ConfigMap and Secret validation: keys, base64, size, Secret types, immutability.

import { base64Length } from './config';
import { expectProblems, problems, type Obj } from './testing';

const cm = (fields: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { 'app.conf': 'x=1' }, ...fields });
const secret = (fields: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, data: { password: 'aHVudGVyMg==' }, ...fields });

describe('ConfigMap', () => {
  it.each<[string, Obj, string[]]>([
    ['a valid config map', cm({ binaryData: { blob: 'AAEC' } }), []],
    ['a bad key', cm({ data: { 'bad key': 'x' } }), ["data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]],
    ['the key ..', cm({ data: { '..': 'x' } }), ["data[..]: Invalid value: \"..\": must not be '..'"]],
    ['a key in data and binaryData', cm({ binaryData: { 'app.conf': 'AA==' } }), ['data[app.conf]: Invalid value: "app.conf": duplicate of key present in binaryData']],
    ['binaryData that is not base64', cm({ binaryData: { blob: 'not base64!' } }), ['binaryData[blob]: Invalid value: "not base64!": illegal base64 data at input byte 3']],
    ['more than 1 MiB', cm({ data: { a: 'x'.repeat(1024 * 1024 + 1) } }), ['data: Too long: may not be more than 1048576 bytes']],
  ])('%s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });

  it('refuses changing the data of an immutable config map, or making it mutable again', () => {
    const before = cm({ immutable: true });
    expectProblems(problems(cm({ immutable: true, data: { 'app.conf': 'x=2' } }), before), ['data: Forbidden: field is immutable when `immutable` is set']);
    expectProblems(problems(cm({ immutable: false }), before), ['immutable: Forbidden: field is immutable when `immutable` is set']);
    expectProblems(problems(cm({ immutable: true, metadata: { name: 'cfg', namespace: 'default', labels: { a: 'b' } } }), before), []);
    expectProblems(problems(cm({ data: { 'app.conf': 'x=2' } }), cm()), []);
  });
});

describe('Secret', () => {
  it.each<[string, Obj, string[]]>([
    ['an Opaque secret (type defaulted)', secret(), []],
    ['a TLS secret', secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' } }), []],
    ['data that is not base64 (value redacted)', secret({ data: { password: 'hunter2!' } }), ['data[password]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 7']],
    ['a bad key', secret({ data: { 'a/b': 'eA==' } }), ['data[a/b]: Invalid value: "a/b": a valid config key must consist of']],
    ['a TLS secret without its key', secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y2VydA==' } }), ['data[tls.key]: Required value']],
    ['basic-auth without username and password', secret({ type: 'kubernetes.io/basic-auth', data: {} }), ['data[username]: Required value', 'data[password]: Required value']],
    ['over 1 MiB decoded', secret({ data: { big: 'A'.repeat(1398104) } }), ['data: Too long: may not be more than 1048576 bytes']],
  ])('%s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });

  it('keeps the type immutable, and the data when immutable is set', () => {
    expectProblems(problems(secret({ type: 'example.com/custom' }), secret()), ['type: Invalid value: "example.com/custom": field is immutable']);
    expectProblems(problems(secret({ immutable: true, data: { password: 'eA==' } }), secret({ immutable: true })), ['data: Forbidden: field is immutable when `immutable` is set']);
  });

  it.each<[string, number | string]>([
    ['', 0],
    ['eA==', 1],
    ['eHk=', 2],
    ['eHl6', 3],
    ['eHl6\neHl6', 6],
    ['eA=', 'illegal'],
    ['e=A=', 'illegal'],
    ['eA!=', 'illegal'],
  ])('base64Length(%p)', (input, want) => {
    const r = base64Length(input);
    if (want === 'illegal') expect('illegalAt' in r).toBe(true);
    else expect(r).toEqual({ bytes: want });
  });
});
