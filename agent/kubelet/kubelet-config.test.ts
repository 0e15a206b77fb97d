// ConfigMaps, Secrets, images and admission on the fake runtime: config errors and their healing, volume
// updates, pulls with back-off, refused pods next to healthy ones, and logs/exec through the KubeletApi.

import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import type { ConfigMap, Pod, Secret } from '../../shared/api/core';
import { LABEL_POD_UID, type Mount } from '../runtime/types';
import { desired, Harness, IMAGE, makePod } from './testing';

let h: Harness;
afterEach(() => h?.close());

const cm = (data: Record<string, string>): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data });
const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { token: Buffer.from('t0k3n').toString('base64') } };

describe('Kubelet configuration', () => {
  it('waits with CreateContainerConfigError for a missing ConfigMap, and runs once it comes', async () => {
    h = await new Harness().start();
    const pod = makePod('cfg', { containers: [{ name: 'main', image: IMAGE, command: ['serve'], env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }] }] });
    await h.apply(desired(1, [pod]));
    expect(h.status('cfg')?.containerStatuses?.[0]?.state.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "cfg" not found' });
    expect(h.status('cfg')?.phase).toBe('Pending');
    expect(h.events.find((e) => e.reason === 'Failed')?.message).toBe('Error: configmap "cfg" not found');
    await h.apply(desired(2, [pod], { configMaps: [cm({ mode: 'fast' })] }));
    expect(h.status('cfg')?.containerStatuses?.[0]?.state.running).toBeDefined();
    const [c] = await h.runtime.listContainers({ labels: { [LABEL_POD_UID]: 'uid-cfg' } });
    expect(c?.state).toBe('running');
  });

  it('materialises configMap and secret volumes and updates them in place when the ConfigMap changes', async () => {
    h = await new Harness().start();
    const pod = makePod('vols', {
      volumes: [{ name: 'conf', configMap: { name: 'cfg' } }, { name: 'sec', secret: { secretName: 'creds' } }],
      containers: [{ name: 'main', image: IMAGE, command: ['serve'], volumeMounts: [{ name: 'conf', mountPath: '/etc/app' }, { name: 'sec', mountPath: '/run/secrets/app' }] }],
    });
    await h.apply(desired(1, [pod], { configMaps: [cm({ 'app.conf': 'v1' })], secrets: [secret] }));
    const dir = path.join(h.dataDir, 'pods', 'uid-vols', 'volumes');
    expect(readFileSync(path.join(dir, 'configmap', 'conf', 'app.conf'), 'utf8')).toBe('v1');
    expect(readFileSync(path.join(dir, 'secret', 'sec', 'token'), 'utf8')).toBe('t0k3n');
    const [before] = await h.runtime.listContainers({ labels: { [LABEL_POD_UID]: 'uid-vols' } });
    await h.apply(desired(2, [pod], { configMaps: [cm({ 'app.conf': 'v2' })], secrets: [secret] }));
    expect(readFileSync(path.join(dir, 'configmap', 'conf', 'app.conf'), 'utf8')).toBe('v2');
    const [after] = await h.runtime.listContainers({ labels: { [LABEL_POD_UID]: 'uid-vols' } });
    expect(after?.id).toBe(before?.id);
  });

  it('mounts a subPath resolved inside its volume, and refuses one a planted symlink leads out of the volume', async () => {
    h = await new Harness().start();
    const mounts = new Map<string, Mount[]>();
    const create = h.runtime.createContainer.bind(h.runtime);
    h.runtime.createContainer = async (sandbox, spec) => (mounts.set(spec.name, spec.mounts ?? []), create(sandbox, spec));
    // What a container of the pod could have left in its emptyDir (it survives container restarts).
    const volume = path.join(h.dataDir, 'pods', 'uid-sub', 'volumes', 'empty-dir', 'shared');
    mkdirSync(volume, { recursive: true });
    symlinkSync('/', path.join(volume, 'escape'));
    const pod = makePod('sub', {
      volumes: [{ name: 'shared', emptyDir: {} }],
      containers: [
        { name: 'ok', image: IMAGE, command: ['serve'], volumeMounts: [{ name: 'shared', mountPath: '/data', subPath: 'ok/db' }] },
        { name: 'evil', image: IMAGE, command: ['serve'], volumeMounts: [{ name: 'shared', mountPath: '/host', subPath: 'escape/etc' }] },
      ],
    });
    await h.apply(desired(1, [pod]));
    expect(mounts.get('ok')).toEqual([{ hostPath: path.join(realpathSync(volume), 'ok', 'db'), containerPath: '/data', readOnly: false }]);
    expect(mounts.has('evil')).toBe(false);
    const evil = h.status('sub')?.containerStatuses?.find((c) => c.name === 'evil');
    expect(evil?.state.waiting).toMatchObject({ reason: 'CreateContainerConfigError', message: expect.stringMatching(/subPath "escape\/etc" of volume "shared" .*outside the volume/) });
  });

  it('refuses an invalid pod with a clear status and runs the others', async () => {
    h = await new Harness().start();
    const bad = makePod('bad', { containers: [{ name: 'main', command: ['serve'] }] });
    const badName = makePod('Bad_Name');
    const noSpec = { ...makePod('no-spec'), spec: undefined } as unknown as Pod;
    await h.apply(desired(1, [bad, badName, noSpec, makePod('good')]));
    expect(h.status('no-spec')).toMatchObject({ phase: 'Failed', reason: 'Invalid', message: expect.stringContaining('spec') });
    await expect(h.kubelet.exec({ namespace: 'default', name: 'no-spec' }, ['true'])).rejects.toMatchObject({ code: 'BadRequest' });
    expect(h.status('bad')).toMatchObject({ phase: 'Failed', reason: 'Invalid', message: 'Pod "bad" is invalid: spec.containers[0].image: Required value' });
    expect(h.status('Bad_Name')?.message).toContain('metadata.name: Invalid value: "Bad_Name"');
    expect(h.status('good')?.phase).toBe('Running');
    expect((await h.runtime.listSandboxes({})).map((s) => s.name)).toEqual(['good']);
  });

  it('refuses a pod whose uid is not a plain name, and removing it deletes nothing outside its own directory', async () => {
    h = await new Harness().start();
    const sneaky = makePod('sneaky', {}, '../desired');
    await h.apply(desired(1, [sneaky, makePod('good')]));
    expect(h.status('sneaky')).toMatchObject({ phase: 'Failed', reason: 'Invalid', message: expect.stringContaining('metadata.uid: Invalid value: "../desired"') });
    await h.apply(desired(2, [makePod('good')]));
    await h.apply(desired(3, [makePod('good'), { ...sneaky, metadata: { ...sneaky.metadata, deletionTimestamp: '2030-01-01T00:00:00Z' } }]));
    await h.apply(desired(4, [makePod('good')]));
    expect(existsSync(path.join(h.dataDir, 'desired', 'server.json'))).toBe(true);
    expect(h.status('good')?.phase).toBe('Running');
  });

  it('pulls missing images (Pulling, Pulled) and backs failed pulls off (ErrImagePull, then ImagePullBackOff)', async () => {
    h = await new Harness({ pullable: ['registry.local/app:2'] }).start();
    await h.apply(desired(1, [
      makePod('pulls', { containers: [{ name: 'main', image: 'registry.local/app:2', command: ['serve'] }] }),
      makePod('nopull', { containers: [{ name: 'main', image: 'registry.local/missing:1', command: ['serve'] }] }),
    ]));
    expect(h.status('pulls')?.phase).toBe('Running');
    expect(h.events.filter((e) => e.pod.name === 'pulls').map((e) => e.reason)).toEqual(expect.arrayContaining(['Pulling', 'Pulled']));
    expect(h.status('nopull')?.containerStatuses?.[0]?.state.waiting?.reason).toBe('ErrImagePull');
    await h.advance(2_000);
    expect(h.status('nopull')?.containerStatuses?.[0]?.state.waiting).toEqual({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.local/missing:1"' });
  });

  it('serves logs (current and previous instance) and exec through the KubeletApi', async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('talk', { restartPolicy: 'OnFailure', containers: [{ name: 'main', image: IMAGE, command: ['print', 'hello', 'world'] }] })]));
    const lines: string[] = [];
    for await (const l of h.kubelet.logs({ namespace: 'default', name: 'talk' })) lines.push(l.line);
    expect(lines).toEqual(['hello', 'world']);
    await expect(h.kubelet.logs({ namespace: 'default', name: 'talk' }, { previous: true })[Symbol.asyncIterator]().next()).rejects.toThrow('previous terminated container "main" in pod "talk" not found');
    await expect(h.kubelet.logs({ namespace: 'default', name: 'nope' })[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'NotFound' });
    await expect(h.kubelet.exec({ namespace: 'default', name: 'talk', container: 'main' }, ['true'])).rejects.toThrow('is not running');
  });

  it('reports a sandbox that cannot be made (FailedCreatePodSandBox) and retries with back-off until it can', async () => {
    h = await new Harness().start();
    const create = h.runtime.createSandbox.bind(h.runtime);
    let failures = 0;
    h.runtime.createSandbox = async (spec) => {
      if (failures++ < 2) throw new Error('port 8080 is already in use');
      return create(spec);
    };
    await h.apply(desired(1, [makePod('port')]));
    expect(h.events.filter((e) => e.reason === 'FailedCreatePodSandBox').map((e) => e.message)).toEqual(['Failed to create pod sandbox: port 8080 is already in use']);
    expect(h.status('port')).toMatchObject({ phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] });
    await h.advance(2_000, 250);
    expect(h.status('port')?.phase).toBe('Running');
  });
});
