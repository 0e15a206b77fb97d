// DaemonSet revision history through the real kubectl against a real `flotilla server` process and
// a `flotilla sim` of three devices on the real node channel: `rollout history` (list and
// --revision), `rollout undo` (previous and --to-revision), `get controllerrevisions`, and the
// revisions collected with their DaemonSet.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, Pod } from '../shared/api/core';
import { listObjects } from './helpers/api-watch';
import { joinToken } from './helpers/channel';
import { eventually, kubectlAsync, kubectlAsyncOk } from './helpers/kubectl';
import { startServerProcess, stopAll, type ServerProcess } from './helpers/server-process';
import { killAllSims, SimProcess } from './helpers/sim-process';

jest.setTimeout(60_000);

const IMAGE = 'registry.local/camera';
let dir: string;
let server: ServerProcess;
let sim: SimProcess | undefined;

const k = (args: string[], input?: string): Promise<string> => kubectlAsyncOk(server.kubeconfig, args, input);
const pods = async (): Promise<Pod[]> => (await listObjects<Pod>(server.kubeconfig, '/api/v1/namespaces/default/pods?labelSelector=app%3Dcamera')).items;
const ready = (p: Pod): boolean => !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** Waits until each of the three devices runs exactly one Ready camera pod of `tag`, and nothing else is left. */
async function runningEverywhere(tag: string): Promise<void> {
  let seen = '';
  await eventually(async () => {
    const all = await pods();
    seen = all.map((p) => `${p.spec.nodeName ?? '?'}:${p.spec.containers[0]?.image ?? '?'}${ready(p) ? '' : '(not ready)'}`).join(' ');
    return all.length === 3 && all.every((p) => ready(p) && p.spec.containers[0]?.image === `${IMAGE}:${tag}`) && new Set(all.map((p) => p.spec.nodeName)).size === 3;
  }, 20_000, `one Ready ${IMAGE}:${tag} pod per device (last: ${seen})`).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)} (last: ${seen})`);
  });
}

/** The revision numbers `kubectl rollout history` lists. */
async function revisions(): Promise<number[]> {
  const out = await k(['rollout', 'history', 'daemonset/camera']);
  expect(out).toMatch(/^daemonset\.apps\/camera\s*\nREVISION\s+CHANGE-CAUSE\n/);
  return [...out.matchAll(/^(\d+)\s+<none>$/gm)].map((m) => Number(m[1]));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-ds-history-'));
  server = await startServerProcess(join(dir, 'server'), ['--mqtts-port', 'off']);
  sim = await SimProcess.start(joinToken(server.dataDir, ['--usages', '3', '--labels', 'camera=true']), join(dir, 'sim'), ['--prefix', 'cam', '--nodes', '3', '--sizes', 'pi-4-4g', '--heartbeat', '1']);
  await eventually(async () => (await listObjects<Node>(server.kubeconfig, '/api/v1/nodes')).items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length === 3, 20_000, '3 Ready devices');
});

afterAll(async () => {
  await sim?.stop();
  killAllSims();
  await server?.stop();
  stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('rollout history, history --revision and undo (previous and --to-revision) on a DaemonSet, as on Kubernetes', async () => {
  await k(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'camera', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'camera' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 3 } },
      template: { metadata: { labels: { app: 'camera' } }, spec: { nodeSelector: { camera: 'true' }, containers: [{ name: 'camera', image: `${IMAGE}:v1` }] } },
    },
  }));
  expect(await k(['rollout', 'status', 'daemonset/camera', '--timeout=30s'])).toContain('daemon set "camera" successfully rolled out');
  await runningEverywhere('v1');
  await k(['set', 'image', 'daemonset/camera', `camera=${IMAGE}:v2`]);
  expect(await k(['rollout', 'status', 'daemonset/camera', '--timeout=30s'])).toContain('daemon set "camera" successfully rolled out');
  await runningEverywhere('v2');

  expect(await revisions()).toEqual([1, 2]);
  const first = await k(['rollout', 'history', 'daemonset/camera', '--revision=1']);
  expect(first).toMatch(/^daemonset\.apps\/camera with revision #1\nPod Template:\n\s+Labels:\s+app=camera\n/);
  expect(first).toMatch(/Image:\s+registry\.local\/camera:v1\n/);
  expect(first).not.toContain(':v2');
  const missing = await kubectlAsync(server.kubeconfig, ['rollout', 'history', 'daemonset/camera', '--revision=7']);
  expect(missing.status).not.toBe(0);
  expect(missing.stderr).toContain('unable to find the specified revision');

  const table = await k(['get', 'controllerrevisions']);
  expect(table).toMatch(/^NAME\s+CONTROLLER\s+REVISION\s+AGE\n/);
  expect(table).toMatch(/^camera-\w+\s+daemonset\.apps\/camera\s+1\s+\d+s\n/m);
  expect(table).toMatch(/^camera-\w+\s+daemonset\.apps\/camera\s+2\s+\d+s\n/m);

  expect((await k(['rollout', 'undo', 'daemonset/camera'])).trim()).toBe('daemonset.apps/camera rolled back');
  expect(await k(['rollout', 'status', 'daemonset/camera', '--timeout=30s'])).toContain('successfully rolled out');
  await runningEverywhere('v1');
  expect(await revisions()).toEqual([2, 3]);

  expect((await k(['rollout', 'undo', 'daemonset/camera', '--to-revision=2'])).trim()).toBe('daemonset.apps/camera rolled back');
  expect(await k(['rollout', 'status', 'daemonset/camera', '--timeout=30s'])).toContain('successfully rolled out');
  await runningEverywhere('v2');
  expect(await revisions()).toEqual([3, 4]);
  expect(await k(['get', 'daemonset', 'camera', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).toBe(`${IMAGE}:v2`);
  // kubectl compares the revision's bytes with the live template's: undo to the current one is skipped.
  expect((await k(['rollout', 'undo', 'daemonset/camera', '--to-revision=4'])).trim()).toBe('daemonset.apps/camera skipped rollback (current template already matches revision 4)');
  const none = await kubectlAsync(server.kubeconfig, ['rollout', 'undo', 'daemonset/camera', '--to-revision=1']);
  expect(none.status).not.toBe(0);
  expect(none.stderr).toContain('unable to find specified revision 1 in history');
  expect(await revisions()).toEqual([3, 4]);

  // Deleting the DaemonSet takes its revisions with it (garbage collector, ownerReferences).
  await k(['delete', 'daemonset', 'camera', '--cascade=foreground', '--timeout=30s']);
  await eventually(async () => (await k(['get', 'controllerrevisions', '-o', 'name'])) === '', 20_000, 'no ControllerRevisions left');
});
