// Probe workers on a FakeClock with a scripted prober: delays, periods, thresholds, startup gating, failures.

import type { Container, Pod } from '../../../shared/api/core';
import { FakeClock } from '../../../shared/clock';
import { ProbeManager, type ProbeKind } from './probe-manager';
import type { ProbeResult } from './prober';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function setup(container: Container, script: (kind: string) => boolean) {
  const clock = new FakeClock(0);
  const changes: string[] = [];
  const failures: string[] = [];
  const runs: Array<[number, string]> = [];
  const pm = new ProbeManager({
    clock,
    prober: {
      run: async (probe): Promise<ProbeResult> => {
        const kind = probe === container.livenessProbe ? 'liveness' : probe === container.readinessProbe ? 'readiness' : 'startup';
        runs.push([clock.now(), kind]);
        const ok = script(kind);
        return { ok, output: ok ? '' : `${kind} says no` };
      },
    },
    onChange: (_uid, kind: ProbeKind, name) => changes.push(`${name}:${kind}`),
    onFailure: (_uid, kind, name, output) => failures.push(`${name}:${kind}:${output}`),
  });
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { uid: 'u1', name: 'p' }, spec: { containers: [container] } };
  const target = { container, id: 'c1', startedAt: new Date(0) };
  pm.sync(pod, [target], '10.0.0.2');
  const advance = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 500) {
      clock.advance(500);
      await flush();
    }
  };
  return { pm, target, changes, failures, runs, advance, pod };
}

describe('ProbeManager', () => {
  it('becomes ready after the initial delay and first success, and unready after failureThreshold failures', async () => {
    let healthy = true;
    const c: Container = { name: 'web', readinessProbe: { exec: { command: ['true'] }, initialDelaySeconds: 2, periodSeconds: 1, failureThreshold: 2 } };
    const { pm, target, changes, failures, runs, advance } = setup(c, () => healthy);
    expect(pm.ready(target)).toBe(false);
    await advance(2000);
    expect(runs.map(([t]) => t)).toEqual([2000]);
    expect(pm.ready(target)).toBe(true);
    healthy = false;
    await advance(1000);
    expect(pm.ready(target)).toBe(true);
    await advance(1000);
    expect(pm.ready(target)).toBe(false);
    expect(changes).toEqual(['web:readiness', 'web:readiness']);
    expect(failures).toEqual(['web:readiness:readiness says no', 'web:readiness:readiness says no']);
  });

  it('declares liveness failed after failureThreshold and stops probing until the container is replaced', async () => {
    const c: Container = { name: 'app', livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1, failureThreshold: 3 } };
    const { pm, target, changes, runs, advance, pod } = setup(c, () => false);
    expect(pm.livenessFailed('c1')).toBe(false);
    await advance(5000);
    expect(pm.livenessFailed('c1')).toBe(true);
    expect(runs).toHaveLength(3);
    expect(changes).toEqual(['app:liveness']);
    pm.sync(pod, [target], '10.0.0.2');
    await advance(3000);
    expect(runs).toHaveLength(3);
    pm.sync(pod, [{ ...target, id: 'c2', startedAt: new Date(8000) }], '10.0.0.2');
    expect(pm.livenessFailed('c1')).toBe(false);
    expect(pm.livenessFailed('c2')).toBe(false);
  });

  it('holds liveness and readiness back until the startup probe succeeds', async () => {
    let up = false;
    const c: Container = {
      name: 'slow',
      startupProbe: { exec: { command: ['up'] }, periodSeconds: 1, failureThreshold: 30 },
      livenessProbe: { exec: { command: ['live'] }, periodSeconds: 1 },
      readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1 },
    };
    const { pm, target, runs, advance } = setup(c, (kind) => kind !== 'startup' || up);
    await advance(3000);
    expect(new Set(runs.map(([, k]) => k))).toEqual(new Set(['startup']));
    expect(pm.started(target)).toBe(false);
    up = true;
    await advance(3000);
    expect(pm.started(target)).toBe(true);
    expect(pm.ready(target)).toBe(true);
    expect(runs.filter(([, k]) => k === 'startup').length).toBe(4);
    expect(runs.some(([, k]) => k === 'liveness')).toBe(true);
  });

  it('forgets a pod', async () => {
    const c: Container = { name: 'web', readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1 } };
    const { pm, runs, advance } = setup(c, () => true);
    pm.removePod('u1');
    await advance(3000);
    expect(runs).toEqual([]);
  });
});
