// End-to-end: `flotilla agent --manifests DIR` on real Podman. The pod (two containers sharing
// localhost, an init container, configMap and secret volumes, env from fields, a readiness probe, a
// hostPort) runs on Flotilla's pause image; a crashing container backs off; a failing liveness probe
// restarts; an image is pulled from a loopback registry; kill -9 and restart restarts nothing; edits
// replace, bad manifests are refused clearly without touching the others, removals leave nothing behind.

import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { LABEL_NODE, LABEL_POD_NAME, type ContainerStatus } from '../agent/runtime/types';
import { PAUSE_IMAGE } from '../agent/runtime/podman/pause';
import { PodmanRuntime } from '../agent/runtime/podman/podman-runtime';
import { splitRef } from '../agent/runtime/podman/images';
import { AgentProcess, killAllAgents } from './helpers/agent-process';
import { preparePodman, removeNodePods, required, type PodmanEnv } from './helpers/podman-env';
import { freePort } from './helpers/ports';
import { pushImage, startRegistry, type Registry } from './helpers/registry';

jest.setTimeout(60_000);

const run = randomUUID().slice(0, 8);
const node = `e2e-static-${run}`;
const podName = (name: string): string => `${name}-${node}`;
let prepared: PodmanEnv | undefined;
let runtime: PodmanRuntime;
let registry: Registry | undefined;
let pulledImage = '';
let tmp: string;
let manifests: string;
let dataDir: string;
let hostPort: number;
let agent: AgentProcess;

function startAgent(): AgentProcess {
  return AgentProcess.start([
    '--manifests', manifests, '--data-dir', dataDir, '--podman-socket', required(prepared, 'FLOTILLA_PODMAN_SOCKET'), '--node-name', node,
    '--crash-loop-backoff', '1000', '--insecure-registry', registry?.address ?? '', '--log-level', 'info',
  ], {});
}

const busybox = (): string => required(prepared, 'FLOTILLA_TEST_BUSYBOX_IMAGE');
const write = (file: string, text: string): void => writeFileSync(path.join(manifests, file), text);

function webManifest(): string {
  const image = busybox();
  return `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - name: init
    image: ${image}
    command: ["sh", "-c", "date > /shared/init-ran"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: server
    image: ${image}
    command: ["sh", "-c", "cp /etc/app/index.html /srv/index.html && exec httpd -f -p 8080 -h /srv"]
    ports: [{containerPort: 8080, hostPort: ${hostPort}}]
    readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
    volumeMounts: [{name: conf, mountPath: /etc/app}, {name: srv, mountPath: /srv}]
  - name: client
    image: ${image}
    command: ["sh", "-c", "echo pod=$POD_NAME ip=$POD_IP node=$NODE mode=$MODE; trap 'exit 0' TERM; while true; do sleep 1; done"]
    env:
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: MODE, valueFrom: {configMapKeyRef: {name: web-config, key: mode}}}
    volumeMounts: [{name: secret, mountPath: /secret}, {name: shared, mountPath: /shared}]
  volumes:
  - {name: shared, emptyDir: {}}
  - {name: srv, emptyDir: {}}
  - {name: conf, configMap: {name: web-config}}
  - {name: secret, secret: {secretName: web-secret}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data: {index.html: "hello from the configmap", mode: fast}
---
apiVersion: v1
kind: Secret
metadata: {name: web-secret}
stringData: {token: s3cr3t}
`;
}

const simplePod = (name: string, image: string, command: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: c
    image: ${image}
    command: ["sh", "-c", ${JSON.stringify(command)}]
${extra}`;

async function podContainers(name: string): Promise<ContainerStatus[]> {
  return (await runtime.snapshot({ labels: { [LABEL_NODE]: node, [LABEL_POD_NAME]: podName(name) } })).containers;
}

async function running(): Promise<Array<[string, string]>> {
  const { containers } = await runtime.snapshot({ labels: { [LABEL_NODE]: node } });
  const list = await Promise.all(containers.filter((c) => c.state === 'running').map((c) => runtime.containerStatus(c.id)));
  return list.map((c): [string, string] => [c.id, c.startedAt?.toISOString() ?? '']).sort();
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(body));
    }).on('error', reject);
  });
}

beforeAll(async () => {
  prepared = preparePodman();
  runtime = new PodmanRuntime({ socketPath: required(prepared, 'FLOTILLA_PODMAN_SOCKET') });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'flotilla-e2e-static-'));
  manifests = path.join(tmp, 'manifests');
  dataDir = path.join(tmp, 'data');
  mkdirSync(manifests);
  hostPort = await freePort();
  registry = await startRegistry(path.join(tmp, 'registry'));
  pulledImage = `${registry.address}/flotilla/busybox:e2e-${run}`;
  pushImage(busybox(), pulledImage, { CONTAINERS_CONF: prepared.env['CONTAINERS_CONF'] });
});

afterAll(async () => {
  killAllAgents();
  await agent?.exited;
  if (runtime) {
    await removeNodePods(runtime, node);
    if (pulledImage && (await runtime.client.images.exists(pulledImage))) {
      const { repo, tag } = splitRef(pulledImage);
      await runtime.client.images.untag(pulledImage, repo, tag);
    }
  }
  await registry?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  prepared?.stop();
});

describe('flotilla agent --manifests on Podman', () => {
  it('runs the pod: init first, shared localhost, volumes, env, readiness, hostPort, pause infra', async () => {
    write('web.yaml', webManifest());
    write('crasher.yaml', simplePod('crasher', busybox(), 'echo crashing; exit 1'));
    write('liveness.yaml', simplePod('liveness', busybox(), 'touch /tmp/healthy; sleep 2; rm /tmp/healthy; sleep 3600', '    livenessProbe: {exec: {command: [cat, /tmp/healthy]}, periodSeconds: 1, failureThreshold: 1}\n'));
    write('pulled.yaml', simplePod('pulled', pulledImage, 'trap "exit 0" TERM; while true; do sleep 1; done', '    imagePullPolicy: Always\n'));
    write('edit.yaml', simplePod('edit', busybox(), 'trap "exit 0" TERM; while true; do sleep 1; done'));
    agent = startAgent();
    await agent.waitForStatus(`default/${podName('web')}`, (l) => l.phase === 'Running' && l.ready === '2/2');

    expect(await get(`http://127.0.0.1:${hostPort}/`)).toBe('hello from the configmap');
    const [sandbox] = (await runtime.snapshot({ labels: { [LABEL_NODE]: node, [LABEL_POD_NAME]: podName('web') } })).sandboxes;
    expect(sandbox?.infraImage).toBe(PAUSE_IMAGE);
    const byName = new Map((await podContainers('web')).map((c) => [c.name, c.id]));
    const [init, server, client] = await Promise.all(['init', 'server', 'client'].map((n) => runtime.containerStatus(byName.get(n) ?? '')));
    expect(init).toMatchObject({ state: 'exited', exitCode: 0 });
    for (const c of [server, client]) expect(c?.startedAt?.getTime()).toBeGreaterThanOrEqual(init?.finishedAt?.getTime() ?? Infinity);
    const clientId = byName.get('client') ?? '';
    expect((await runtime.exec(clientId, ['wget', '-qO-', 'http://127.0.0.1:8080/'], { timeoutMs: 10_000 })).stdout).toBe('hello from the configmap');
    expect((await runtime.exec(clientId, ['cat', '/secret/token'])).stdout).toBe('s3cr3t');
    expect((await runtime.exec(clientId, ['stat', '-L', '-c', '%a', '/secret/token'])).stdout.trim()).toBe('640'); // the pod's group reads it, the world never
    expect((await runtime.exec(clientId, ['cat', '/shared/init-ran'])).exitCode).toBe(0);
    const ip = (await runtime.sandboxStatus(sandbox?.id ?? '')).ip;
    const logs: string[] = [];
    for await (const l of runtime.logs(clientId)) logs.push(l.line);
    expect(logs).toContain(`pod=${podName('web')} ip=${ip} node=${node} mode=fast`);
  });

  it('backs a crashing container off (1 s base here: at once, 1 s, 2 s, …), reporting CrashLoopBackOff', async () => {
    await agent.waitFor('5 starts of the crasher', () => agent.events('Started', `default/${podName('crasher')}`).length >= 5, 30_000);
    const starts = agent.events('Started', `default/${podName('crasher')}`).map((e) => Date.parse(e.time));
    const gaps = starts.slice(1).map((t, i) => (t - (starts[i] ?? 0)) / 1000);
    expect(gaps[0]).toBeLessThan(gaps[2] ?? 0); // the first restart does not wait for a back-off
    expect(gaps[1]).toBeGreaterThanOrEqual(0.9);
    expect(gaps[2]).toBeGreaterThanOrEqual(1.9);
    expect(gaps[3]).toBeGreaterThanOrEqual(3.9);
    expect(agent.events('BackOff', `default/${podName('crasher')}`).length).toBeGreaterThanOrEqual(3);
    expect(agent.lines.some((l) => l.msg === 'pod status' && l.pod === `default/${podName('crasher')}` && l.containers?.['c'] === 'CrashLoopBackOff')).toBe(true);
  });

  it('restarts a container whose liveness probe fails, and pulls an Always image from the registry', async () => {
    await agent.waitForStatus(`default/${podName('liveness')}`, (l) => (l.restarts ?? 0) >= 1 && l.containers?.['c'] === 'running');
    expect(agent.events('Killing', `default/${podName('liveness')}`)[0]?.msg).toBe('Container c failed liveness probe, will be restarted');
    expect(agent.events('Unhealthy', `default/${podName('liveness')}`)[0]?.msg).toMatch(/^Liveness probe failed: /);
    await agent.waitForStatus(`default/${podName('pulled')}`, (l) => l.phase === 'Running');
    const pull = agent.events(undefined, `default/${podName('pulled')}`).map((e) => `${e.reason}: ${e.msg}`);
    expect(pull).toEqual(expect.arrayContaining([`Pulling: Pulling image "${pulledImage}"`, expect.stringMatching(/^Pulled: Successfully pulled image /)]));
  });

  it('kill -9 of the agent and a restart restart no container', async () => {
    unlinkSync(path.join(manifests, 'crasher.yaml'));
    unlinkSync(path.join(manifests, 'liveness.yaml'));
    await agent.waitFor('the crasher and liveness pods to go', () => agent.lines.filter((l) => l.msg === 'pod removed').length >= 2);
    const before = await running();
    expect(before.length).toBe(4); // web: server, client; pulled; edit
    await agent.kill('SIGKILL');
    agent = startAgent();
    await agent.waitFor('the static pods to be read', (l) => l.msg === 'static pods read');
    await agent.waitForStatus(`default/${podName('web')}`, (l) => l.ready === '2/2');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await running()).toEqual(before);
    expect(agent.events().filter((e) => ['Created', 'Started', 'Killing', 'Pulling'].includes(String(e.reason)))).toEqual([]);
    expect(agent.status(`default/${podName('web')}`)).toMatchObject({ phase: 'Running', restarts: 0 });
  });

  it('replaces a pod whose manifest was edited', async () => {
    const [old] = (await runtime.snapshot({ labels: { [LABEL_NODE]: node, [LABEL_POD_NAME]: podName('edit') } })).sandboxes;
    write('edit.yaml', simplePod('edit', busybox(), 'echo edited; trap "exit 0" TERM; while true; do sleep 1; done'));
    await agent.waitForStatus(`default/${podName('edit')}`, (l) => l.uid !== old?.uid && l.phase === 'Running');
    await agent.waitForStatus(`default/${podName('edit')}`, (l) => l.uid === old?.uid && l.terminated === true);
    const now = (await runtime.snapshot({ labels: { [LABEL_NODE]: node, [LABEL_POD_NAME]: podName('edit') } })).sandboxes;
    expect(now.map((s) => s.uid)).not.toContain(old?.uid);
    expect(now).toHaveLength(1);
  });

  it('refuses bad manifests with clear errors in the log and the pod status, leaving the other pods alone', async () => {
    const before = await running();
    const image = busybox();
    write('bad.yaml', [
      `apiVersion: v1\nkind: Pod\nmetadata: {name: unknown-field}\nspec:\n  containers: [{name: c, image: ${image}, colour: red}]\n`,
      'apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec:\n  containers: [{name: c, image: x}]\n',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: no-image}\nspec:\n  containers: [{name: c}]\n',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: [broken\n',
    ].join('---\n'));
    const refused = async (name: string): Promise<string> => String((await agent.waitForStatus(`default/${name}-${node}`, (l) => l.phase === 'Failed')).message);
    expect(await refused('unknown-field')).toContain('strict decoding error: unknown field "spec.containers[0].colour"');
    expect(await refused('Bad_Name')).toContain('metadata.name: Invalid value: "Bad_Name-');
    expect(await refused('no-image')).toContain('spec.containers[0].image: Required value');
    await agent.waitFor('the YAML error', (l) => l.level >= 50 && /^bad manifest: not valid YAML/.test(l.msg) && l['file'] === 'bad.yaml');
    expect(agent.lines.filter((l) => l.level >= 50 && /is invalid/.test(l.msg)).length).toBeGreaterThanOrEqual(3);
    expect(await running()).toEqual(before);
    const names = (await runtime.snapshot({ labels: { [LABEL_NODE]: node } })).sandboxes.map((s) => s.name);
    expect(names.some((n) => /unknown-field|Bad_Name|no-image/.test(n))).toBe(false);
  });

  it('removes every pod whose manifest goes, leaving nothing behind in Podman or the data dir', async () => {
    for (const f of readdirSync(manifests)) unlinkSync(path.join(manifests, f));
    await agent.waitFor('the last pod to go', () => agent.lines.filter((l) => l.msg === 'pod removed').length >= 3 && agent.status(`default/${podName('web')}`)?.terminated === true, 30_000);
    for (let i = 0; i < 50; i++) {
      const { sandboxes, containers } = await runtime.snapshot({ labels: { [LABEL_NODE]: node } });
      if (sandboxes.length + containers.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await runtime.snapshot({ labels: { [LABEL_NODE]: node } })).toEqual({ sandboxes: [], containers: [] });
    expect(await runtime.client.pods.list({ labels: { [LABEL_NODE]: node } })).toEqual([]);
    expect(readdirSync(path.join(dataDir, 'pods'))).toEqual([]);
  });
});
