// The real scheduler with the workload controllers and simulated kubelets (SimFleet without its test
// binder): a Deployment of 200 replicas over 50 nodes of mixed sizes is scheduled within every
// node's capacity, evenly, and all replicas run; scaling past the fleet's capacity leaves the extra
// pods Pending with FailedScheduling.

import type { Pod } from '../../shared/api/core';
import { FakeEventSink } from '../events/fake/fake-sink';
import { deploymentManifest } from '../controllers/fake/objects';
import { SimFleet } from '../controllers/fake/sim-fleet';
import { seededRandom } from './fake/harness';
import { podRequests, resourceFromList } from './framework/resources';
import { Scheduler } from './scheduler';

jest.setTimeout(60_000);

let fleet: SimFleet | undefined;
let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  await fleet?.stop();
  fleet = undefined;
  scheduler = undefined;
});

const SIZES = [
  { prefix: 'pi3', allocatable: { cpu: '1', memory: '1Gi', pods: '110' } },
  { prefix: 'pi4', allocatable: { cpu: '2', memory: '2Gi', pods: '110' } },
  { prefix: 'pi5', allocatable: { cpu: '4', memory: '4Gi', pods: '110' } },
];

async function pods(f: SimFleet): Promise<Pod[]> {
  return (await f.store.list('pods')).items as Pod[];
}

test('a 200-replica Deployment lands on 50 mixed nodes within capacity, evenly, and runs', async () => {
  fleet = new SimFleet({ noBinder: true });
  const events = new FakeEventSink();
  scheduler = new Scheduler({ store: fleet.store, informers: fleet.manager.factory, events, clock: fleet.clock, random: seededRandom(3) });
  await fleet.start();
  await scheduler.start();
  for (const [i, size] of SIZES.entries()) await fleet.addNodes(i === 2 ? 16 : 17, size.prefix, { allocatable: size.allocatable, labels: { 'topology.kubernetes.io/zone': `zone-${i}` } });

  const web = deploymentManifest('web', { replicas: 200 });
  const container = web.spec.template.spec.containers[0];
  if (container) container.resources = { requests: { cpu: '100m', memory: '128Mi' } };
  await fleet.store.create('deployments.apps', web);
  const f = fleet;
  await fleet.until(async () => (await pods(f)).filter((p) => p.status?.phase === 'Running').length === 200, '200 web pods Running');

  const all = await pods(fleet);
  expect(all).toHaveLength(200);
  const nodes = new Map((await fleet.store.list('nodes')).items.map((n) => [n.metadata.name ?? '', resourceFromList((n.status as { allocatable: Record<string, string> }).allocatable)]));
  const perNode = new Map<string, Pod[]>();
  for (const p of all) perNode.set(p.spec.nodeName ?? '?', [...(perNode.get(p.spec.nodeName ?? '?') ?? []), p]);
  expect(perNode.size).toBe(50);
  for (const [node, onNode] of perNode) {
    const alloc = nodes.get(node);
    const cpu = onNode.reduce((s, p) => s + podRequests(p.spec).milliCpu, 0);
    const memory = onNode.reduce((s, p) => s + podRequests(p.spec).memory, 0);
    expect({ node, fits: alloc !== undefined && cpu <= alloc.milliCpu && memory <= alloc.memory }).toEqual({ node, fits: true });
  }
  const counts = [...perNode.values()].map((p) => p.length);
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(3);
  expect(events.events.filter((e) => e.reason === 'Scheduled')).toHaveLength(200);

  // 1-CPU nodes hold 10 of these, 2-CPU 20, 4-CPU 40: 170 + 340 + 640 = 1,150 by CPU; memory
  // (1Gi/128Mi = 8 per small node) caps it lower. Ask for far more than fits.
  await fleet.store.guaranteedUpdate({ resource: 'deployments.apps', namespace: 'default', name: 'web' }, (d) => ({ ...d, spec: { ...(d.spec as object), replicas: 1200 } }));
  await fleet.until(async () => (await pods(f)).length === 1200 && scheduler?.queue.stats().active === 0, '1,200 pods created and tried');
  const pending = (await pods(fleet)).filter((p) => !p.spec.nodeName);
  // Memory allows 8 + 16 + 32 per small/medium/large node: 17·8 + 17·16 + 16·32 = 920 pods.
  expect(pending).toHaveLength(1200 - 920);
  expect(pending[0]?.status?.conditions?.find((c) => c.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message: '0/50 nodes are available: 50 Insufficient memory.' });
});
