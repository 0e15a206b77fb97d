// The kubelet on the fake runtime: running a pod (sandbox, containers, status), init containers in order,
// desired state persisted before acting, removal with grace, deletionTimestamp, versions.

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FlotillaError } from '../../shared/errors';
import { LABEL_NODE } from '../runtime/types';
import { desired, Harness, IMAGE, makePod, NODE } from './testing';

let h: Harness;
afterEach(() => h?.close());

describe('Kubelet', () => {
  it('runs a pod: pause sandbox, its containers, and a Kubernetes status', async () => {
    h = await new Harness().start();
    const pod = makePod('web', { containers: [{ name: 'b', image: IMAGE, command: ['serve'] }, { name: 'a', image: IMAGE, command: ['serve'] }] });
    expect(await h.apply(desired(1, [pod]))).toBe(true);
    const [sandbox] = await h.runtime.listSandboxes({ labels: { [LABEL_NODE]: NODE } });
    expect(sandbox).toMatchObject({ uid: 'uid-web', name: 'web', namespace: 'default', state: 'ready', infraImage: 'localhost/flotilla/pause:fake' });
    const status = h.status('web');
    expect(status).toMatchObject({ phase: 'Running', hostIP: '192.168.1.10', podIP: expect.stringMatching(/^10\.88\./), qosClass: 'BestEffort' });
    expect(status?.conditions?.map((c) => [c.type, c.status])).toEqual([['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True']]);
    expect(status?.containerStatuses?.map((c) => c.name)).toEqual(['a', 'b']);
    expect(status?.containerStatuses?.[0]).toMatchObject({
      state: { running: { startedAt: expect.any(String) } }, lastState: {}, ready: true, started: true, restartCount: 0, image: IMAGE,
      imageID: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), containerID: expect.stringMatching(/^podman:\/\//),
    });
    expect(h.reasons()).toEqual(expect.arrayContaining(['Pulled', 'Created', 'Started']));
    expect(h.updates.at(-1)).toMatchObject({ source: 'server', namespace: 'default', name: 'web', uid: 'uid-web' });
  });

  it('brings up at most podStartSlots new pods at once, and all of them in the end', async () => {
    h = new Harness({ podStartSlots: 2 });
    let inFlight = 0;
    let most = 0;
    const create = h.runtime.createSandbox.bind(h.runtime);
    const start = h.runtime.startSandbox.bind(h.runtime);
    h.runtime.createSandbox = async (spec) => {
      most = Math.max(most, ++inFlight);
      return create(spec);
    };
    h.runtime.startSandbox = async (id) => {
      await new Promise((r) => setImmediate(r)); // a start takes a while: the others must wait their turn
      await start(id);
      inFlight--;
    };
    await h.start();
    const pods = ['a', 'b', 'c', 'd', 'e'].map((n) => makePod(n, { containers: [{ name: 'c', image: IMAGE, command: ['serve'] }] }));
    expect(await h.apply(desired(1, pods))).toBe(true);
    expect(most).toBe(2);
    expect(pods.map((p) => h.status(p.metadata.name ?? '')?.phase)).toEqual(['Running', 'Running', 'Running', 'Running', 'Running']);
  });

  it('persists the desired state before acting on it, and ignores states that are not newer', async () => {
    h = await new Harness().start();
    const file = path.join(h.dataDir, 'desired', 'server.json');
    const createSandbox = h.runtime.createSandbox.bind(h.runtime);
    const seenOnDisk: number[] = [];
    h.runtime.createSandbox = async (spec) => {
      seenOnDisk.push((JSON.parse(readFileSync(file, 'utf8')) as { version: number }).version);
      return createSandbox(spec);
    };
    expect(await h.apply(desired(7, [makePod('a')]))).toBe(true);
    expect(seenOnDisk).toEqual([7]);
    expect(await h.apply(desired(7, [makePod('b')]))).toBe(false);
    expect(await h.apply(desired(3, []))).toBe(false);
    expect(h.kubelet.desiredVersion('server')).toBe(7);
    expect(h.kubelet.desiredVersion('static')).toBe(0);
    expect(h.kubelet.podStatuses().map((u) => u.name)).toEqual(['a']);
  });

  it('runs init containers one after the other, then the containers', async () => {
    h = await new Harness().start();
    const order: string[] = [];
    const create = h.runtime.createContainer.bind(h.runtime);
    h.runtime.createContainer = async (sandbox, spec) => (order.push(spec.name), create(sandbox, spec));
    const pod = makePod('init', {
      initContainers: [{ name: 'first', image: IMAGE, command: ['exit', '0'] }, { name: 'second', image: IMAGE, command: ['print', 'done'] }],
    });
    await h.apply(desired(1, [pod]));
    expect(order).toEqual(['first', 'second', 'main']);
    const status = h.status('init');
    expect(status?.initContainerStatuses?.map((s) => [s.name, s.state.terminated?.reason])).toEqual([['first', 'Completed'], ['second', 'Completed']]);
    expect(status?.phase).toBe('Running');
  });

  it('does not run init containers again when their exited instances are pruned from a running pod', async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('pruned', { initContainers: [{ name: 'migrate', image: IMAGE, command: ['exit', '0'] }] })]));
    // What `podman container prune` (or `podman system prune`, to free an SD card) does to a running pod.
    for (const c of await h.runtime.listContainers({})) if (c.state === 'exited') await h.runtime.removeContainer(c.id);
    h.events.length = 0;
    await h.advance(70_000, 10_000);
    expect(h.reasons()).not.toContain('Started');
    expect((await h.runtime.listContainers({})).map((c) => c.name)).toEqual(['main']);
    const status = h.status('pruned');
    expect(status?.phase).toBe('Running');
    expect(status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(status?.initContainerStatuses?.[0]?.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('holds the containers back while an init container fails, restarting it with back-off', async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('stuck', { initContainers: [{ name: 'fail', image: IMAGE, command: ['exit', '2'] }] })]));
    const status = h.status('stuck');
    expect(status?.phase).toBe('Pending');
    expect(status?.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [fail]' });
    expect(status?.initContainerStatuses?.[0]?.state.waiting?.reason).toBe('CrashLoopBackOff');
    expect(status?.containerStatuses?.[0]?.state.waiting?.reason).toBe('PodInitializing');
    expect((await h.runtime.listContainers({})).map((c) => c.name)).not.toContain('main');
  });

  it('removes a pod no longer desired: SIGTERM with its grace period, then nothing left, status terminated', async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('gone', { terminationGracePeriodSeconds: 7, volumes: [{ name: 'tmp', emptyDir: {} }] }), makePod('stays')]));
    const [main] = await h.runtime.listContainers({ labels: { 'io.flotilla.pod.uid': 'uid-gone' } });
    expect(existsSync(path.join(h.dataDir, 'pods', 'uid-gone'))).toBe(true);
    await h.apply(desired(2, [makePod('stays')]));
    expect(h.runtime.stopGrace.get(main?.id ?? '')).toBe(7);
    expect(await h.runtime.listSandboxes({ labels: { 'io.flotilla.pod.uid': 'uid-gone' } })).toEqual([]);
    expect(existsSync(path.join(h.dataDir, 'pods', 'uid-gone'))).toBe(false);
    const last = h.updates.filter((u) => u.name === 'gone').at(-1);
    expect(last).toMatchObject({ terminated: true, status: { phase: 'Failed' } });
    expect(last?.status.containerStatuses?.[0]?.state.terminated).toMatchObject({ exitCode: 143, reason: 'Error' });
    expect(h.kubelet.podStatuses().map((u) => u.name)).toEqual(['stays']);
    expect(h.reasons()).toContain('Killing');
  });

  it('abandons an image pull in flight when the pod is removed, and removes the pod at once', async () => {
    h = await new Harness({ pullable: ['registry.local/huge:1'] }).start();
    let pullSignal: AbortSignal | undefined;
    h.runtime.pullImage = async (ref, policy, options = {}) => {
      if (policy === 'Never') throw new FlotillaError('NotFound', `image ${ref} is not present`);
      // A big image on a slow link: done in "10 minutes", or when the kubelet gives up on it.
      pullSignal = options.signal;
      return new Promise((_resolve, reject) => options.signal?.addEventListener('abort', () => reject(new Error('pull cancelled'))));
    };
    await h.kubelet.setDesiredState('server', desired(1, [makePod('big', { containers: [{ name: 'main', image: 'registry.local/huge:1', command: ['serve'] }] })]));
    for (let i = 0; i < 10 && !pullSignal; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(pullSignal?.aborted).toBe(false);
    await h.apply(desired(2, []));
    expect(pullSignal?.aborted).toBe(true);
    expect(h.updates.filter((u) => u.name === 'big').at(-1)).toMatchObject({ terminated: true });
    expect(await h.runtime.listSandboxes({})).toEqual([]);
    expect(h.kubelet.podStatuses()).toEqual([]);
  });

  it('stops a pod with a deletionTimestamp and keeps its terminated status until the source drops it', async () => {
    h = await new Harness().start();
    const pod = makePod('leaving');
    await h.apply(desired(1, [pod]));
    await h.apply(desired(2, [{ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2030-01-01T00:00:00Z', deletionGracePeriodSeconds: 2 } }]));
    expect(await h.runtime.listSandboxes({})).toEqual([]);
    expect(h.kubelet.podStatuses()).toMatchObject([{ name: 'leaving', terminated: true }]);
    await h.apply(desired(3, []));
    expect(h.kubelet.podStatuses()).toEqual([]);
  });

  it('keeps the final status of a deleted pod once its containers are gone (later syncs do not overwrite it)', async () => {
    h = await new Harness().start();
    const pod = makePod('done', { restartPolicy: 'Never', containers: [{ name: 'c', image: IMAGE, command: ['exit', '0'] }] });
    await h.apply(desired(1, [pod]));
    expect(h.status('done')?.phase).toBe('Succeeded');
    await h.apply(desired(2, [{ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2030-01-01T00:00:00Z', deletionGracePeriodSeconds: 2 } }]));
    await h.advance(61_000, 61_000); // a resync runs the terminated pod's sync again
    const [final] = h.kubelet.podStatuses();
    expect(final).toMatchObject({ name: 'done', terminated: true, status: { phase: 'Succeeded' } });
    expect(final?.status.containerStatuses?.[0]?.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('versions each pod status and reports only changes', async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('v')]));
    const versions = h.updates.map((u) => u.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    const before = h.updates.length;
    await h.apply(desired(2, [makePod('v')]));
    await h.advance(30_000);
    expect(h.updates.length).toBe(before);
  });
});
