// End-to-end: the device agent on the Node that devices run (Raspberry Pi OS bookworm: Node 18.19), on
// amd64, with nothing simulated: `flotilla agent --help`, then one `flotilla agent` on Node 18 that runs
// a static pod from --manifests on Podman and joins a real `flotilla server` (Node 20) with a token —
// TLS CA pinning, the sealed join reply, MQTT over TLS — Ready with its facts; a Pod the server places on
// it runs and its logs come back through it. arm64 and armhf: test/arm/ (`npm run test:arm`).

import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodmanRuntime } from '../agent/runtime/podman/podman-runtime';
import { LABEL_NODE } from '../agent/runtime/types';
import { AgentProcess, killAllAgents } from './helpers/agent-process';
import { joinToken, kubectlAsyncOk } from './helpers/channel';
import { podPhase, readyNode, sayingPod } from './helpers/device-nodes';
import { eventually } from './helpers/kubectl';
import { NODE18_VERSION, node18 } from './helpers/node18';
import { preparePodman, removeNodePods, required, type PodmanEnv } from './helpers/podman-env';
import { FLOTILLA_BIN, startServerProcess, stopAll, type ServerProcess } from './helpers/server-process';

jest.setTimeout(120_000);

const node = `e2e-node18-${randomUUID().slice(0, 8)}`;
let prepared: PodmanEnv | undefined;
let runtime: PodmanRuntime;
let dir: string;
let server: ServerProcess;
let agent: AgentProcess | undefined;

const busybox = (): string => required(prepared, 'FLOTILLA_TEST_BUSYBOX_IMAGE');

beforeAll(async () => {
  prepared = preparePodman();
  runtime = new PodmanRuntime({ socketPath: required(prepared, 'FLOTILLA_PODMAN_SOCKET') });
  dir = mkdtempSync(join(tmpdir(), 'flotilla-node18-'));
  server = await startServerProcess(join(dir, 'server'));
});

afterAll(async () => {
  killAllAgents();
  await agent?.exited;
  if (runtime) await removeNodePods(runtime, node);
  await server?.stop();
  stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
  prepared?.stop();
});

describe(`flotilla agent on Node ${NODE18_VERSION} (amd64)`, () => {
  it('prints its help and version', () => {
    const help = spawnSync(node18('x64'), [FLOTILLA_BIN, 'agent', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: flotilla agent \[options\]/);
    expect(spawnSync(node18('x64'), [FLOTILLA_BIN, '--version'], { encoding: 'utf8' }).stdout).toBe('0.1.0\n');
  });

  it('runs a static pod on Podman and joins the server, Ready with its facts', async () => {
    const manifests = join(dir, 'manifests');
    mkdirSync(manifests);
    writeFileSync(join(manifests, 'hello.yaml'), `apiVersion: v1\nkind: Pod\nmetadata: {name: hello}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - {name: c, image: ${busybox()}, command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]}\n`);
    agent = AgentProcess.start([
      '--manifests', manifests, '--token', joinToken(server.dataDir, ['--usages', '1']), '--data-dir', join(dir, 'agent'),
      '--podman-socket', required(prepared, 'FLOTILLA_PODMAN_SOCKET'), '--node-name', node,
    ], {}, node18('x64'));
    expect(await agent.waitFor('the agent to run', (l) => l.msg === 'agent running')).toMatchObject({ nodejs: `v${NODE18_VERSION}`, arch: 'x64' });
    await agent.waitForStatus(`default/hello-${node}`, (l) => l.phase === 'Running' && l.ready === '1/1');
    const view = await readyNode(server.kubeconfig, node);
    expect(view.metadata.labels).toMatchObject({ 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': node });
    expect(view.status.nodeInfo.architecture).toBe('amd64');
  });

  it('runs a Pod the server places on it; its logs come back through the device', async () => {
    const k = (args: string[], input?: string): Promise<string> => kubectlAsyncOk(server.kubeconfig, args, input);
    await k(['apply', '-f', '-'], sayingPod('from-server', busybox(), { nodeSelector: { 'kubernetes.io/hostname': node } }, 'hello from node 18'));
    await eventually(async () => (await podPhase(server.kubeconfig, 'from-server')) === 'Running', 60_000, 'from-server Running');
    expect(await k(['get', 'pod', 'from-server', '-o', 'jsonpath={.spec.nodeName}'])).toBe(node);
    expect(await k(['logs', 'from-server'])).toBe('hello from node 18\n');
    const running = (await runtime.client.containers.list({ labels: { [LABEL_NODE]: node } })).filter((c) => c.State === 'running');
    expect(running.map((c) => c.Image).filter((i) => i === busybox())).toHaveLength(2); // the static pod and this one
  });

  it('stops on SIGTERM, leaving its pods running', async () => {
    const before = (await runtime.client.containers.list({ labels: { [LABEL_NODE]: node } })).filter((c) => c.State === 'running').map((c) => c.Id).sort();
    await agent?.kill('SIGTERM');
    expect(await agent?.exited).toBe(0);
    expect(agent?.lines.some((l) => l.msg === 'stopping the agent; pods keep running')).toBe(true);
    const after = (await runtime.client.containers.list({ labels: { [LABEL_NODE]: node } })).filter((c) => c.State === 'running').map((c) => c.Id).sort();
    expect(after).toEqual(before);
  });
});
