// Adoption across agent restarts on the fake runtime: the persisted desired state runs with no source,
// running pods are adopted without a restart, counts continue, and only this node's orphans are collected.

import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LABEL_NODE, LABEL_POD_UID } from '../runtime/types';
import { desired, Harness, IMAGE, makePod, NODE } from './testing';

let h: Harness;
afterEach(() => h?.close());

describe('Kubelet adoption', () => {
  it('adopts running pods after a restart: no container restarted, no duplicate, restartCount kept', async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('keep'), makePod('crashed-once')]));
    const [victim] = await h.runtime.listContainers({ labels: { [LABEL_POD_UID]: 'uid-crashed-once' } });
    h.runtime.crash(victim?.id ?? '', 1);
    await h.settle();
    const before = await h.runtime.listContainers({});
    const sandboxesBefore = await h.runtime.listSandboxes({});

    await h.restart();

    const after = await h.runtime.listContainers({});
    expect(after.map((c) => [c.id, c.state, c.startedAt])).toEqual(before.map((c) => [c.id, c.state, c.startedAt]));
    expect((await h.runtime.listSandboxes({})).map((s) => s.id)).toEqual(sandboxesBefore.map((s) => s.id));
    expect(h.reasons().filter((r) => ['Created', 'Started', 'Killing'].includes(r))).toEqual([]);
    expect(h.kubelet.desiredVersion('server')).toBe(1);
    expect(h.status('keep')).toMatchObject({ phase: 'Running', containerStatuses: [{ restartCount: 0 }] });
    expect(h.status('crashed-once')).toMatchObject({ phase: 'Running', containerStatuses: [{ restartCount: 1, lastState: { terminated: { exitCode: 1 } } }] });
  });

  it('runs the persisted desired state with no source connected, healing what died while it was away', async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('autonomous')]));
    await h.kubelet.stop();
    const [c] = await h.runtime.listContainers({});
    h.runtime.crash(c?.id ?? '', 137);
    await h.restart();
    expect(h.status('autonomous')).toMatchObject({ phase: 'Running', containerStatuses: [{ restartCount: 1, state: { running: expect.any(Object) } }] });
  });

  it("collects its own orphans (pods no source wants) and leaves other nodes' pods alone", async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('wanted')]));
    const orphan = await h.runtime.runSandbox({ uid: 'uid-orphan', name: 'orphan', namespace: 'default', labels: { [LABEL_NODE]: NODE } });
    await h.runtime.startContainer(await h.runtime.createContainer(orphan, { name: 'x', image: IMAGE, labels: { [LABEL_NODE]: NODE } }));
    const foreign = await h.runtime.runSandbox({ uid: 'uid-foreign', name: 'foreign', namespace: 'default', labels: { [LABEL_NODE]: 'node-b' } });
    await h.restart();
    const left = (await h.runtime.listSandboxes({})).map((s) => s.name).sort();
    expect(left).toEqual(['foreign', 'wanted']);
    expect((await h.runtime.sandboxStatus(foreign)).state).toBe('ready');
    expect(h.kubelet.podStatuses().map((u) => u.name)).toEqual(['wanted']);
  });

  it.each([
    ['torn JSON', '{"version":4,"pods":[{"apiVe'],
    ['JSON of the wrong shape', '{"version":4,"pods":5,"configMaps":[],"secrets":[]}'],
  ])('keeps running (and does not collect) the pods of a source whose persisted state is unreadable (%s) until the source speaks', async (_what, text) => {
    h = await new Harness().start();
    await h.apply(desired(3, [makePod('precious', { volumes: [{ name: 'data', emptyDir: {} }] })]));
    await h.kubelet.stop();
    writeFileSync(path.join(h.dataDir, 'desired', 'server.json'), text);
    const before = await h.runtime.listContainers({});
    await h.restart();
    await h.advance(60_000, 10_000);
    expect((await h.runtime.listContainers({})).map((c) => [c.id, c.state])).toEqual(before.map((c) => [c.id, c.state]));
    expect(h.reasons()).not.toContain('Killing');
    expect(existsSync(path.join(h.dataDir, 'pods', 'uid-precious', 'volumes', 'empty-dir', 'data'))).toBe(true);
    expect(h.kubelet.desiredVersion('server')).toBe(0);
    // The source's first state after the restart is the truth again: what it does not want goes.
    await h.apply(desired(5, [makePod('other')]));
    await h.advance(20_000, 10_000);
    expect((await h.runtime.listSandboxes({})).map((s) => s.name)).toEqual(['other']);
  });

  it('removes the temp file a kill -9 in the middle of persisting left behind (it holds secrets and disk space)', async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('p')]));
    await h.kubelet.stop();
    writeFileSync(path.join(h.dataDir, 'desired', '.server.json.4242.1893456000000.tmp'), '{"version":2,"secrets":[{"da');
    await h.restart();
    expect(readdirSync(path.join(h.dataDir, 'desired'))).toEqual(['server.json']);
    expect(h.kubelet.desiredVersion('server')).toBe(1);
  });

  it('does not run again a pod the source says has completed when its containers were pruned while the agent was down', async () => {
    h = await new Harness().start();
    const job = makePod('job', { restartPolicy: 'Never', containers: [{ name: 'c', image: IMAGE, command: ['exit', '0'] }] });
    await h.apply(desired(1, [job]));
    expect(h.status('job')?.phase).toBe('Succeeded');
    // The server learnt it; its desired state now says so (the phase of a completed pod, nothing else).
    await h.apply(desired(2, [{ ...job, status: { phase: 'Succeeded' } }]));
    await h.kubelet.stop();
    for (const c of await h.runtime.listContainers({})) await h.runtime.removeContainer(c.id); // podman container prune
    for (const s of await h.runtime.listSandboxes({})) await h.runtime.removeSandbox(s.id); // podman pod prune
    await h.restart();
    await h.advance(30_000, 10_000);
    expect(h.reasons()).toEqual([]);
    expect(await h.runtime.listContainers({})).toEqual([]);
    // Nothing to say about it that the server does not know better: no status that would overwrite Succeeded.
    expect(h.kubelet.podStatuses()).toEqual([]);
  });

  it('reports statuses after a restart with versions above the ones before it', async () => {
    h = await new Harness().start();
    await h.apply(desired(1, [makePod('versions')]));
    const last = h.updates.filter((u) => u.name === 'versions').at(-1)?.version ?? 0;
    h.clock.advance(1000);
    await h.restart();
    expect(h.updates.filter((u) => u.name === 'versions').every((u) => u.version > last)).toBe(true);
  });
});
