// End-to-end, `npm run test:arm`: the device side on arm64 and armhf, on Node 18.19 (Raspberry Pi OS
// bookworm's) under qemu-user. The real agent (kubelet on this machine's Podman) joins a real `flotilla
// server` (Node 20, native): its node is Ready with its true kubernetes.io/arch and board, a Pod placed by
// that label runs and its logs come back through the device. `flotilla sim --nodes 2` joins too and runs a
// bound Pod. The pause binaries of the archives hold until SIGTERM and exit 0.
//
// Podman here is amd64: the ARM agents' containers are amd64 images, and their sandboxes use the amd64
// pause archive (--pause-archive) — loading the arm64 one would put an image this machine cannot run
// under the pause tag every engineer's Podman shares.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAUSE_VERSION } from '../../agent/runtime/podman/pause';
import { PodmanRuntime } from '../../agent/runtime/podman/podman-runtime';
import { LABEL_NODE } from '../../agent/runtime/types';
import { AgentProcess, killAllAgents } from '../helpers/agent-process';
import { joinToken, kubectlAsyncOk } from '../helpers/channel';
import { podPhase, readyNode, sayingPod } from '../helpers/device-nodes';
import { eventually } from '../helpers/kubectl';
import { NODE18_VERSION, node18 } from '../helpers/node18';
import { preparePodman, removeNodePods, required, type PodmanEnv } from '../helpers/podman-env';
import { FLOTILLA_BIN, startServerProcess, stopAll, type ServerProcess } from '../helpers/server-process';

// Emulated Node needs 4–5 CPU-seconds to start and join; on a busy 2-core machine that is most of a minute.
jest.setTimeout(240_000);
const STARTUP_MS = 180_000;

const ARM = [
  { arch: 'arm64', board: 'generic-arm64', qemu: 'qemu-aarch64-static' },
  { arch: 'arm', board: 'generic-armhf', qemu: 'qemu-arm-static' },
] as const;
type Arm = (typeof ARM)[number];

const run = randomUUID().slice(0, 8);
const agentNode = (a: Arm): string => `e2e-${a.arch}-${run}`;
const simPrefix = (a: Arm): string => `e2e-sim-${a.arch}-${run}`;
let prepared: PodmanEnv | undefined;
let runtime: PodmanRuntime;
let dir: string;
let server: ServerProcess;
let token: string;
const agents = new Map<string, AgentProcess>();
const sims: ChildProcess[] = [];

const podmanSocket = (): string => required(prepared, 'FLOTILLA_PODMAN_SOCKET');
const busybox = (): string => required(prepared, 'FLOTILLA_TEST_BUSYBOX_IMAGE');
const pauseArchive = (arch: string): string => join(required(prepared, 'FLOTILLA_PAUSE_ARCHIVE_DIR'), `pause-${PAUSE_VERSION}-linux-${arch}.tar`);
const k = (args: string[], input?: string): Promise<string> => kubectlAsyncOk(server.kubeconfig, args, input);

beforeAll(async () => {
  prepared = preparePodman();
  runtime = new PodmanRuntime({ socketPath: podmanSocket() });
  dir = mkdtempSync(join(tmpdir(), 'flotilla-arm-'));
  server = await startServerProcess(join(dir, 'server'));
  token = joinToken(server.dataDir, ['--usages', '6']);
  // Both agents start at once (their start-up is most of the time); the simulated fleets come later, one at a time.
  for (const a of ARM) {
    const args = ['--token', token, '--data-dir', join(dir, `agent-${a.arch}`), '--podman-socket', podmanSocket(), '--node-name', agentNode(a), '--pause-archive', pauseArchive('amd64')];
    agents.set(a.arch, AgentProcess.start(args, {}, node18(a.arch)));
  }
});

afterAll(async () => {
  killAllAgents();
  for (const sim of sims) sim.kill('SIGKILL');
  if (runtime) for (const a of ARM) await removeNodePods(runtime, agentNode(a));
  await server?.stop();
  stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
  prepared?.stop();
});

describe(`the device side on Node ${NODE18_VERSION} under qemu-user`, () => {
  it.each(ARM)('$arch: the real agent joins, Ready with its true arch and board; a Pod placed by that label runs and logs through the device', async (a) => {
    const agent = agents.get(a.arch);
    if (!agent) throw new Error(`no ${a.arch} agent`);
    expect(await agent.waitFor('the agent to run', (l) => l.msg === 'agent running', STARTUP_MS)).toMatchObject({ nodejs: `v${NODE18_VERSION}`, arch: a.arch });
    const node = await readyNode(server.kubeconfig, agentNode(a), STARTUP_MS);
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/arch': a.arch, 'kubernetes.io/os': 'linux', 'flotilla.io/board': a.board });
    expect(node.status.nodeInfo.architecture).toBe(a.arch);
    const name = `on-${a.arch}`;
    await k(['apply', '-f', '-'], sayingPod(name, busybox(), { nodeSelector: { 'kubernetes.io/arch': a.arch, 'kubernetes.io/hostname': agentNode(a) } }, `hello from ${a.arch}`));
    await eventually(async () => (await podPhase(server.kubeconfig, name)) === 'Running', 90_000, `${name} Running`);
    expect(await k(['get', 'pods', name, '--no-headers', '-o', 'wide'])).toMatch(new RegExp(`^${name}\\s+1/1\\s+Running\\s.*\\s${agentNode(a)}\\s`));
    expect(await k(['logs', name])).toBe(`hello from ${a.arch}\n`);
    const running = (await runtime.client.containers.list({ labels: { [LABEL_NODE]: agentNode(a) } })).filter((c) => c.State === 'running');
    expect(running.map((c) => c.Image)).toContain(busybox());
  });

  it.each(ARM)('$arch: `flotilla sim --nodes 2` joins (a simulated Pi 4 reports arm64 on any host); a bound Pod runs', async (a) => {
    const sim = spawn(node18(a.arch), [FLOTILLA_BIN, 'sim', '--token', token, '--nodes', '2', '--prefix', simPrefix(a), '--data-dir', join(dir, `sim-${a.arch}`)], { stdio: ['ignore', 'ignore', 'pipe'] });
    sims.push(sim);
    let log = '';
    sim.stderr?.on('data', (d: Buffer) => (log += d.toString('utf8')));
    await eventually(() => log.includes('"msg":"sim ready"') || sim.exitCode !== null, STARTUP_MS, `the ${a.arch} sim ready`);
    expect(log).not.toContain('could not join');
    for (const i of [1, 2]) {
      const node = await readyNode(server.kubeconfig, `${simPrefix(a)}-0000${i}`, STARTUP_MS);
      expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/arch': 'arm64', 'flotilla.io/board': 'raspberry-pi-4', 'flotilla.io/simulated': 'true' });
    }
    const name = `on-sim-${a.arch}`;
    await k(['apply', '-f', '-'], sayingPod(name, busybox(), { nodeName: `${simPrefix(a)}-00001` }, 'simulated'));
    await eventually(async () => (await podPhase(server.kubeconfig, name)) === 'Running', 60_000, `${name} Running`);
  });

  it.each(ARM)('the $arch pause binary says its version, then holds until SIGTERM and exits 0', async (a) => {
    const x = mkdtempSync(join(dir, `pause-${a.arch}-`));
    expect(spawnSync('tar', ['-xf', pauseArchive(a.arch), '-C', x]).status).toBe(0);
    const layer = readdirSync(x).find((f) => /^[0-9a-f]{64}$/.test(f)) ?? '';
    expect(spawnSync('tar', ['-xf', join(x, layer, 'layer.tar'), '-C', x]).status).toBe(0);
    const pause = join(x, 'pause');
    expect(spawnSync(a.qemu, [pause, '--version'], { encoding: 'utf8' }).stdout).toBe(`flotilla-pause ${PAUSE_VERSION}\n`);
    const proc = spawn(a.qemu, [pause], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<[number | null, string | null]>((resolve) => proc.once('exit', (code, signal) => resolve([code, signal])));
    // It warns that it is not PID 1 just before installing its handlers: give those a moment, then stop it.
    await Promise.race([new Promise<void>((resolve) => proc.stderr?.once('data', () => resolve())), exited]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(proc.exitCode).toBeNull();
    proc.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });
});
