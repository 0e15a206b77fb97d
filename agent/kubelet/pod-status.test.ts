// Pod phase (Kubernetes' getPhase) and container states as a table, plus conditions' transition times.

import type { ContainerStatus as ApiStatus, Pod } from '../../shared/api/core';
import type { ContainerStatus } from '../runtime/types';
import { computePodStatus, podPhase } from './pod-status';

const pod = (restartPolicy: 'Always' | 'OnFailure' | 'Never', containers = ['a']): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u' }, spec: { restartPolicy, containers: containers.map((name) => ({ name, image: 'i' })) },
});
const api = (name: string, state: ApiStatus['state'], lastState: ApiStatus['lastState'] = {}): ApiStatus => ({ name, state, lastState, ready: false, restartCount: 0, image: 'i', imageID: '' });
const running = (n: string) => api(n, { running: {} });
const done = (n: string, exitCode: number) => api(n, { terminated: { exitCode } });
const waiting = (n: string) => api(n, { waiting: { reason: 'ContainerCreating' } });
const backoff = (n: string, exitCode: number) => api(n, { waiting: { reason: 'CrashLoopBackOff' } }, { terminated: { exitCode } });

describe('podPhase', () => {
  it.each<[string, 'Always' | 'OnFailure' | 'Never', ApiStatus[], ApiStatus[], boolean, string]>([
    ['creating', 'Always', [], [waiting('a')], false, 'Pending'],
    ['running', 'Always', [], [running('a')], false, 'Running'],
    ['one running, one still creating', 'Always', [], [running('a'), waiting('b')], false, 'Pending'],
    ['Always, exited: will restart', 'Always', [], [done('a', 0)], false, 'Running'],
    ['CrashLoopBackOff', 'Always', [], [backoff('a', 1)], false, 'Running'],
    ['OnFailure, succeeded', 'OnFailure', [], [done('a', 0)], false, 'Succeeded'],
    ['OnFailure, failed: will restart', 'OnFailure', [], [done('a', 1)], false, 'Running'],
    ['Never, failed', 'Never', [], [done('a', 1)], false, 'Failed'],
    ['Never, one failed, one running', 'Never', [], [done('a', 1), running('b')], false, 'Running'],
    ['initialising', 'Always', [running('i')], [waiting('a')], false, 'Pending'],
    ['init failed, Never', 'Never', [done('i', 1)], [waiting('a')], false, 'Failed'],
    ['deleted after running: exit codes decide', 'Always', [], [done('a', 143)], true, 'Failed'],
    ['deleted after succeeding', 'Always', [], [done('a', 0)], true, 'Succeeded'],
  ])('%s → %s', (_n, policy, inits, statuses, terminal, want) => expect(podPhase(pod(policy, statuses.map((s) => s.name)), inits, statuses, terminal)).toBe(want));
});

describe('computePodStatus', () => {
  const c = (over: Partial<ContainerStatus>): ContainerStatus => ({
    id: 'c1', sandboxId: 's', name: 'a', attempt: 0, state: 'running', createdAt: new Date(0), startedAt: new Date(1000), image: 'i', imageId: 'abc', labels: {}, ...over,
  });
  const base = { waiting: new Map(), probes: { ready: () => true, started: () => true }, now: new Date('2030-01-01T00:00:00Z') };

  it('reports a restarted container with its last state, and keeps transition times while conditions hold', () => {
    const rt = { sandboxes: [], containers: [c({ id: 'c2', attempt: 1 }), c({ id: 'c1', state: 'exited', exitCode: 2, reason: 'Error', finishedAt: new Date(2000) })] };
    const first = computePodStatus({ ...base, pod: pod('Always'), rt, podIP: '10.0.0.5', hostIP: '192.168.0.2', startTime: '2029-12-31T23:00:00Z' });
    expect(first).toMatchObject({ phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }], hostIP: '192.168.0.2', startTime: '2029-12-31T23:00:00Z', qosClass: 'BestEffort' });
    expect(first.containerStatuses?.[0]).toEqual({
      name: 'a', state: { running: { startedAt: '1970-01-01T00:00:01Z' } },
      lastState: { terminated: { exitCode: 2, reason: 'Error', startedAt: '1970-01-01T00:00:01Z', finishedAt: '1970-01-01T00:00:02Z', containerID: 'podman://c1' } },
      ready: true, started: true, restartCount: 1, image: 'i', imageID: 'sha256:abc', containerID: 'podman://c2',
    });
    const later = computePodStatus({ ...base, pod: pod('Always'), rt, previous: first, now: new Date('2030-01-02T00:00:00Z') });
    expect(later.conditions?.map((x) => x.lastTransitionTime)).toEqual(first.conditions?.map((x) => x.lastTransitionTime));
    const unready = computePodStatus({ ...base, pod: pod('Always'), rt, previous: first, probes: { ready: () => false, started: () => true }, now: new Date('2030-01-02T00:00:00Z') });
    expect(unready.conditions?.find((x) => x.type === 'Ready')).toMatchObject({ status: 'False', lastTransitionTime: '2030-01-02T00:00:00Z' });
  });

  it('shows a waiting reason over an exited instance, with that instance as lastState', () => {
    const rt = { sandboxes: [], containers: [c({ state: 'exited', exitCode: 1, reason: 'Error' })] };
    const s = computePodStatus({ ...base, pod: pod('Always'), rt, waiting: new Map([['a', { reason: 'CrashLoopBackOff', message: 'back-off 10s' }]]) });
    expect(s.containerStatuses?.[0]).toMatchObject({ state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } }, lastState: { terminated: { exitCode: 1 } }, ready: false });
  });
});
