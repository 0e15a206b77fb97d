// Workloads across a simulated fleet over the real node channel: a real `flotilla server` process
// (scheduler, controllers, embedded broker) and `flotilla sim` processes whose 50 devices of mixed
// sizes each run the real kubelet on a fake runtime and speak real MQTT. A 200-replica Deployment
// lands within capacity and evenly; a rolling update and `rollout undo` stay within
// maxSurge/maxUnavailable at every watch event; a DaemonSet follows its node selector, label
// changes and a joining device; 10 % of the devices stopped (SIGSTOP) mid-rollout stall neither
// rollout and converge when resumed; a Job completes; deleting the Deployment clears the fleet.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, Pod } from '../shared/api/core';
import type { ReplicaSet } from '../shared/api/workloads';
import { podRequests, resourceFromList } from '../server/scheduler/framework/resources';
import { listObjects, watchObjects, type Watch } from './helpers/api-watch';
import { joinToken } from './helpers/channel';
import { eventually, kubectlAsyncOk } from './helpers/kubectl';
import { startServerProcess, stopAll, type ServerProcess } from './helpers/server-process';
import { killAllSims, SimProcess } from './helpers/sim-process';

jest.setTimeout(120_000);

const GRACE = '6s';
const REPLICAS = 200;
const MAX_SURGE = 20;
const MAX_UNAVAILABLE = 10;
/** The devices that go offline: 5 of 50, one of each size class and three Pi 4. */
const FLAKY = ['fb-00001', 'fb-00002', 'fb-00003', 'fb-00004', 'fb-00005'];
/** Main-fleet devices labelled camera=true by kubectl: every third one. */
const CAMERAS = Array.from({ length: 15 }, (_, i) => `fa-${String((i + 1) * 3).padStart(5, '0')}`);

let dir: string;
let server: ServerProcess;
/** Operator labels come with the join token: a device may set only its fact labels on its Node. */
const tokenFor = (labels: string, usages: number): string => joinToken(server.dataDir, ['--usages', String(usages), '--labels', labels]);
let main: SimProcess;
let flaky: SimProcess;
let joiner: SimProcess | undefined;
const watches: Watch[] = [];

const k = (args: string[], input?: string): Promise<string> => kubectlAsyncOk(server.kubeconfig, args, input);
const pods = async (selector: string): Promise<Pod[]> => (await listObjects<Pod>(server.kubeconfig, `/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`)).items;
const nodes = async (): Promise<Node[]> => (await listObjects<Node>(server.kubeconfig, '/api/v1/nodes')).items;
const live = (p: Pod): boolean => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
const ready = (p: Pod): boolean => live(p) && p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const readyStatus = (n: Node): string | undefined => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
const imageOf = (p: Pod): string => p.spec.containers[0]?.image ?? '';
/** Pods Running on the simulated devices themselves, as their kubelets report them. */
const runningOnFleet = (): number => [main, flaky, joiner].reduce((n, s) => n + (s?.last()?.running ?? 0), 0);

function deployment(image: string): string {
  return JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: REPLICAS, selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: MAX_SURGE, maxUnavailable: MAX_UNAVAILABLE } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image, resources: { requests: { cpu: '100m', memory: '100Mi' } } }] } },
    },
  });
}

/** Follows app=web pods from now on, keeping the extremes of the live and available counts. */
async function watchWeb(): Promise<{ maxLive: number; minAvailable: number; events: number; watch: Watch }> {
  const listed = await listObjects<Pod>(server.kubeconfig, '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');
  const current = new Map(listed.items.map((p) => [p.metadata.name ?? '', p]));
  const stats = { maxLive: 0, minAvailable: Number.POSITIVE_INFINITY, events: 0, watch: undefined as unknown as Watch };
  stats.watch = watchObjects<Pod>(server.kubeconfig, '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb', listed.resourceVersion, (e) => {
    if (e.type === 'DELETED') current.delete(e.object.metadata.name ?? '');
    else current.set(e.object.metadata.name ?? '', e.object);
    const all = [...current.values()];
    stats.events++;
    stats.maxLive = Math.max(stats.maxLive, all.filter(live).length);
    stats.minAvailable = Math.min(stats.minAvailable, all.filter(ready).length);
  });
  watches.push(stats.watch);
  return stats;
}

/** Waits until every app=web pod (terminating ones included) runs `image`, REPLICAS of them, Ready. */
async function webConverged(image: string, timeoutMs = 60_000): Promise<Pod[]> {
  let last: Pod[] = [];
  await eventually(async () => {
    last = await pods('app=web');
    return last.length === REPLICAS && last.every((p) => ready(p) && imageOf(p) === image);
  }, timeoutMs, `${REPLICAS} Ready web pods of ${image} and nothing else (last: ${last.length} pods, ${last.filter(ready).length} Ready, images ${[...new Set(last.map(imageOf))].join(' ')})`);
  return last;
}

/** Waits until the camera-agent pods are exactly one live, Running pod of `image` on each of `expected`. */
async function camerasOn(expected: string[], image = 'registry.local/camera:1', timeoutMs = 30_000): Promise<void> {
  let seen = '';
  await eventually(async () => {
    const all = await pods('app=camera-agent');
    const placed = all.filter(ready).filter((p) => imageOf(p) === image).map((p) => p.spec.nodeName ?? '').sort();
    seen = placed.join(' ');
    return all.length === expected.length && placed.join(' ') === [...expected].sort().join(' ');
  }, timeoutMs, `one ${image} pod on each of ${expected.length} camera nodes`).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)} (last seen on: ${seen || 'none'})`);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-fleet-'));
  server = await startServerProcess(join(dir, 'server'), ['--node-monitor-grace-period', GRACE, '--mqtts-port', 'off']);
  [main, flaky] = await Promise.all([
    SimProcess.start(tokenFor('site=barn', 45), join(dir, 'sim-a'), ['--prefix', 'fa', '--sizes', 'pi-zero-2w:9,pi-4-4g:27,pi-5-8g:9', '--heartbeat', '1']),
    SimProcess.start(tokenFor('site=field,camera=true', 5), join(dir, 'sim-b'), ['--prefix', 'fb', '--sizes', 'pi-zero-2w:1,pi-4-4g:3,pi-5-8g:1', '--heartbeat', '1']),
  ]);
  await eventually(async () => (await nodes()).filter((n) => readyStatus(n) === 'True').length === 50, 30_000, '50 Ready nodes');
});

afterAll(async () => {
  for (const w of watches) w.stop();
  await Promise.all([main, flaky, joiner].map((s) => s?.stop()));
  killAllSims();
  await server?.stop();
  stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('(a) 200 replicas land on 50 devices of mixed sizes within their capacity, evenly, all Running on the devices', async () => {
  await k(['apply', '-f', '-'], deployment('registry.local/web:1'));
  const all = await webConverged('registry.local/web:1');
  const byNode = new Map<string, Pod[]>();
  for (const p of all) byNode.set(p.spec.nodeName ?? '', [...(byNode.get(p.spec.nodeName ?? '') ?? []), p]);
  const fleet = await nodes();
  expect([...byNode.keys()].sort()).toEqual(fleet.map((n) => n.metadata.name ?? '').sort());
  for (const n of fleet) {
    const alloc = resourceFromList(n.status?.allocatable);
    const onNode = byNode.get(n.metadata.name ?? '') ?? [];
    const cpu = onNode.reduce((s, p) => s + podRequests(p.spec).milliCpu, 0);
    const memory = onNode.reduce((s, p) => s + podRequests(p.spec).memory, 0);
    expect({ node: n.metadata.name, fits: cpu <= alloc.milliCpu && memory <= alloc.memory }).toEqual({ node: n.metadata.name, fits: true });
  }
  // 4 per device on average; a Zero 2 W (416 MiB allocatable) holds at most 4 of these (100 MiB each).
  const counts = [...byNode.values()].map((p) => p.length);
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(3);
  await eventually(() => runningOnFleet() === REPLICAS, 10_000, 'the devices report 200 pods running');
});

test('(b) a rolling update and rollout undo never exceed maxSurge or maxUnavailable at any watch event', async () => {
  const stats = await watchWeb();
  await k(['set', 'image', 'deployment/web', 'web=registry.local/web:2']);
  await k(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  await webConverged('registry.local/web:2');
  await k(['rollout', 'undo', 'deployment/web']);
  await k(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  await webConverged('registry.local/web:1');
  stats.watch.stop();
  expect(stats.watch.broken()).toBeUndefined();
  // Two full rollouts: every pod was created, run, terminated and deleted twice over.
  expect(stats.events).toBeGreaterThan(4 * REPLICAS);
  expect(stats.maxLive).toBeLessThanOrEqual(REPLICAS + MAX_SURGE);
  expect(stats.minAvailable).toBeGreaterThanOrEqual(REPLICAS - MAX_UNAVAILABLE);
  const history = await k(['rollout', 'history', 'deployment/web']);
  expect(history).toMatch(/^2\s/m);
  expect(history).toMatch(/^3\s/m);
});

test('(c) a DaemonSet with a node selector runs one pod on each matching device, follows label changes and a joining device', async () => {
  await k(['label', 'node', ...CAMERAS, 'camera=true']);
  await k(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'camera-agent', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'camera-agent' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } },
      template: { metadata: { labels: { app: 'camera-agent' } }, spec: { nodeSelector: { camera: 'true' }, containers: [{ name: 'camera', image: 'registry.local/camera:1' }] } },
    },
  }));
  let expected = [...CAMERAS, ...FLAKY];
  await camerasOn(expected);

  await k(['label', 'node', 'fa-00001', 'camera=true']);
  await k(['label', 'node', 'fa-00003', 'camera-']);
  expected = [...expected.filter((n) => n !== 'fa-00003'), 'fa-00001'];
  await camerasOn(expected);

  joiner = await SimProcess.start(tokenFor('camera=true', 1), join(dir, 'sim-c'), ['--prefix', 'fc', '--nodes', '1', '--sizes', 'pi-4-2g', '--heartbeat', '1']);
  expected = [...expected, 'fc-00001'];
  await camerasOn(expected);
});

test('(d) 10 % of the devices stopping mid-rollout stall neither the DaemonSet nor the Deployment; resumed, they converge', async () => {
  const cameraNodes = (await pods('app=camera-agent')).map((p) => p.spec.nodeName ?? '');
  expect(cameraNodes).toEqual(expect.arrayContaining(FLAKY));
  await k(['set', 'image', 'daemonset/camera-agent', 'camera=registry.local/camera:2']);
  await k(['set', 'image', 'deployment/web', 'web=registry.local/web:3']);
  flaky.pause();
  try {
    await eventually(async () => (await nodes()).filter((n) => FLAKY.includes(n.metadata.name ?? '') && readyStatus(n) === 'Unknown').length === FLAKY.length, 30_000, 'the stopped devices Unknown');
    await k(['rollout', 'status', 'daemonset/camera-agent', '--timeout=60s']);
    await k(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    // Both finished while the devices were still away.
    expect((await nodes()).filter((n) => FLAKY.includes(n.metadata.name ?? '')).map(readyStatus)).toEqual(FLAKY.map(() => 'Unknown'));
    expect((await pods('app=web')).filter((p) => ready(p) && imageOf(p) === 'registry.local/web:3')).toHaveLength(REPLICAS);
  } finally {
    flaky.resume();
  }
  await eventually(async () => (await nodes()).every((n) => readyStatus(n) === 'True'), 30_000, 'every device Ready again');
  await camerasOn(cameraNodes, 'registry.local/camera:2', 40_000);
  await webConverged('registry.local/web:3');
});

test('(e) a Job completes on the fleet', async () => {
  await k(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'calibrate', namespace: 'default' },
    spec: {
      completions: 6, parallelism: 3, backoffLimit: 0,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'calibrate', image: 'registry.local/calibrate:1', command: ['sh', '-c', 'echo calibrated; sleep 1'] }] } },
    },
  }));
  await k(['wait', '--for=condition=complete', 'job/calibrate', '--timeout=40s']);
  const done = await pods('job-name=calibrate');
  expect(done.map((p) => p.status?.phase)).toEqual(Array(6).fill('Succeeded'));
  expect(await k(['logs', done[0]?.metadata.name ?? ''])).toBe('calibrated\n');
});

test('(f) deleting the Deployment removes its ReplicaSets and pods from the fleet', async () => {
  const cameras = (await pods('app=camera-agent')).length;
  await k(['delete', 'deployment', 'web']);
  await eventually(async () => (await pods('app=web')).length === 0, 30_000, 'no web pods left');
  const sets = (await listObjects<ReplicaSet>(server.kubeconfig, '/apis/apps/v1/namespaces/default/replicasets')).items;
  expect(sets.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.name === 'web'))).toEqual([]);
  // The devices themselves run only the DaemonSet's pods now.
  await eventually(() => runningOnFleet() === cameras, 10_000, `the devices report only the ${cameras} camera pods running`);
});
