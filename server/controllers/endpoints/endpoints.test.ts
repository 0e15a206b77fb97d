// The Endpoints controller: ready and not-ready pod addresses with node and targetRef, ports by
// number and by name (pods without the named port are left out), updates as pods come and go,
// Endpoints removed with their Service, hand-made Endpoints of selector-less Services left alone.

import type { Endpoints, Pod } from '../../../shared/api/core';
import type { Cached } from '../../informer/informer';
import { deploymentManifest, serviceManifest } from '../fake/objects';
import { SimFleet } from '../fake/sim-fleet';
import { endpointSubsets } from './endpoints';

const epRef = { resource: 'endpoints', namespace: 'default', name: 'web' };

describe('endpointSubsets', () => {
  const pod = (name: string, ip: string | undefined, ready: boolean, ports: { name: string; containerPort: number }[] = []): Cached<Pod> => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' } },
    spec: { nodeName: 'n1', containers: [{ name: 'c', ports }] },
    status: { phase: 'Running', ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
  const svc = (targetPort: number | string) => serviceManifest('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort }] }) as never;

  it.each([
    ['targetPort by number', 8080, [pod('a', '10.0.0.2', true), pod('b', '10.0.0.1', false), pod('c', undefined, true)], [{ addresses: ['10.0.0.2'], notReadyAddresses: ['10.0.0.1'], port: 8080 }]],
    ['targetPort by name', 'web', [pod('a', '10.0.0.2', true, [{ name: 'web', containerPort: 9000 }]), pod('b', '10.0.0.1', true, [{ name: 'other', containerPort: 1 }])], [{ addresses: ['10.0.0.2'], port: 9000 }]],
    ['different ports per pod', 'web', [pod('a', '10.0.0.2', true, [{ name: 'web', containerPort: 9000 }]), pod('b', '10.0.0.1', true, [{ name: 'web', containerPort: 9001 }])], [{ addresses: ['10.0.0.2'], port: 9000 }, { addresses: ['10.0.0.1'], port: 9001 }]],
  ])('%s', (_name, targetPort, pods, want) => {
    const subsets = endpointSubsets(svc(targetPort), pods);
    expect(subsets.map((s) => ({ ...(s.addresses ? { addresses: s.addresses.map((a) => a.ip) } : {}), ...(s.notReadyAddresses ? { notReadyAddresses: s.notReadyAddresses.map((a) => a.ip) } : {}), port: s.ports?.[0]?.port }))).toEqual(want);
    expect(subsets[0]?.ports?.[0]).toMatchObject({ name: 'http', protocol: 'TCP' });
  });
});

describe('Endpoints controller', () => {
  let f: SimFleet;
  beforeEach(async () => {
    f = new SimFleet();
    await f.start();
    await f.addNodes(2);
  });
  afterEach(async () => {
    await f.stop();
  });

  it('follows the ready pods of a Deployment behind a Service, and goes with the Service', async () => {
    await f.store.create('services', serviceManifest('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }));
    await f.store.create('deployments.apps', deploymentManifest('web', { replicas: 3 }));
    await f.settle();
    const pending = (await f.store.get(epRef)) as Endpoints | undefined;
    expect(pending).toBeDefined();
    expect(pending?.subsets).toBeUndefined();
    await f.until(async () => ((await f.store.get(epRef)) as Endpoints | undefined)?.subsets?.[0]?.addresses?.length === 3, 'three ready addresses');
    const ep = (await f.store.get(epRef)) as Endpoints;
    const pods = (await f.store.list('pods')).items as Pod[];
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.targetRef?.name).sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    expect(ep.subsets?.[0]?.addresses?.every((a) => a.nodeName && a.targetRef?.kind === 'Pod' && a.targetRef.uid)).toBe(true);
    expect(ep.subsets?.[0]?.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    await f.store.guaranteedUpdate({ resource: 'deployments.apps', namespace: 'default', name: 'web' }, (cur) => ({ ...cur, spec: { ...(cur.spec as object), replicas: 1 } }));
    await f.until(async () => ((await f.store.get(epRef)) as Endpoints).subsets?.[0]?.addresses?.length === 1, 'scaled to one');
    await f.store.delete({ resource: 'services', namespace: 'default', name: 'web' });
    await f.settle();
    expect(await f.store.get(epRef)).toBeUndefined();
  });

  it('leaves the Endpoints of a Service without a selector to their owner', async () => {
    await f.store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { ports: [{ port: 5432 }] } });
    await f.store.create('endpoints', { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.168.1.50' }], ports: [{ port: 5432 }] }] });
    await f.advance(2000);
    expect(((await f.store.get({ resource: 'endpoints', namespace: 'default', name: 'ext' })) as Endpoints).subsets?.[0]?.addresses?.[0]?.ip).toBe('192.168.1.50');
  });
});
