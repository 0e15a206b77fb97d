// Workloads end to end with nothing simulated: the real `flotilla server` (scheduler, controllers,
// embedded broker), the real `flotilla agent --token` on real Podman, real kubectl. A Deployment
// applied without a nodeName is scheduled onto the device and Running; a new image replaces its
// pods on the device; scaling to 0 leaves nothing of it in Podman.

import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodmanRuntime } from '../agent/runtime/podman/podman-runtime';
import { LABEL_CONTAINER_NAME, LABEL_NODE } from '../agent/runtime/types';
import { AgentProcess, killAllAgents } from './helpers/agent-process';
import { joinToken, kubectlAsync, kubectlAsyncOk } from './helpers/channel';
import { eventually } from './helpers/kubectl';
import { preparePodman, removeNodePods, required, type PodmanEnv } from './helpers/podman-env';
import { startServerProcess, stopAll, type ServerProcess } from './helpers/server-process';

jest.setTimeout(180_000);

const run = randomUUID().slice(0, 8);
const node = `e2e-wl-${run}`;
let prepared: PodmanEnv | undefined;
let runtime: PodmanRuntime;
let dir: string;
let server: ServerProcess;
let agent: AgentProcess | undefined;
let imageV1: string;
let imageV2: string;

function podman(args: string[]): void {
  const r = spawnSync('podman', args, { env: { ...process.env, ...prepared?.env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`podman ${args.join(' ')}: ${r.stderr}`);
}

beforeAll(async () => {
  prepared = preparePodman();
  runtime = new PodmanRuntime({ socketPath: required(prepared, 'FLOTILLA_PODMAN_SOCKET') });
  imageV1 = required(prepared, 'FLOTILLA_TEST_BUSYBOX_IMAGE');
  // A second tag of the same image: "a new image" for the rollout, present locally (no registry).
  imageV2 = `localhost/flotilla/busybox:e2e-v2-${run}`;
  podman(['tag', imageV1, imageV2]);
  dir = mkdtempSync(join(tmpdir(), 'flotilla-workloads-'));
  server = await startServerProcess(join(dir, 'server'));
  agent = AgentProcess.start(['--token', joinToken(server.dataDir, ['--usages', '1']), '--data-dir', join(dir, 'agent'), '--podman-socket', required(prepared, 'FLOTILLA_PODMAN_SOCKET'), '--node-name', node], {});
});

afterAll(async () => {
  agent?.proc.kill('SIGKILL');
  killAllAgents();
  if (runtime) await removeNodePods(runtime, node);
  await server?.stop();
  stopAll();
  if (imageV2) spawnSync('podman', ['untag', imageV2, imageV2], { env: { ...process.env, ...prepared?.env } });
  if (dir) rmSync(dir, { recursive: true, force: true });
  prepared?.stop();
});

const k = (args: string[], input?: string): Promise<string> => kubectlAsyncOk(server.kubeconfig, args, input);

/** The app containers Podman runs for this node, as "image" strings (infra containers excluded). */
async function appImages(): Promise<string[]> {
  const list = await runtime.client.containers.list({ labels: { [LABEL_NODE]: node, [LABEL_CONTAINER_NAME]: 'app' } });
  return list.filter((c) => c.State === 'running').map((c) => c.Image).sort();
}

async function everythingOfNode(): Promise<number> {
  const labels = { [LABEL_NODE]: node };
  return (await runtime.client.pods.list({ labels })).length + (await runtime.client.containers.list({ labels })).length;
}

function deployment(image: string, replicas: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'sensor', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'sensor' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'sensor' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'app', image, imagePullPolicy: 'Never', command: ['sh', '-c', 'while true; do sleep 1; done'], resources: { requests: { cpu: '10m', memory: '8Mi' } } }],
        },
      },
    },
  });
}

it('schedules a Deployment onto the joined device and runs it', async () => {
  await eventually(async () => (await kubectlAsync(server.kubeconfig, ['get', 'node', node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).stdout === 'True', 60_000, 'the device Ready');
  await k(['apply', '-f', '-'], deployment(imageV1, 2));
  await k(['rollout', 'status', 'deployment/sensor', '--timeout=90s']);
  const pods = JSON.parse(await k(['get', 'pods', '-l', 'app=sensor', '-o', 'json'])) as { items: { spec: { nodeName?: string }; status: { phase?: string } }[] };
  expect(pods.items).toHaveLength(2);
  for (const p of pods.items) expect(p).toMatchObject({ spec: { nodeName: node }, status: { phase: 'Running' } });
  await eventually(async () => (await appImages()).length === 2, 30_000, 'two app containers in Podman');
  expect(await appImages()).toEqual([imageV1, imageV1]);
  const events = await k(['get', 'events', '--field-selector', 'reason=Scheduled', '-o', 'jsonpath={.items[*].message}']);
  expect(events).toContain(`to ${node}`);
});

it('replaces the pods on the device when the image changes', async () => {
  await k(['set', 'image', 'deployment/sensor', `app=${imageV2}`]);
  await k(['rollout', 'status', 'deployment/sensor', '--timeout=120s']);
  await eventually(async () => {
    const images = await appImages();
    return images.length === 2 && images.every((i) => i === imageV2);
  }, 60_000, 'only the new image running in Podman');
  expect(await k(['rollout', 'history', 'deployment/sensor'])).toMatch(/^1\s/m);
});

it('leaves nothing of the Deployment in Podman when scaled to 0', async () => {
  await k(['scale', 'deployment/sensor', '--replicas=0']);
  await eventually(async () => (await k(['get', 'pods', '-l', 'app=sensor', '-o', 'name'])).trim() === '', 60_000, 'no pods left in the API');
  await eventually(async () => (await everythingOfNode()) === 0, 30_000, 'no pods or containers of the node left in Podman');
});
