// The whole node channel with the real agent (`flotilla agent --token`, kubelet on real Podman)
// and the real server with its embedded broker: join, Ready with facts, a Pod with nodeName runs
// and its status reaches kubectl, kubectl logs (-f, --tail) and exec, a cut link (the agent
// frozen) → Unknown → Ready with zero restarts, then server down + agent kill -9 + agent restarted
// without the token: the pod keeps running, is adopted, and is Ready again when the server is back;
// deleting the pod stops it on the device. The same flow runs against the embedded broker and an
// external mosquitto.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PodmanRuntime } from '../agent/runtime/podman/podman-runtime';
import { LABEL_CONTAINER_NAME, LABEL_NODE } from '../agent/runtime/types';
import { AgentProcess, killAllAgents } from './helpers/agent-process';
import { joinToken, kubectlAsync, kubectlAsyncOk } from './helpers/channel';
import { eventually } from './helpers/kubectl';
import { preparePodman, removeNodePods, required, type PodmanEnv } from './helpers/podman-env';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto';
import { startServerProcess, stopAll, type ServerProcess } from './helpers/server-process';

jest.setTimeout(120_000);

let prepared: PodmanEnv | undefined;
let runtime: PodmanRuntime;

beforeAll(() => {
  prepared = preparePodman();
  runtime = new PodmanRuntime({ socketPath: required(prepared, 'FLOTILLA_PODMAN_SOCKET') });
});

afterAll(() => {
  killAllAgents();
  stopAll();
  prepared?.stop();
});

/**
 * Runs kubectl on a pseudo-terminal (util-linux `script`) sized 27 rows × 91 columns. Nothing is
 * typed, and script's own stdin stays open: at its EOF script would type an end-of-file character.
 */
function kubectlOnTerminal(kubeconfig: string, args: string[]): Promise<{ status: number; output: string }> {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = `stty rows 27 cols 91; ${['kubectl', '--kubeconfig', kubeconfig, '--request-timeout=20s', ...args].map(quote).join(' ')}`;
  return new Promise((resolve) => {
    const p = spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (c: Buffer) => (output += c.toString()));
    p.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, output });
    });
  });
}

function agentFlow(broker: 'embedded' | 'mosquitto'): void {
  // The hooks live inside the describe: the outer afterAll (Podman service) must run after this cleanup.
  describe(`flotilla agent over the node channel (${broker} broker), on Podman`, () => {
  const node = `e2e-mqtt-${broker.slice(0, 3)}-${randomUUID().slice(0, 8)}`;
  let dir: string;
  let server: ServerProcess;
  let mosquitto: Mosquitto | undefined;
  let serverArgs: string[];
  let agent: AgentProcess | undefined;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-agent-channel-'));
    serverArgs = ['--node-monitor-grace-period', '4s'];
    if (broker === 'mosquitto') {
      mosquitto = await startMosquitto(dir);
      serverArgs.push('--mqtt-url', `mqtt://127.0.0.1:${mosquitto.port}`, '--mosquitto-password-file', mosquitto.passwordFile, '--mosquitto-acl-file', mosquitto.aclFile, '--mosquitto-reload', mosquitto.reloadCommand);
    }
    server = await startServerProcess(join(dir, 'server'), serverArgs);
    token = joinToken(server.dataDir, ['--usages', '1']);
  });

  afterAll(async () => {
    agent?.proc.kill('SIGKILL');
    if (runtime) await removeNodePods(runtime, node);
    await server?.stop();
    await mosquitto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function startAgent(withToken: boolean): AgentProcess {
    return AgentProcess.start(
      [...(withToken ? ['--token', token] : []), '--data-dir', join(dir, 'agent'), '--podman-socket', required(prepared, 'FLOTILLA_PODMAN_SOCKET'), '--node-name', node, '--log-level', 'info'],
      {},
    );
  }

  const k = (args: string[], input?: string) => kubectlAsyncOk(server.kubeconfig, args, input);
  const ready = async () => JSON.parse((await k(['get', 'node', node, '-o', 'jsonpath={.status.conditions}'])) || '[]').find((c: { type: string }) => c.type === 'Ready')?.status as string | undefined;
  const podField = (path: string) => k(['get', 'pod', 'ticker', '-o', `jsonpath={${path}}`]);
  /** Running containers of this node's pods (infra containers included), by id. */
  const running = async () => (await runtime.client.containers.list({ labels: { [LABEL_NODE]: node } })).filter((c) => c.State === 'running').map((c) => c.Id).sort();

    let containers: string[] = [];

    it('joins with the token and is Ready with its facts', async () => {
      agent = startAgent(true);
      await eventually(async () => (await kubectlAsync(server.kubeconfig, ['get', 'node', node])).status === 0 && (await ready()) === 'True', 30_000, 'node Ready');
      const info = JSON.parse(await k(['get', 'node', node, '-o', 'json'])) as { metadata: { labels: Record<string, string> }; status: { nodeInfo: Record<string, string>; capacity: Record<string, string> } };
      expect(info.metadata.labels).toMatchObject({ 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': node });
      expect(info.status.nodeInfo.containerRuntimeVersion).toMatch(/^podman:\/\/\d/);
      expect(Number(info.status.capacity.cpu)).toBeGreaterThan(0);
    });

    it('runs a pod bound to the node; its status, logs (also -f) and exec work through the server', async () => {
      const image = required(prepared, 'FLOTILLA_TEST_BUSYBOX_IMAGE');
      await k(['apply', '-f', '-'], JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ticker', namespace: 'default' },
        spec: { nodeName: node, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image, imagePullPolicy: 'Never', command: ['sh', '-c', 'echo hello from flotilla; i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done'] }] },
      }));
      await eventually(async () => (await podField('.status.phase')) === 'Running', 60_000, 'ticker Running');
      await eventually(async () => (await k(['logs', 'ticker'])).startsWith('hello from flotilla\ntick 1\n'), 10_000, 'logs');
      expect(await k(['logs', 'ticker', '--tail', '1'])).toMatch(/^tick \d+\n$/);
      const follow = spawn('kubectl', ['--kubeconfig', server.kubeconfig, 'logs', '-f', '--tail', '1', 'ticker'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let followed = '';
      follow.stdout.on('data', (c: Buffer) => (followed += c.toString()));
      await eventually(() => (followed.match(/tick/g) ?? []).length >= 3, 15_000, 'kubectl logs -f streams new lines');
      follow.kill();
      expect(await k(['exec', 'ticker', '--', 'sh', '-c', 'echo exec on $(hostname)'])).toMatch(/^exec on /);
      containers = await running();
      expect(containers).toHaveLength(2); // the pod's infra (pause) container and "c"
      expect((await runtime.client.containers.list({ labels: { [LABEL_NODE]: node, [LABEL_CONTAINER_NAME]: 'c' } })).map((c) => c.State)).toEqual(['running']);
    });

    it('kubectl exec -i streams stdin to the command and its output back; -t runs it on a terminal of the client\'s size', async () => {
      const piped = await kubectlAsync(server.kubeconfig, ['exec', '-i', 'ticker', '--', 'sh', '-c', 'cat; echo done >&2; exit 3'], 'line one\nline two\n');
      expect(piped).toMatchObject({ status: 3, stdout: 'line one\nline two\n', stderr: expect.stringContaining('done\n') });
      const onTerminal = await kubectlOnTerminal(server.kubeconfig, ['exec', '-it', 'ticker', '--', 'sh', '-c', 'tty; stty size; echo err >&2']);
      expect(onTerminal.status).toBe(0);
      expect(onTerminal.output.replace(/\r/g, '')).toMatch(/^\/dev\/pts\/\d+\n27 91\nerr\n$/);
      const ttyOnly = await kubectlOnTerminal(server.kubeconfig, ['exec', '-t', 'ticker', '--', 'sh', '-c', 'echo out; echo err >&2; exit 4']);
      expect(ttyOnly.status).toBe(4);
      expect(ttyOnly.output.replace(/\r/g, '')).toMatch(/^out\nerr\n/); // stderr on the terminal too
    });

    it('carries big outputs whole: megabytes of logs and of exec -i output, and a 70 KiB exec result', async () => {
      const numbers = (text: string): string[] => text.split('\n').filter((l) => /^\d+$/.test(l));
      // Written to the container's own stdout, so it lands in its log: ≈ 1.3 MB, 41 chunks at least.
      expect((await kubectlAsync(server.kubeconfig, ['exec', 'ticker', '--', 'sh', '-c', 'seq 1 200000 > /proc/1/fd/1'])).status).toBe(0);
      await eventually(async () => numbers(await k(['logs', 'ticker'])).length === 200_000, 30_000, 'all 200,000 lines in kubectl logs');
      const logged = numbers(await k(['logs', 'ticker']));
      expect([logged[0], logged[99_999], logged.at(-1)]).toEqual(['1', '100000', '200000']);
      const piped = await kubectlAsync(server.kubeconfig, ['exec', '-i', 'ticker', '--', 'sh', '-c', 'seq 1 150000'], '');
      expect(piped.status).toBe(0);
      const lines = numbers(piped.stdout);
      expect([lines.length, lines.at(-1)]).toEqual([150_000, '150000']);
      const result = await k(['exec', 'ticker', '--', 'seq', '1', '13000']); // 70 KiB: one execResult message
      expect([numbers(result).length, numbers(result).at(-1)]).toEqual([13_000, '13000']);
    });

    it('goes Unknown while the agent is cut off, keeps the pod running, and is Ready again with zero restarts', async () => {
      agent?.proc.kill('SIGSTOP');
      try {
        await eventually(async () => (await ready()) === 'Unknown', 20_000, 'node Unknown');
        expect(await running()).toEqual(containers);
      } finally {
        agent?.proc.kill('SIGCONT');
      }
      await eventually(async () => (await ready()) === 'True', 20_000, 'node Ready again');
      expect(await running()).toEqual(containers);
      expect(await podField('.status.containerStatuses[0].restartCount')).toBe('0');
    });

    it('keeps the pod through server down + agent kill -9 + agent restart without the token, then reports in', async () => {
      // Started again with --mqtts-port 0, the embedded broker comes back on the port the device's credentials name.
      await server.stop();
      agent?.proc.kill('SIGKILL');
      await agent?.exited;
      agent = startAgent(false);
      await agent.waitFor('the agent running again', (l) => l.msg === 'agent running', 30_000);
      await new Promise((r) => setTimeout(r, 3000));
      expect(await running()).toEqual(containers); // adopted, not restarted, while the server is away
      server = await startServerProcess(server.dataDir, serverArgs);
      await eventually(async () => (await ready()) === 'True', 60_000, 'node Ready after the server came back');
      await eventually(async () => (await podField('.status.phase')) === 'Running', 20_000, 'ticker Running');
      expect(await running()).toEqual(containers);
      expect(await podField('.status.containerStatuses[0].restartCount')).toBe('0');
    });

    it('stops the pod on the device when it is deleted', async () => {
      await k(['delete', 'pod', 'ticker', '--wait=true', '--timeout=60s']);
      await eventually(async () => (await running()).length === 0, 30_000, 'containers gone from Podman');
    });
  });
}

agentFlow('embedded');
agentFlow('mosquitto');
