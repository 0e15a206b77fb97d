// The scheduler inside the real `flotilla server` process, driven by the real kubectl: a pod is
// bound to the node that fits (PodScheduled=True, a "Scheduled" event), a pod that fits nowhere gets
// PodScheduled=False with Kubernetes' FailedScheduling message, and is bound once a node joins.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlAsync, kubectlAsyncOk } from './helpers/kubectl';
import { startServerProcess, stopAll, type ServerProcess } from './helpers/server-process';

jest.setTimeout(120_000);

const kubectl = kubectlAsync;
const ok = kubectlAsyncOk;

function node(name: string, memory: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/arch': 'arm64' } },
    status: { allocatable: { cpu: '4', memory, pods: '110' }, capacity: { cpu: '4', memory, pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

function pod(name: string, memory: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'registry.local/app:1', resources: { requests: { memory } } }] } });
}

describe('scheduler in the flotilla server, with kubectl', () => {
  let dir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-sched-e2e-'));
    server = await startServerProcess(join(dir, 'data'));
  });

  afterAll(async () => {
    await server?.stop();
    stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds a pod to the node that fits and records Scheduled', async () => {
    const kc = server.kubeconfig;
    await ok(kc, ['create', '-f', '-'], node('pi-small', '256Mi'));
    await ok(kc, ['create', '-f', '-'], node('pi-big', '4Gi'));
    await ok(kc, ['apply', '-f', '-'], pod('web-1', '1Gi'));
    await ok(kc, ['wait', '--for=condition=PodScheduled', 'pod/web-1', '--timeout=30s']);
    expect(await ok(kc, ['get', 'pod', 'web-1', '-o', 'jsonpath={.spec.nodeName}'])).toBe('pi-big');
    const events = await ok(kc, ['get', 'events', '--field-selector', 'involvedObject.name=web-1', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    expect(events).toContain('Scheduled: Successfully assigned default/web-1 to pi-big');
  });

  it('reports a pod that fits nowhere in Kubernetes wording, then binds it when a node joins', async () => {
    const kc = server.kubeconfig;
    await ok(kc, ['apply', '-f', '-'], pod('huge', '16Gi'));
    await ok(kc, ['wait', '--for=condition=PodScheduled=False', 'pod/huge', '--timeout=30s']);
    const message = await ok(kc, ['get', 'pod', 'huge', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].message}']);
    expect(message).toBe('0/2 nodes are available: 2 Insufficient memory.');
    const describe = await ok(kc, ['describe', 'pod', 'huge']);
    expect(describe).toMatch(/FailedScheduling.*0\/2 nodes are available: 2 Insufficient memory\./);
    await ok(kc, ['create', '-f', '-'], node('pi-huge', '32Gi'));
    await ok(kc, ['wait', '--for=condition=PodScheduled', 'pod/huge', '--timeout=30s']);
    expect(await ok(kc, ['get', 'pod', 'huge', '-o', 'jsonpath={.spec.nodeName}'])).toBe('pi-huge');
  });
});
