// Runs the shared runtime conformance suite against the in-memory fake runtime.

import { FakeClock } from '../../../shared/clock';
import { runtimeConformance } from '../conformance';
import { conformancePrograms } from '../conformance-workloads';
import { FakeRuntime } from './fake-runtime';

const busyboxImage = 'localhost/flotilla/busybox:test';

runtimeConformance('fake', async () => ({
  runtime: new FakeRuntime({ images: [busyboxImage], programs: conformancePrograms, servePorts: true }),
  busyboxImage,
  pauseImage: 'localhost/flotilla/pause:fake',
  labels: { 'io.flotilla.test.run': 'fake' },
  cleanup: async () => undefined,
}));

describe('FakeRuntime extras for simulated fleets', () => {
  const spec = { uid: 'u1', name: 'p', namespace: 'default' };

  it('ends a program that runs for a while on its clock, and counts starts and stops', async () => {
    const clock = new FakeClock(0);
    const rt = new FakeRuntime({ clock, pullable: 'any', programs: (c) => (c.name === 'job' ? { exitCode: 0, runMs: 2_000 } : undefined) });
    await rt.pullImage('example.org/anything:1', 'IfNotPresent');
    const sandbox = await rt.runSandbox(spec);
    const job = await rt.createContainer(sandbox, { name: 'job', image: 'example.org/anything:1' });
    const server = await rt.createContainer(sandbox, { name: 'server', image: 'example.org/anything:1' });
    await rt.startContainer(job);
    await rt.startContainer(server);
    clock.advance(1_999);
    expect((await rt.containerStatus(job)).state).toBe('running');
    clock.advance(1);
    expect(await rt.containerStatus(job)).toMatchObject({ state: 'exited', exitCode: 0, reason: 'Completed' });
    await rt.stopContainer(server, 1);
    expect({ starts: rt.starts, stops: rt.stops }).toEqual({ starts: 2, stops: 1 });
  });

  it('a stop before the run time is up wins, and the timer does not fire later', async () => {
    const clock = new FakeClock(0);
    const rt = new FakeRuntime({ clock, pullable: 'any', programs: () => ({ exitCode: 0, runMs: 5_000 }) });
    await rt.pullImage('img', 'IfNotPresent');
    const c = await rt.createContainer(await rt.runSandbox(spec), { name: 'c', image: 'img' });
    await rt.startContainer(c);
    await rt.stopContainer(c, 1);
    clock.advance(10_000);
    expect(await rt.containerStatus(c)).toMatchObject({ state: 'exited', exitCode: 143 });
    expect(clock.pendingTimers()).toBe(0);
  });

  it('pulls only the images it was given, unless told any image is pullable', async () => {
    await expect(new FakeRuntime({ pullable: ['a'] }).pullImage('b', 'IfNotPresent')).rejects.toThrow('pull b: no registry serves it');
    await expect(new FakeRuntime({ pullable: 'any' }).pullImage('b', 'IfNotPresent')).resolves.toMatch(/^[0-9a-f]{64}$/);
  });
});
