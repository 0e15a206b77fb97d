import { LABEL_POD_UID } from '../runtime/types';
import { desired, Harness, IMAGE, makePod } from './testing';
let h: Harness;
afterEach(() => h?.close());
it('prune of init containers', async () => {
  h = await new Harness().start();
  await h.apply(desired(1, [makePod('init', { initContainers: [{ name: 'first', image: IMAGE, command: ['exit', '0'] }] })]));
  const inits = (await h.runtime.listContainers({ labels: { [LABEL_POD_UID]: 'uid-init' } })).filter((c) => c.name === 'first');
  for (const c of inits) await h.runtime.removeContainer(c.id);
  h.events.length = 0;
  await h.advance(20_000);
  console.log('after prune', h.status('init')?.phase, JSON.stringify(h.status('init')?.conditions?.map((c) => [c.type, c.status])), h.reasons());
});
it('prune of a completed job pod + restart', async () => {
  h = await new Harness().start();
  await h.apply(desired(1, [makePod('job', { restartPolicy: 'Never', containers: [{ name: 'c', image: IMAGE, command: ['exit', '0'] }] })]));
  console.log('done', h.status('job')?.phase);
  await h.kubelet.stop();
  for (const c of await h.runtime.listContainers({})) await h.runtime.removeContainer(c.id);
  for (const s of await h.runtime.listSandboxes({})) await h.runtime.removeSandbox(s.id);
  await h.restart();
  console.log('after prune+restart', h.status('job')?.phase, h.reasons());
});
