// Runs the shared runtime conformance suite against real Podman through the test environment's private socket,
// plus what only real Podman can show: the pause program as PID 1 (reaping, clean exit) and real grace periods.

import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { runtimeConformance } from '../agent/runtime/conformance';
import { splitRef } from '../agent/runtime/podman/images';
import { PAUSE_IMAGE, pauseArchivePath } from '../agent/runtime/podman/pause';
import { PodmanRuntime } from '../agent/runtime/podman/podman-runtime';

jest.setTimeout(60_000);

interface Prepared {
  env: Record<string, string | undefined>;
  stop(): void;
}

/** The env run-tests.js passes; prepared here when the file is run on its own (`npx jest test/runtime-podman.test.ts`). */
function podmanEnv(): Prepared {
  if (process.env['FLOTILLA_PODMAN_SOCKET']) return { env: process.env, stop: () => undefined };
  const setup = require('./setup/environment') as { preparePodman(): Prepared };
  return setup.preparePodman();
}

function required(name: string): string {
  const value = prepared?.env[name];
  if (!value) throw new Error(`${name} is unset: run the tests through \`npm test\` (test/setup/run-tests.js), which prepares Podman`);
  return value;
}

const runId = randomUUID().slice(0, 8);
const runLabel = { 'io.flotilla.test.run': `podman-${runId}` };
let prepared: Prepared | undefined;

beforeAll(() => {
  prepared = podmanEnv();
});

afterAll(() => prepared?.stop());

function runtimeWith(pauseImage: string): PodmanRuntime {
  const archiveDir = prepared?.env['FLOTILLA_PAUSE_ARCHIVE_DIR'] ?? path.join(__dirname, '..', 'images', 'pause', 'dist');
  return new PodmanRuntime({ socketPath: required('FLOTILLA_PODMAN_SOCKET'), pauseImage, pauseArchive: pauseArchivePath(archiveDir) });
}

/** Removes every pod this run created (by its label), and checks none is left. */
async function removeRunPods(runtime: PodmanRuntime): Promise<void> {
  const { pods } = runtime.client;
  const remove = async (id: string): Promise<void> => {
    await pods.kill(id).catch(() => undefined);
    await pods.remove(id, { force: true });
  };
  await Promise.all((await pods.list({ labels: runLabel })).map((pod) => remove(pod.Id)));
  expect(await pods.list({ labels: runLabel })).toEqual([]);
}

runtimeConformance('podman', async () => {
  // A pause tag unique to this run, so that "loaded when missing" is exercised without touching the shared tag.
  const pauseImage = `localhost/flotilla/pause-conformance:${runId}`;
  const runtime = runtimeWith(pauseImage);
  return {
    runtime,
    busyboxImage: required('FLOTILLA_TEST_BUSYBOX_IMAGE'),
    pauseImage,
    labels: runLabel,
    async cleanup() {
      await removeRunPods(runtime);
      if (await runtime.client.images.exists(pauseImage)) {
        const { repo, tag } = splitRef(pauseImage);
        await runtime.client.images.untag(pauseImage, repo, tag);
      }
    },
  };
});

describe('Flotilla pause on Podman', () => {
  let runtime: PodmanRuntime;

  beforeAll(() => {
    runtime = runtimeWith(PAUSE_IMAGE);
  });

  afterAll(async () => {
    if (runtime) await removeRunPods(runtime);
  });

  it('is PID 1 of a pod sharing its PID namespace, reaps orphans, and exits 0 on SIGTERM', async () => {
    const id = await runtime.runSandbox({ uid: randomUUID(), name: 'pause-pid1', namespace: 'test', labels: runLabel, sharePid: true });
    const orphans = ['sh', '-c', 'for i in 1 2 3 4 5; do (sleep 0 &); done; exec sleep 3600'];
    const c = await runtime.createContainer(id, { name: 'orphans', image: required('FLOTILLA_TEST_BUSYBOX_IMAGE'), command: orphans });
    await runtime.startContainer(c);
    let ps = '';
    for (let i = 0; i < 50 && !/sleep 3600/.test(ps); i++) ps = (await runtime.exec(c, ['ps', '-o', 'pid,stat,args'])).stdout;
    expect(ps).toMatch(/^\s*1\s+\S+\s+\/pause\s*$/m);
    expect(ps).not.toMatch(/\sZ\S*\s/);
    const pod = await runtime.client.pods.inspect(id);
    const infraId = pod.InfraContainerID ?? '';
    const started = Date.now();
    await runtime.stopSandbox(id, 10);
    expect(Date.now() - started).toBeLessThan(5_000);
    const infra = await runtime.client.containers.inspect(infraId);
    expect(infra.ImageName).toBe(PAUSE_IMAGE);
    expect(infra.State).toMatchObject({ Running: false, ExitCode: 0 });
    expect(await runtime.containerStatus(c)).toMatchObject({ state: 'exited', exitCode: 143 });
  });

  it('keeps only the end of an exec that prints without end, and ends it on its signal', async () => {
    const id = await runtime.runSandbox({ uid: randomUUID(), name: 'exec-bounds', namespace: 'test', labels: runLabel });
    const c = await runtime.createContainer(id, { name: 'main', image: required('FLOTILLA_TEST_BUSYBOX_IMAGE'), command: ['sleep', '3600'] });
    await runtime.startContainer(c);
    const big = await runtime.exec(c, ['sh', '-c', 'head -c 3000000 /dev/zero; echo END'], { timeoutMs: 30_000 });
    expect(big.exitCode).toBe(0);
    expect(big.stdout.length).toBeLessThanOrEqual(1024 * 1024);
    expect(big.stdout.endsWith('END\n')).toBe(true);
    const abort = new AbortController();
    const endless = runtime.exec(c, ['sleep', '3600'], { signal: abort.signal });
    setTimeout(() => abort.abort(), 300);
    const started = Date.now();
    await expect(endless).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('waits the grace period before SIGKILL', async () => {
    const id = await runtime.runSandbox({ uid: randomUUID(), name: 'grace', namespace: 'test', labels: runLabel });
    const c = await runtime.createContainer(id, { name: 'stubborn', image: required('FLOTILLA_TEST_BUSYBOX_IMAGE'), command: ['sleep', '3600'] });
    await runtime.startContainer(c);
    const started = Date.now();
    await runtime.stopContainer(c, 2);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_900);
    expect(elapsed).toBeLessThan(6_000);
    expect(await runtime.containerStatus(c)).toMatchObject({ state: 'exited', exitCode: 137 });
  });
});
