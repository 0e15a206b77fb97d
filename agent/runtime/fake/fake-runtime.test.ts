// Runs the shared runtime conformance suite against the in-memory fake runtime.

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
