// Service and Endpoints validation, table-driven, including the immutable clusterIP.

import { expectProblems, problems, type Obj } from './testing';

const svc = (spec: Obj = {}, meta: Obj = {}): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', ...meta },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
});
const endpoints = (subsets: unknown[]): Obj => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets });

describe('Service', () => {
  it.each<[string, Obj]>([
    ['a ClusterIP service', svc()],
    ['named ports and a named targetPort', svc({ ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'dns', port: 53, protocol: 'UDP' }] })],
    ['a headless service without ports', svc({ clusterIP: 'None', ports: [] })],
    ['an ExternalName service', svc({ type: 'ExternalName', externalName: 'db.example.com.', ports: [] })],
    ['a NodePort service', svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })],
    ['ClientIP affinity', svc({ sessionAffinity: 'ClientIP' })],
  ])('accepts %s', (_name, object) => {
    expectProblems(problems(object), []);
  });

  it.each<[string, Obj, string[]]>([
    ['a name that is not a DNS-1035 label', svc({}, { name: '1web' }), ['metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character']],
    ['no ports', svc({ ports: [] }), ['spec.ports: Required value']],
    ['an unnamed port among several', svc({ ports: [{ name: 'a', port: 80 }, { port: 81 }] }), ['spec.ports[1].name: Required value']],
    ['duplicate port names', svc({ ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] }), ['spec.ports[1].name: Duplicate value: "a"']],
    ['a port out of range', svc({ ports: [{ port: 0 }] }), ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['a bad targetPort name', svc({ ports: [{ port: 80, targetPort: 'HTTP_PORT' }] }), ['spec.ports[0].targetPort: Invalid value: "HTTP_PORT": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'spec.ports[0].targetPort: Invalid value: "HTTP_PORT": must contain at least one letter (a-z)']],
    ['a duplicate port/protocol', svc({ ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] }), ['spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}']],
    ['a bad protocol', svc({ ports: [{ port: 80, protocol: 'ICMP' }] }), ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']],
    ['a bad type', svc({ type: 'Mesh' }), ['spec.type: Unsupported value: "Mesh": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    ['a nodePort on ClusterIP', svc({ ports: [{ port: 80, nodePort: 30080 }] }), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    ['ExternalName without a name', svc({ type: 'ExternalName', ports: [] }), ['spec.externalName: Required value']],
    ['a bad clusterIP', svc({ clusterIP: '10.0.0.300' }), ['spec.clusterIP: Invalid value: "10.0.0.300": must be empty, \'None\', or a valid IP address']],
    ['a bad selector value', svc({ selector: { app: 'a b' } }), ['spec.selector: Invalid value: "a b": a valid label must be an empty string']],
    ['a bad sessionAffinity', svc({ sessionAffinity: 'Sticky' }), ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"']],
  ])('refuses %s', (_name, object, want) => {
    expectProblems(problems(object), want);
  });

  it('keeps clusterIP immutable once set', () => {
    const before = svc({ clusterIP: '10.96.0.10' });
    expectProblems(problems(svc({ clusterIP: '10.96.0.11' }), before), ['spec.clusterIP: Invalid value: "10.96.0.11": field is immutable']);
    expectProblems(problems(svc({ clusterIP: '10.96.0.10', ports: [{ port: 81 }] }), before), []);
  });
});

describe('Endpoints', () => {
  it.each<[string, unknown[], string[]]>([
    ['valid subsets', [{ addresses: [{ ip: '10.88.0.5', nodeName: 'pi-1' }], ports: [{ port: 8080 }] }], []],
    ['IPv6 and not-ready addresses', [{ notReadyAddresses: [{ ip: 'fd00::5' }], ports: [{ name: 'a', port: 1 }, { name: 'b', port: 2 }] }], []],
    ['a bad IP', [{ addresses: [{ ip: 'pod-a' }], ports: [{ port: 80 }] }], ['subsets[0].addresses[0].ip: Invalid value: "pod-a": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['no addresses', [{ ports: [{ port: 80 }] }], ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']],
    ['unnamed ports among several', [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }, { name: 'b', port: 81 }] }], ['subsets[0].ports[0].name: Required value']],
    ['a bad port', [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 65536 }] }], ['subsets[0].ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive']],
  ])('%s', (_name, subsets, want) => {
    expectProblems(problems(endpoints(subsets)), want);
  });
});
