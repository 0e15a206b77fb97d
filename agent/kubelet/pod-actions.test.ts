// computePodActions as a table: what a sync does for each shape of runtime state and restart policy.

import type { Container, Pod } from '../../shared/api/core';
import type { ContainerStatus, SandboxStatus } from '../runtime/types';
import { containerHash, LABEL_CONTAINER_HASH } from './labels';
import { computePodActions, type PodActions } from './pod-actions';
import type { PodRuntime } from './pod-runtime';

const app: Container = { name: 'app', image: 'i:1' };
const init: Container = { name: 'init', image: 'i:1' };
const pod = (restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always', inits: Container[] = []): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u' }, spec: { containers: [app], initContainers: inits, restartPolicy },
});
const sandbox = (id: string, attempt: number, state: 'ready' | 'notready' = 'ready'): SandboxStatus => ({
  id, uid: 'u', name: 'p', namespace: 'default', attempt, state, createdAt: new Date(attempt * 1000), labels: {}, infraImage: 'pause', ports: [],
});
const container = (name: string, sandboxId: string, attempt: number, state: ContainerStatus['state'], exitCode?: number, spec: Container = name === 'init' ? init : app): ContainerStatus => ({
  id: `${name}-${sandboxId}-${attempt}`, sandboxId, name, attempt, state, createdAt: new Date(attempt * 1000), image: 'i:1', imageId: 'x',
  labels: { [LABEL_CONTAINER_HASH]: containerHash(spec) }, ...(exitCode !== undefined ? { exitCode } : {}),
});
const rt = (sandboxes: SandboxStatus[], containers: ContainerStatus[]): PodRuntime => ({ sandboxes, containers });
const healthy = { livenessFailed: () => false, startupFailed: () => false };

/** A compact view of the actions for the table. */
function summary(a: PodActions): string {
  const parts: string[] = [];
  if (a.createSandbox) parts.push(`sandbox#${a.createSandbox.attempt}`);
  for (const k of a.kill) parts.push(`kill ${k.container.id}`);
  for (const s of a.stopSandboxes) parts.push(`stop ${s.id}`);
  for (const s of a.removeSandboxes) parts.push(`remove ${s.id}`);
  for (const s of a.start) parts.push(`start ${s.container.name}#${s.attempt}${s.restartOf ? ' (restart)' : ''}${s.replace ? ' (replace)' : ''}`);
  return parts.join(', ') || 'nothing';
}

describe('computePodActions', () => {
  it.each<[string, Pod, PodRuntime, string]>([
    ['new pod', pod(), rt([], []), 'sandbox#0, start app#0'],
    ['new pod with an init container: init first', pod('Always', [init]), rt([], []), 'sandbox#0, start init#0'],
    ['all running: adopt, do nothing', pod(), rt([sandbox('s0', 0)], [container('app', 's0', 0, 'running')]), 'nothing'],
    ['Always: restart an exited container', pod(), rt([sandbox('s0', 0)], [container('app', 's0', 0, 'exited', 0)]), 'start app#1 (restart)'],
    ['OnFailure: restart a failed one', pod('OnFailure'), rt([sandbox('s0', 0)], [container('app', 's0', 2, 'exited', 1)]), 'start app#3 (restart)'],
    ['OnFailure: leave a succeeded one', pod('OnFailure'), rt([sandbox('s0', 0)], [container('app', 's0', 0, 'exited', 0)]), 'nothing'],
    ['Never: leave a failed one', pod('Never'), rt([sandbox('s0', 0)], [container('app', 's0', 0, 'exited', 1)]), 'nothing'],
    ['a created, never started instance is replaced', pod(), rt([sandbox('s0', 0)], [container('app', 's0', 0, 'created')]), 'start app#0 (replace)'],
    ['dead sandbox: kill, new sandbox, counts go on', pod(), rt([sandbox('s0', 0, 'notready')], [container('app', 's0', 4, 'running')]), 'sandbox#1, kill app-s0-4, stop s0, start app#5'],
    ['dead sandbox, Never, containers ran: no new sandbox', pod('Never'), rt([sandbox('s0', 0, 'notready')], [container('app', 's0', 0, 'running')]), 'kill app-s0-0'],
    ['a sandbox that never started, Never: the first run still happens', pod('Never'), rt([sandbox('s0', 0, 'notready')], [container('app', 's0', 0, 'created')]), 'sandbox#1, start app#1'],
    ['keeps the previous sandbox, removes older ones', pod(), rt([sandbox('s2', 2), sandbox('s1', 1, 'notready'), sandbox('s0', 0, 'notready')], [container('app', 's2', 3, 'running')]), 'remove s0'],
    ['stops a second ready sandbox', pod(), rt([sandbox('s1', 1), sandbox('s0', 0)], [container('app', 's1', 0, 'running')]), 'stop s0'],
    ['init running: wait', pod('Always', [init]), rt([sandbox('s0', 0)], [container('init', 's0', 0, 'running')]), 'nothing'],
    ['init done: containers next', pod('Always', [init]), rt([sandbox('s0', 0)], [container('init', 's0', 0, 'exited', 0)]), 'start app#0'],
    ['init failed: restart it', pod('OnFailure', [init]), rt([sandbox('s0', 0)], [container('init', 's0', 0, 'exited', 2)]), 'start init#1 (restart)'],
    ['init failed, Never: nothing more', pod('Never', [init]), rt([sandbox('s0', 0)], [container('init', 's0', 0, 'exited', 2)]), 'nothing'],
    ['changed spec: kill', pod(), rt([sandbox('s0', 0)], [container('app', 's0', 0, 'running', undefined, { ...app, image: 'i:0' })]), 'kill app-s0-0'],
  ])('%s', (_name, p, r, want) => expect(summary(computePodActions(p, r, healthy))).toBe(want));

  it('kills a container whose liveness or startup probe failed', () => {
    const r = rt([sandbox('s0', 0)], [container('app', 's0', 0, 'running')]);
    const live = computePodActions(pod(), r, { livenessFailed: () => true, startupFailed: () => false });
    expect(live.kill.map((k) => k.message)).toEqual(['Container app failed liveness probe, will be restarted']);
    const startup = computePodActions(pod(), r, { livenessFailed: () => false, startupFailed: () => true });
    expect(startup.kill.map((k) => k.message)).toEqual(['Container app failed startup probe, will be restarted']);
  });

  it('never lets restart counts go back, using what the kubelet remembers', () => {
    expect(summary(computePodActions(pod(), rt([], []), healthy, new Map([['app', 6]])))).toBe('sandbox#0, start app#7');
  });
});
