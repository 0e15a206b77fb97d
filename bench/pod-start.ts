// Bench: pod start latency (desired → all containers running, image present) of the Flotilla kubelet on
// Podman, side by side with `podman kube play` of the same Pod YAML on the same Podman service, 1 pod and
// 10 pods at once, taking turns so all see the same machine. A third column is the floor: the same pods made
// with the Runtime's calls alone (pod create, container creates, pod start; no kubelet, no status). Latency of a pod = the latest
// StartedAt (Podman's own clock) of its containers minus the moment the desired state was handed over.
// Goal (issue 3): ratio ≤ 1.25 (p50 and p99), p99 ≤ 1.5 s.
// Usage: node -r ./test/setup/swc-register.js bench/pod-start.ts [singleRuns=20] [batchRuns=3] [podStartSlots]

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import YAML from 'yaml';
import type { Pod } from '../shared/api/core';
import { silentLog } from '../agent/log';
import { Kubelet } from '../agent/kubelet/kubelet';
import { PodmanRuntime } from '../agent/runtime/podman/podman-runtime';
import { benchPod, benchPodman, fmt, loadAverage, percentile, removeNode, removePods } from './agent-fixtures';

const run = randomUUID().slice(0, 6);
const node = `bench-start-${run}`;

/** Latest StartedAt of the containers of each pod, by Podman's inspect. */
async function startedAt(runtime: PodmanRuntime, podIds: string[]): Promise<number[]> {
  return Promise.all(
    podIds.map(async (id) => {
      const containers = (await runtime.client.containers.list({ pod: id })).filter((c) => !c.IsInfra);
      const inspects = await Promise.all(containers.map((c) => runtime.client.containers.inspect(c.Id)));
      if (inspects.some((c) => !c.State.Running)) throw new Error(`pod ${id}: not all containers running`);
      return Math.max(...inspects.map((c) => Date.parse(c.State.StartedAt)));
    }),
  );
}

/** Podman finishes tearing a pod down (conmon, network namespace) after the API call returns: let it, before the next round. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 500));

async function kubeletRound(kubelet: Kubelet, runtime: PodmanRuntime, image: string, count: number, version: number): Promise<{ latencies: number[]; statusMs: number }> {
  const pods = Array.from({ length: count }, (_, i) => benchPod(`k-${run}-${version}-${i}`, image, `${run}-${version}-${i}`) as unknown as Pod);
  const uids = new Set(pods.map((p) => p.metadata.uid ?? ''));
  const allRunning = new Promise<number>((resolve) => {
    const done = new Set<string>();
    const off = kubelet.onPodStatus((u) => {
      if (uids.has(u.uid) && (u.status.containerStatuses ?? []).length === 2 && u.status.containerStatuses?.every((c) => c.state.running)) done.add(u.uid);
      if (done.size === uids.size) {
        off();
        resolve(Date.now());
      }
    });
  });
  const t0 = Date.now();
  await kubelet.setDesiredState('server', { version, pods, configMaps: [], secrets: [] });
  const statusAt = await allRunning;
  const sandboxes = await runtime.listSandboxes({ labels: { 'io.flotilla.node': node } });
  const latencies = (await startedAt(runtime, sandboxes.filter((s) => uids.has(s.uid)).map((s) => s.id))).map((t) => t - t0);
  await kubelet.setDesiredState('server', { version: version + 1, pods: [], configMaps: [], secrets: [] });
  await removeNode(runtime, node);
  await kubelet.idle();
  await settle();
  return { latencies, statusMs: statusAt - t0 };
}

async function playRound(runtime: PodmanRuntime, image: string, count: number, round: number): Promise<number[]> {
  const names = Array.from({ length: count }, (_, i) => `kp-${run}-${round}-${i}`);
  const yaml = names.map((n) => YAML.stringify(benchPod(n, image))).join('---\n');
  const t0 = Date.now();
  const res = await runtime.client.http.request('POST', '/play/kube', { stream: Readable.from([yaml]), contentType: 'application/x-yaml', query: { start: true } });
  const body = await new Promise<string>((resolve) => {
    let text = '';
    res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text));
  });
  const report = JSON.parse(body) as { Pods?: Array<{ ID: string }> };
  const ids = (report.Pods ?? []).map((p) => p.ID);
  if (ids.length !== count) throw new Error(`kube play made ${ids.length} pods, not ${count}: ${body}`);
  const latencies = (await startedAt(runtime, ids)).map((t) => t - t0);
  await removePods(runtime, names);
  await settle();
  return latencies;
}

/** The floor: the libpod calls a new pod needs (as the kubelet makes them), nothing else. */
async function bareRound(runtime: PodmanRuntime, image: string, count: number, round: number): Promise<number[]> {
  const bareNode = `${node}-bare`;
  const t0 = Date.now();
  const ids = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const name = `b-${run}-${round}-${i}`;
      const id = await runtime.createSandbox({ uid: `${run}-b${round}-${i}`, name, namespace: 'default', labels: { 'io.flotilla.node': bareNode } });
      await Promise.all(['app', 'sidecar'].map((c) => runtime.createContainer(id, { name: c, image, command: ['sleep', '3600'], stopGraceSeconds: 0 })));
      await runtime.startSandbox(id);
      return id;
    }),
  );
  const latencies = (await startedAt(runtime, ids)).map((t) => t - t0);
  await removeNode(runtime, bareNode);
  await settle();
  return latencies;
}

function report(label: string, kubelet: number[], play: number[], bare: number[], status?: number[]): void {
  const row = (name: string, v: number[]): string => `${name.padEnd(26)} p50 ${fmt(percentile(v, 50)).padStart(8)}   p99 ${fmt(percentile(v, 99)).padStart(8)}   (n=${v.length})`;
  console.log(`\n${label}`);
  console.log(row('flotilla kubelet', kubelet));
  if (status) console.log(row('  … status reported', status));
  console.log(row('podman kube play', play));
  console.log(row('bare Runtime calls (floor)', bare));
  const r50 = percentile(kubelet, 50) / percentile(play, 50);
  const r99 = percentile(kubelet, 99) / percentile(play, 99);
  console.log(`ratio kubelet/kube play:    p50 ${r50.toFixed(2)}   p99 ${r99.toFixed(2)}   (goal ≤ 1.25; p99 goal ≤ 1500 ms: ${percentile(kubelet, 99) <= 1500 ? 'met' : 'missed'})`);
}

async function main(): Promise<void> {
  const singleRuns = Number(process.argv[2] ?? 20);
  const batchRuns = Number(process.argv[3] ?? 3);
  const podman = benchPodman();
  const runtime = new PodmanRuntime({ socketPath: podman.socket });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-start-'));
  const slots = process.argv[4] ? Number(process.argv[4]) : undefined; // pods brought up at once (default: the kubelet's)
  const kubelet = new Kubelet({ runtime, nodeName: node, dataDir, log: silentLog, ...(slots ? { podStartSlots: slots } : {}) });
  console.log(`pod start: kubelet vs podman kube play (REST, same service), pod = 2 containers of ${podman.busybox}; load ${loadAverage()}`);
  let version = 1;
  try {
    await kubelet.start();
    // Warm-up: the pause images (Flotilla's and kube play's) get loaded/built, caches fill.
    await kubeletRound(kubelet, runtime, podman.busybox, 1, version);
    version += 2;
    await playRound(runtime, podman.busybox, 1, 0);

    await bareRound(runtime, podman.busybox, 1, 0);

    const k1: number[] = [], s1: number[] = [], p1: number[] = [], b1: number[] = [];
    for (let i = 0; i < singleRuns; i++) {
      const k = await kubeletRound(kubelet, runtime, podman.busybox, 1, version);
      version += 2;
      k1.push(...k.latencies);
      s1.push(k.statusMs);
      p1.push(...(await playRound(runtime, podman.busybox, 1, i + 1)));
      b1.push(...(await bareRound(runtime, podman.busybox, 1, i + 1)));
    }
    report('1 pod', k1, p1, b1, s1);

    const k10: number[] = [], s10: number[] = [], p10: number[] = [], b10: number[] = [];
    for (let i = 0; i < batchRuns; i++) {
      const k = await kubeletRound(kubelet, runtime, podman.busybox, 10, version);
      version += 2;
      k10.push(...k.latencies);
      s10.push(k.statusMs);
      p10.push(...(await playRound(runtime, podman.busybox, 10, 100 + i)));
      b10.push(...(await bareRound(runtime, podman.busybox, 10, 100 + i)));
    }
    report('10 pods at once (latency of each pod)', k10, p10, b10, s10);
    console.log(`\nload after: ${loadAverage()}`);
  } finally {
    await kubelet.stop();
    await removeNode(runtime, node);
    await removeNode(runtime, `${node}-bare`);
    rmSync(dataDir, { recursive: true, force: true });
    podman.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
