// Shared helpers of the agent benchmarks: the Podman of the test environment, the bench pod, percentiles,
// and cleanup of everything a bench run created (by its node label or pod ids).

import { spawnSync } from 'node:child_process';
import { LABEL_NODE } from '../agent/runtime/types';
import { PodmanRuntime } from '../agent/runtime/podman/podman-runtime';

export interface BenchPodman {
  socket: string;
  busybox: string;
  containersConf: string;
  stop(): void;
}

/** Uses the private Podman service of `npm test` (.test-env/podman.sock), starting it if needed. */
export function benchPodman(): BenchPodman {
  const setup = require('../test/setup/environment') as { preparePodman(): { env: Record<string, string>; stop(): void } };
  const prepared = setup.preparePodman();
  const get = (k: string): string => {
    const v = prepared.env[k];
    if (!v) throw new Error(`test environment did not provide ${k}`);
    return v;
  };
  return { socket: get('FLOTILLA_PODMAN_SOCKET'), busybox: get('FLOTILLA_TEST_BUSYBOX_IMAGE'), containersConf: get('CONTAINERS_CONF'), stop: () => prepared.stop() };
}

/** The bench pod: two long-running containers from a local image (no pull), as a Pod manifest object. */
export function benchPod(name: string, image: string, uid?: string): Record<string, unknown> {
  const container = (n: string): Record<string, unknown> => ({ name: n, image, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(uid ? { uid } : {}) },
    spec: { containers: [container('app'), container('sidecar')], restartPolicy: 'Always', terminationGracePeriodSeconds: 0 },
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;

/** Force-removes every pod carrying this node label. */
export async function removeNode(runtime: PodmanRuntime, node: string): Promise<void> {
  const pods = await runtime.client.pods.list({ labels: { [LABEL_NODE]: node } });
  await Promise.all(pods.map((p) => runtime.client.pods.remove(p.Id, { force: true }).catch(() => undefined)));
}

/** Kills and removes pods by name (what `podman kube play` made; a forced remove alone waits out each `sleep`'s 10 s stop timeout). */
export async function removePods(runtime: PodmanRuntime, names: string[]): Promise<void> {
  await Promise.all(names.map((n) => runtime.removeSandbox(n).catch(() => undefined)));
}

/** The machine's load right now, to print beside the figures. */
export function loadAverage(): string {
  const r = spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' });
  return r.stdout.split(' ').slice(0, 3).join(' ');
}
