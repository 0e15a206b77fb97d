// Bench: the agent's resident memory and CPU while idle with 10 pods, side by side with a bare
// `node -e 'setInterval(()=>{},1000)'` measured over the same window.
// Goal (issue 3): RSS ≤ 1.4 × the bare process, CPU ≤ 0.5 % of a core.
// Usage: node -r ./test/setup/swc-register.js bench/agent-idle.ts [seconds=60] [node]   (needs `npm run build`)
// `node`: the Node.js binary both run on (default this one), e.g. Node 18 as devices have it:
// /var/cache/flotilla-test/node-v18.19.0-linux-x64/bin/node (fetched by `npm test`, test/setup/node18.js).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { LABEL_NODE } from '../agent/runtime/types';
import { PodmanRuntime } from '../agent/runtime/podman/podman-runtime';
import { benchPod, benchPodman, loadAverage, removeNode } from './agent-fixtures';

const PODS = 10;
const run = randomUUID().slice(0, 6);
const node = `bench-idle-${run}`;
const BIN = path.resolve(__dirname, '..', 'dist', 'bin', 'flotilla.js');
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? NaN);
}

/** User + system CPU time of the process in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 60);
  const nodeBin = process.argv[3] ?? process.execPath;
  const nodeVersion = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (!existsSync(BIN)) throw new Error(`${BIN} missing: run \`npm run build\` first`);
  const podman = benchPodman();
  const runtime = new PodmanRuntime({ socketPath: podman.socket });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-idle-'));
  const manifests = path.join(tmp, 'manifests');
  mkdirSync(manifests);
  writeFileSync(path.join(manifests, 'pods.yaml'), Array.from({ length: PODS }, (_, i) => YAML.stringify(benchPod(`idle-${i}`, podman.busybox))).join('---\n'));
  const children: ChildProcess[] = [];
  try {
    const agent = spawn(nodeBin, [BIN, 'agent', '--manifests', manifests, '--data-dir', path.join(tmp, 'data'), '--podman-socket', podman.socket, '--node-name', node], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(agent);
    let log = '';
    agent.stderr?.on('data', (d: Buffer) => (log = (log + d.toString('utf8')).slice(-4000)));
    await waitFor(`${PODS} pods running`, async () => {
      if (agent.exitCode !== null) throw new Error(`agent exited:\n${log}`);
      const snap = await runtime.snapshot({ labels: { [LABEL_NODE]: node } });
      return snap.sandboxes.filter((s) => s.state === 'ready').length === PODS && snap.containers.filter((c) => c.state === 'running').length === PODS * 2;
    }, 120_000);
    await sleep(5_000); // let start-up work and its garbage settle
    const bare = spawn(nodeBin, ['-e', 'setInterval(()=>{},1000)'], { stdio: 'ignore' });
    children.push(bare);
    await sleep(1_000);
    const pids = { agent: agent.pid ?? 0, bare: bare.pid ?? 0 };
    const cpu0 = { agent: cpuSeconds(pids.agent), bare: cpuSeconds(pids.bare) };
    const rss = { agent: [] as number[], bare: [] as number[] };
    const t0 = Date.now();
    console.log(`agent idle: ${PODS} pods (2 containers each) for ${seconds} s, beside a bare node; load ${loadAverage()}`);
    while (Date.now() - t0 < seconds * 1000) {
      rss.agent.push(rssKb(pids.agent));
      rss.bare.push(rssKb(pids.bare));
      await sleep(1_000);
    }
    const elapsed = (Date.now() - t0) / 1000;
    const cpu = { agent: ((cpuSeconds(pids.agent) - cpu0.agent) / elapsed) * 100, bare: ((cpuSeconds(pids.bare) - cpu0.bare) / elapsed) * 100 };
    const avg = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length / 1024;
    const max = (v: number[]): number => Math.max(...v) / 1024;
    console.log(`RSS  agent ${avg(rss.agent).toFixed(1)} MB (max ${max(rss.agent).toFixed(1)})   bare node ${avg(rss.bare).toFixed(1)} MB (max ${max(rss.bare).toFixed(1)})   ratio ${(avg(rss.agent) / avg(rss.bare)).toFixed(2)} (goal ≤ 1.40)`);
    console.log(`CPU  agent ${cpu.agent.toFixed(2)} % of a core   bare node ${cpu.bare.toFixed(2)} %   (goal ≤ 0.50 %)`);
    console.log(`node ${nodeVersion} (${nodeBin}); load after: ${loadAverage()}`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await removeNode(runtime, node);
    rmSync(tmp, { recursive: true, force: true });
    podman.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
