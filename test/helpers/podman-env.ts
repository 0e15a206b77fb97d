// The Podman environment of end-to-end tests: the env run-tests.js passes (prepared here when a file runs
// alone), and the cleanup of everything a test run created, found by its node label.

import { LABEL_NODE } from '../../agent/runtime/types';
import { PodmanRuntime } from '../../agent/runtime/podman/podman-runtime';

export interface PodmanEnv {
  env: Record<string, string | undefined>;
  stop(): void;
}

export function preparePodman(): PodmanEnv {
  if (process.env['FLOTILLA_PODMAN_SOCKET']) return { env: process.env, stop: () => undefined };
  const setup = require('../setup/environment') as { preparePodman(): PodmanEnv };
  return setup.preparePodman();
}

export function required(prepared: PodmanEnv | undefined, name: string): string {
  const value = prepared?.env[name];
  if (!value) throw new Error(`${name} is unset: run the tests through \`npm test\` (test/setup/run-tests.js), which prepares Podman`);
  return value;
}

/** Removes every pod and container labelled with `node`; resolves with what was left before. */
export async function removeNodePods(runtime: PodmanRuntime, node: string): Promise<number> {
  const labels = { [LABEL_NODE]: node };
  const pods = await runtime.client.pods.list({ labels });
  await Promise.all(pods.map(async (p) => {
    await runtime.client.pods.kill(p.Id).catch(() => undefined);
    await runtime.client.pods.remove(p.Id, { force: true }).catch(() => undefined);
  }));
  const containers = await runtime.client.containers.list({ labels });
  await Promise.all(containers.map((c) => runtime.client.containers.remove(c.Id, { force: true }).catch(() => undefined)));
  return pods.length + containers.length;
}
