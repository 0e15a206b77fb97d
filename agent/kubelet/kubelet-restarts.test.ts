// Restarts on the fake runtime and FakeClock: CrashLoopBackOff with Kubernetes' real 10 s → 5 min schedule,
// restart policies, liveness failures, containers and sandboxes killed behind the kubelet's back.

import { LABEL_POD_UID } from '../runtime/types';
import type { ProbeResult } from './probes/prober';
import { desired, Harness, IMAGE, makePod } from './testing';

let h: Harness;
afterEach(() => h?.close());

const uidOf = (name: string) => ({ labels: { [LABEL_POD_UID]: `uid-${name}` } });

describe('Kubelet restarts', () => {
  it('backs a crashing container off as Kubernetes does: at once, then 10 s, 20 s, 40 s … capped at 5 min', async () => {
    h = await new Harness().start();
    const t0 = h.clock.now();
    await h.apply(desired(1, [makePod('crash', { containers: [{ name: 'c', image: IMAGE, command: ['exit', '1'] }] })]));
    await h.advance(20 * 60_000, 1000);
    const starts = (await h.runtime.listContainers(uidOf('crash'))).map((c) => c.attempt);
    expect(starts.length).toBeLessThanOrEqual(2); // old instances are collected: current + previous
    const startedAt = h.events.filter((e) => e.reason === 'Started').map((e) => Math.round((e.time.getTime() - t0) / 1000));
    const gaps = startedAt.slice(1).map((t, i) => t - (startedAt[i] ?? 0));
    expect(gaps.slice(0, 8)).toEqual([0, 10, 20, 40, 80, 160, 300, 300]);
    const status = h.status('crash');
    const c = status?.containerStatuses?.[0];
    expect(c?.state.waiting).toMatchObject({ reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=c pod=crash_default(uid-crash)' });
    expect(c?.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(c?.restartCount).toBe(startedAt.length - 1);
    expect(status?.phase).toBe('Running');
    expect(h.reasons()).toContain('BackOff');
  });

  it.each([
    ['OnFailure', 0, 'Succeeded', 0],
    ['OnFailure', 3, 'Running', 1],
    ['Never', 3, 'Failed', 0],
    ['Never', 0, 'Succeeded', 0],
  ] as const)('restartPolicy %s with exit %i: phase %s, %i restarts', async (restartPolicy, code, phase, restarts) => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('job', { restartPolicy, containers: [{ name: 'c', image: IMAGE, command: ['exit', String(code)] }] })]));
    await h.advance(5_000);
    const status = h.status('job');
    expect(status?.phase).toBe(phase);
    expect(status?.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(restarts);
    if (restarts === 0) expect(status?.containerStatuses?.[0]?.restartCount).toBe(0);
    if (phase === 'Succeeded' || phase === 'Failed') {
      expect((await h.runtime.listSandboxes(uidOf('job'))).map((s) => s.state)).toEqual(['notready']);
      expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
      expect(status?.containerStatuses?.[0]?.state.terminated?.exitCode).toBe(code);
    }
  });

  it('restarts a container killed behind its back, keeping count', async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('victim')]));
    const [first] = await h.runtime.listContainers(uidOf('victim'));
    h.runtime.crash(first?.id ?? '', 137);
    await h.settle();
    const status = h.status('victim')?.containerStatuses?.[0];
    expect(status).toMatchObject({ restartCount: 1, state: { running: expect.any(Object) }, lastState: { terminated: { exitCode: 137 } } });
  });

  it('reports an OOM kill as OOMKilled', async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('hungry', { restartPolicy: 'Never' })]));
    const [c] = await h.runtime.listContainers(uidOf('hungry'));
    h.runtime.crash(c?.id ?? '', 137, 'OOMKilled');
    await h.settle();
    expect(h.status('hungry')).toMatchObject({ phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }] });
  });

  it('makes a new sandbox when the old one dies, and restarts the containers in it', async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('phoenix')]));
    const [old] = await h.runtime.listSandboxes(uidOf('phoenix'));
    await h.runtime.stopSandbox(old?.id ?? '');
    await h.settle();
    const sandboxes = await h.runtime.listSandboxes(uidOf('phoenix'));
    expect(sandboxes.map((s) => [s.attempt, s.state]).sort()).toEqual([[0, 'notready'], [1, 'ready']]);
    expect(h.status('phoenix')).toMatchObject({ phase: 'Running', containerStatuses: [{ restartCount: 1, state: { running: expect.any(Object) } }] });
  });

  it('restarts a container whose liveness probe fails, after failureThreshold failures', async () => {
    let healthy = true;
    const prober = { run: async (): Promise<ProbeResult> => ({ ok: healthy, output: healthy ? '' : 'HTTP probe failed with statuscode: 500' }) };
    h = await new Harness({ prober }).start();
    const probe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 2, failureThreshold: 2 };
    await h.apply(desired(1, [makePod('sick', { containers: [{ name: 'app', image: IMAGE, command: ['serve'], livenessProbe: probe }] })]));
    await h.advance(10_000);
    expect(h.status('sick')?.containerStatuses?.[0]?.restartCount).toBe(0);
    healthy = false;
    await h.advance(4_000);
    healthy = true;
    await h.advance(2_000);
    const events = h.events.filter((e) => ['Unhealthy', 'Killing'].includes(e.reason)).map((e) => `${e.reason}: ${e.message}`);
    expect(events.slice(0, 3)).toEqual([
      'Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500',
      'Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500',
      'Killing: Container app failed liveness probe, will be restarted',
    ]);
    expect(h.status('sick')?.containerStatuses?.[0]).toMatchObject({ restartCount: 1, state: { running: expect.any(Object) }, lastState: { terminated: { exitCode: 143 } } });
  });

  it('reports readiness from the readiness probe in the Ready conditions', async () => {
    let ready = false;
    const prober = { run: async (): Promise<ProbeResult> => ({ ok: ready, output: 'connection refused' }) };
    h = await new Harness({ prober }).start();
    await h.apply(desired(1, [makePod('r', { containers: [{ name: 'web', image: IMAGE, command: ['serve'], readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 } }] })]));
    await h.advance(3_000);
    expect(h.status('r')?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [web]' });
    const since = h.status('r')?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
    await h.advance(2_000);
    expect(h.status('r')?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(since);
    ready = true;
    await h.advance(2_000);
    expect(h.status('r')?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(h.status('r')?.containerStatuses?.[0]?.ready).toBe(true);
  });

  it('recreates a container whose spec changed (image update), without back-off', async () => {
    h = await new Harness({ pullable: ['localhost/test/busybox:2'] }).start();
    const pod = makePod('img');
    await h.apply(desired(1, [pod]));
    const spec = { ...pod.spec, containers: [{ name: 'main', image: 'localhost/test/busybox:2', command: ['serve'] }] };
    await h.apply(desired(2, [{ ...pod, spec }]));
    const status = h.status('img')?.containerStatuses?.[0];
    expect(status).toMatchObject({ image: 'localhost/test/busybox:2', restartCount: 1, state: { running: expect.any(Object) } });
    expect(h.events.map((e) => e.message)).toContain('Container main definition changed, will be restarted');
  });
});
