// Namespace, Node, Event, ServiceAccount and Lease validation, metadata rules shared by every kind,
// and kinds validateObject has no rules for.

import { validateObject } from './index';
import { expectProblems, problems, type Obj } from './testing';

const node = (spec: Obj = {}, status: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'pi-1' }, spec, status });

describe('metadata (every kind)', () => {
  const cm = (meta: Obj): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', ...meta } });
  it.each<[string, Obj, string[]]>([
    ['no name', cm({ name: '' }), ['metadata.name: Required value: name or generateName is required']],
    ['a name over 253 characters', cm({ name: 'a'.repeat(254) }), ['metadata.name: Invalid value: "' + 'a'.repeat(254) + '": must be no more than 253 characters']],
    ['a namespace that is not a DNS label', cm({ namespace: 'Team.A' }), ['metadata.namespace: Invalid value: "Team.A": a lowercase RFC 1123 label must consist of']],
    ['a bad annotation key', cm({ annotations: { '-x': 'y' } }), ['metadata.annotations: Invalid value: "-x": name part must consist of alphanumeric characters']],
    ['annotations over 256 KiB', cm({ annotations: { big: 'x'.repeat(256 * 1024) } }), ['metadata.annotations: Too long: may not be more than 262144 bytes']],
    ['a finalizer without domain', cm({ finalizers: ['cleanup'] }), ['metadata.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified']],
    ['two controller owners', cm({ ownerReferences: [{ apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true }, { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: true }] }), ['metadata.ownerReferences: Invalid value: [{"apiVersion"']],
    ['an owner without uid', cm({ ownerReferences: [{ apiVersion: 'v1', kind: 'A', name: 'a' }] }), ['metadata.ownerReferences[0].uid: Invalid value: "": uid must not be empty']],
  ])('refuses %s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });

  it('refuses a namespace on a cluster-scoped kind and changing name or uid on update', () => {
    expectProblems(problems({ ...node(), metadata: { name: 'pi-1', namespace: 'default' } }), ['metadata.namespace: Forbidden: not allowed on this type']);
    const before = { ...node(), metadata: { name: 'pi-1', uid: 'u1' } };
    expectProblems(problems({ ...node(), metadata: { name: 'pi-2', uid: 'u2' } }, before), ['metadata.name: Invalid value: "pi-2": field is immutable', 'metadata.uid: Invalid value: "u2": field is immutable']);
  });

  it('checks only name syntax for kinds it has no rules for', () => {
    expect(validateObject({ apiVersion: 'flotilla.io/v1', kind: 'ApiToken', metadata: { name: 'token-abc' }, anything: 1 })).toEqual([]);
    expect(validateObject({ apiVersion: 'flotilla.io/v1', kind: 'ApiToken', metadata: { name: 'Bad Name' } }).map((e) => e.field)).toEqual(['metadata.name']);
  });
});

describe('Namespace', () => {
  it.each<[string, Obj, string[]]>([
    ['a valid namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' }, spec: { finalizers: ['kubernetes'] } }, []],
    ['a name with dots', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } }, ['metadata.name: Invalid value: "team.a": must not contain dots']],
    ['a bad spec finalizer', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, spec: { finalizers: ['x/y/z'] } }, ['spec.finalizers[0]: Invalid value: "x/y/z": a qualified name must consist of']],
  ])('%s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });
});

describe('Node', () => {
  it.each<[string, Obj, string[]]>([
    ['a valid node', node({ taints: [{ key: 'flotilla.io/offline', effect: 'NoExecute' }], podCIDR: '10.244.1.0/24' }, { capacity: { cpu: '4', memory: '3906Mi' } }), []],
    ['a taint without effect', node({ taints: [{ key: 'k' }] }), ['spec.taints[0].effect: Required value']],
    ['a bad taint effect', node({ taints: [{ key: 'k', effect: 'Evict' }] }), ['spec.taints[0].effect: Unsupported value: "Evict": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']],
    ['a duplicate taint', node({ taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', value: 'v', effect: 'NoSchedule' }] }), ['spec.taints[1]: Duplicate value: {"key":"k","value":"v","effect":"NoSchedule"}: taints must be unique by key and effect pair']],
    ['a bad pod CIDR', node({ podCIDR: '10.244.1.0/33' }), ['spec.podCIDRs[0]: Invalid value: "10.244.1.0/33": must be a valid CIDR value']],
    ['a bad capacity', node({}, { capacity: { memory: '4 GB' } }), ['status.capacity.memory: Invalid value: "4 GB": quantities must match the regular expression', 'status.allocatable.memory: Invalid value: "4 GB"']],
  ])('%s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });
});

describe('Event, ServiceAccount and Lease', () => {
  const event = (fields: Obj): Obj => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'p.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Started', ...fields });
  const lease = (spec: Obj): Obj => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'pi-1', namespace: 'kube-node-lease' }, spec });
  it.each<[string, Obj, string[]]>([
    ['a valid event', event({ type: 'Normal', count: 1 }), []],
    ['an event about a node, in default', event({ involvedObject: { kind: 'Node', name: 'pi-1' } }), []],
    ['an event in another namespace than its object', event({ involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } }), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']],
    ['a free-form event type (core/v1 does not check it)', event({ type: 'Error' }), []],
    ['a valid service account', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' }, secrets: [{ name: 'tok' }] }, []],
    ['a service account secret without name', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' }, secrets: [{}] }, ['secrets[0].name: Required value']],
    ['a valid lease', lease({ holderIdentity: 'pi-1', leaseDurationSeconds: 40, leaseTransitions: 0 }), []],
    ['a zero lease duration', lease({ leaseDurationSeconds: 0 }), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']],
    ['negative transitions', lease({ leaseTransitions: -1 }), ['spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0']],
  ])('%s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });
});
