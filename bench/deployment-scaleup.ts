// Bench: a Deployment scaled from 0 to 10,000 replicas over 1,000 simulated nodes, on the real
// store (NedbStore, default mode) with the whole controller manager and the real scheduler wired as
// in `flotilla server` (one InformerFactory, Scheduled events through a queued sink), and
// simulated kubelets that report a bound pod Running at once — all in one process, no node channel
// (bench/deployment-scaleup-fleet.ts runs the same over MQTT with `flotilla sim`). Prints when all
// pods were created, scheduled, Running and the Deployment available, and the store write rate,
// beside kube-controller-manager's documented client QPS defaults.
// Run: node -r ./test/setup/swc-register.js bench/deployment-scaleup.ts [replicas] [nodes]

import pino from 'pino';
import type { Pod } from '../shared/api/core';
import { realClock } from '../shared/clock';
import type { Deployment } from '../shared/api/workloads';
import { deploymentManifest } from '../server/controllers/fake/objects';
import { SimKubelet } from '../server/controllers/fake/sim-kubelet';
import { ControllerManager } from '../server/controllers/manager';
import { ensureSystemNamespaces } from '../server/controllers/namespace';
import { QueuedEventSink } from '../server/events/queued-sink';
import { EventRecorder } from '../server/events/recorder';
import { Scheduler } from '../server/scheduler/scheduler';
import { openStore } from '../server/store';
import { tempDir } from './store-fixtures';

const REPLICAS = Number(process.argv[2] ?? 10_000);
const NODES = Number(process.argv[3] ?? 1_000);
const LIMIT_MS = 180_000;
/** kube-controller-manager --kube-api-qps / --kube-api-burst defaults ("QPS to use while talking with kubernetes apiserver", 20; burst 30). */
const KCM_QPS = 20;
const KCM_BURST = 30;

function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

async function main(): Promise<void> {
  const t = tempDir('scaleup');
  const store = await openStore({ dir: t.dir });
  const logger = pino({ level: 'silent' });
  await ensureSystemNamespaces(store);
  const manager = new ControllerManager({ store, logger, clock: realClock });
  const { pods, nodes } = manager.informers;
  const kubelet = new SimKubelet({ store, clock: realClock, pods, nodes, startDelayMs: 0, stopDelayMs: 0 });
  const events = new QueuedEventSink(new EventRecorder(store, { component: 'default-scheduler' }));
  const scheduler = new Scheduler({ store, informers: manager.factory, events, logger });
  for (let i = 0; i < NODES; i++) await kubelet.addNode(`node-${String(i).padStart(4, '0')}`);
  await manager.start();
  await scheduler.start();
  await kubelet.start();
  await store.create('deployments.apps', deploymentManifest('fleet-app', { replicas: 0 }));
  await new Promise((r) => setTimeout(r, 500));

  const seen = { created: 0, scheduled: 0, running: 0 };
  const at: Record<string, number> = {};
  const bound = new Set<string>();
  const running = new Set<string>();
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const start = performance.now();
  const rv0 = Number(store.currentResourceVersion());
  const mark = (phase: keyof typeof seen): void => {
    seen[phase]++;
    if (seen[phase] === REPLICAS) at[phase] = performance.now() - start;
  };
  const stop = store.watch({ resource: 'pods', resourceVersion: store.currentResourceVersion() }, (e) => {
    const pod = e.object as Pod;
    const key = pod.metadata.name ?? '';
    if (e.type === 'ADDED') mark('created');
    if (pod.spec?.nodeName && !bound.has(key)) {
      bound.add(key);
      mark('scheduled');
    }
    if (pod.status?.phase === 'Running' && !running.has(key)) {
      running.add(key);
      mark('running');
    }
  });
  const stopD = store.watch({ resource: 'deployments.apps', resourceVersion: store.currentResourceVersion() }, (e) => {
    const d = e.object as Deployment;
    if ((d.status?.availableReplicas ?? 0) === REPLICAS && at.available === undefined) {
      at.available = performance.now() - start;
      done();
    }
  });
  await store.guaranteedUpdate({ resource: 'deployments.apps', namespace: 'default', name: 'fleet-app' }, (cur) => ({ ...cur, spec: { ...(cur.spec as object), replicas: REPLICAS } }));
  // A referenced timer keeps the process up: the realClock's timers are unref'd.
  let limit: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (limit = setTimeout(() => r('timeout'), LIMIT_MS)));
  const outcome = await Promise.race([finished.then(() => 'ok' as const), timeout]);
  clearTimeout(limit);
  const elapsed = performance.now() - start;
  const writes = Number(store.currentResourceVersion()) - rv0;
  stop();
  stopD();
  kubelet.stop();
  await scheduler.stop();
  await events.whenDrained();
  await manager.stop();
  await store.close();
  t.remove();

  console.log(`Deployment scale-up 0 → ${REPLICAS} replicas over ${NODES} simulated nodes (NedbStore, controller manager, real scheduler, simulated kubelets; one process)`);
  if (outcome === 'timeout') console.log(`  DID NOT FINISH within ${fmt(LIMIT_MS)}: ${JSON.stringify(seen)}`);
  console.log(`  all pods created        ${at.created !== undefined ? fmt(at.created) : '-'}`);
  console.log(`  all pods scheduled      ${at.scheduled !== undefined ? fmt(at.scheduled) : '-'}`);
  console.log(`  all pods Running        ${at.running !== undefined ? fmt(at.running) : '-'}`);
  console.log(`  Deployment available    ${at.available !== undefined ? fmt(at.available) : '-'}`);
  const podRate = at.running !== undefined ? (REPLICAS / at.running) * 1000 : 0;
  const writeRate = (writes / elapsed) * 1000;
  console.log(`  pods Running per second ${podRate.toFixed(0)}`);
  console.log(`  store writes            ${writes} (${writeRate.toFixed(0)}/s: pods, bindings, pod status, ReplicaSet/Deployment status, Events)`);
  console.log('');
  console.log('Peer: the issue names none for this benchmark. kube-controller-manager talks to its API server at');
  console.log(`  --kube-api-qps ${KCM_QPS} (burst ${KCM_BURST}) by default ("QPS to use while talking with kubernetes apiserver").`);
  console.log(`  At that rate the ${REPLICAS} pod creates alone take ≥ ${fmt((REPLICAS / KCM_QPS) * 1000)}.`);
  if (at.created !== undefined) console.log(`  Flotilla's controllers created them in ${fmt(at.created)}: ${((REPLICAS / at.created) * 1000 / KCM_QPS).toFixed(0)}× the default KCM create rate.`);
  if (outcome === 'timeout') process.exitCode = 1;
}

void main();
