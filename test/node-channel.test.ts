// The node channel end to end with the real server process and its embedded broker, real MQTT
// and kubectl, and the real agent-side channel (NodeChannelAgent) over a fake kubelet: join by
// claim over mqtts, Ready with facts, desired state down and pod status up, kubectl logs/top,
// graceful delete, a cut link (Unknown after the grace period, Ready again, nothing restarted),
// refused tokens, bad payloads on every topic, and revocation by deleting the Node.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { loadCredentials } from '../agent/sync/device-credentials';
import { UP_LEAVES, upTopic } from '../shared/channel/topics';
import { eventually } from './helpers/kubectl';
import { securityChecks } from './helpers/channel-security';
import { joinToken, kubectlAsync, kubectlAsyncOk, rawClient, startTestAgent, type TestAgent } from './helpers/channel';
import { FLOTILLA_BIN, startServerProcess, stopAll, type ServerProcess } from './helpers/server-process';

jest.setTimeout(60_000);

let dir: string;
let server: ServerProcess;
const agents: TestAgent[] = [];
const clients: MqttClient[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-channel-e2e-'));
  server = await startServerProcess(join(dir, 'server'), ['--node-monitor-grace-period', '3s', '--mqtt-ws-port', '0']);
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  for (const a of agents) {
    await a.agent.stop();
    rmSync(a.dataDir, { recursive: true, force: true });
  }
  await server?.stop();
  stopAll();
  rmSync(dir, { recursive: true, force: true });
});

// Async kubectl throughout: the agents run in this process and must keep answering while kubectl waits.
/** The flotilla CLI without blocking the event loop. */
function flotilla(args: string[]): Promise<{ status: number; stdout: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [FLOTILLA_BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.on('close', (code) => resolve({ status: code ?? -1, stdout }));
  });
}

const k = (args: string[], input?: string) => kubectlAsyncOk(server.kubeconfig, args, input);
const kr = (args: string[]) => kubectlAsync(server.kubeconfig, args);
const nodeJson = async (name: string) => JSON.parse(await k(['get', 'node', name, '-o', 'json'])) as { metadata: { labels: Record<string, string> }; spec: { taints?: Array<{ key: string; effect: string }> }; status: { conditions: Array<{ type: string; status: string }>; nodeInfo: Record<string, string> } };
const ready = async (name: string) => (await nodeJson(name)).status.conditions.find((c) => c.type === 'Ready')?.status;

describe('node channel over the embedded broker', () => {
  let a: TestAgent;
  let b: TestAgent;

  it('joins with a join token over mqtts and shows up Ready with its facts; the token is used once per join', async () => {
    const token = joinToken(server.dataDir, ['--usages', '2', '--labels', 'site=lab']);
    expect(token).toMatch(/^fj1\./);
    a = await startTestAgent('pi-a', token);
    agents.push(a);
    expect(loadCredentials(a.dataDir)?.broker).toMatch(/^mqtts:\/\/127\.0\.0\.1:/);
    await eventually(async () => (await kr(['get', 'node', 'pi-a'])).status === 0 && (await ready('pi-a')) === 'True', 15_000, 'pi-a Ready');
    const node = await nodeJson('pi-a');
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/arch': 'arm64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'pi-a', site: 'lab' });
    expect(node.status.nodeInfo).toMatchObject({ kernelVersion: '6.6.51+rpt-rpi-v8', containerRuntimeVersion: 'fake://0.1.0' });
    expect(await k(['get', 'lease', '-n', 'kube-node-lease', 'pi-a', '-o', 'jsonpath={.spec.holderIdentity}'])).toBe('pi-a');
    expect(await k(['get', 'events', '--field-selector', 'involvedObject.name=pi-a,reason=Joined', '-o', 'name'])).not.toBe('');

    b = await startTestAgent('pi-b', token);
    agents.push(b);
    await expect(startTestAgent('pi-c', token)).rejects.toThrow(/used up: 2 of 2 joins|refused/);
    const expired = joinToken(server.dataDir, ['--ttl', '1s']);
    await new Promise((r) => setTimeout(r, 1500));
    await expect(startTestAgent('pi-d', expired)).rejects.toThrow(/expired|not authorized/i);
  });

  it('runs a pod bound to the node, reports its status, serves kubectl logs and top, and finishes a graceful delete', async () => {
    a.kubelet.logLines.set('default/hello/c', ['line one', 'line two', 'line three']);
    await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello', namespace: 'default' }, spec: { nodeName: 'pi-a', containers: [{ name: 'c', image: 'busybox' }] } }));
    await eventually(async () => await k(['get', 'pod', 'hello', '-o', 'jsonpath={.status.phase}']) === 'Running', 10_000, 'pod Running');
    expect(await k(['logs', 'hello', '--tail', '2'])).toBe('line two\nline three\n');
    const missing = await kr(['logs', 'hello', '-c', 'nope']);
    expect(missing.stderr).toMatch(/container nope is not valid for pod hello/);
    await eventually(async () => (await kr(['top', 'nodes'])).stdout.includes('pi-a'), 10_000, 'kubectl top nodes');
    expect((await kr(['top', 'node', 'pi-a'])).stdout).toMatch(/pi-a\s+250m\s+\d+%\s+512Mi/);
    expect(await k(['get', '--raw', '/metrics'])).toMatch(/flotilla_node_temperature_celsius\{node="pi-a"\} 51\.5/);
    const exec = await flotilla(['exec', 'hello', '--data-dir', server.dataDir, '--', 'echo', 'hi there']);
    expect(exec).toEqual({ status: 0, stdout: 'echo hi there\n' });
    expect(await k(['exec', 'hello', '--', 'echo', 'via', 'kubectl'])).toBe('echo via kubectl\n');
    expect((await kr(['exec', 'gone-pod', '--', 'true'])).stderr).toMatch(/NotFound|not found/);
    await k(['delete', 'pod', 'hello', '--wait=true', '--timeout=20s']);
    expect((await kr(['get', 'pod', 'hello'])).stderr).toMatch(/NotFound/);
  });

  it('goes Unknown with the unreachable taint when the link is cut, keeps its pods, and is Ready again on reconnect without restarting anything', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sensor', namespace: 'default' }, spec: { nodeName: 'pi-a', containers: [{ name: 'c', image: 'busybox' }] } }));
    await eventually(async () => await k(['get', 'pod', 'sensor', '-o', 'jsonpath={.status.phase}']) === 'Running', 10_000, 'sensor Running');
    const applied = a.kubelet.applied.length;
    await a.cut();
    await eventually(async () => (await nodeJson('pi-a')).status.conditions.find((c) => c.type === 'Connected')?.status === 'False', 5_000, 'last will: Connected=False');
    await eventually(async () => (await ready('pi-a')) === 'Unknown', 10_000, 'pi-a Unknown');
    expect((await nodeJson('pi-a')).spec.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    expect((await kr(['logs', 'sensor'])).stderr).toMatch(/node "pi-a" is offline/);
    expect(await k(['get', 'pod', 'sensor', '-o', 'name'])).toBe('pod/sensor\n');
    a.restore();
    await eventually(async () => (await ready('pi-a')) === 'True', 15_000, 'pi-a Ready again');
    expect((await nodeJson('pi-a')).spec.taints ?? []).toEqual([]);
    expect(a.agent.sessions).toBeGreaterThanOrEqual(2);
    // Nothing re-applied beyond the same state: the kubelet restarts nothing.
    expect(a.kubelet.applied.slice(applied).every((s) => s.pods.map((p) => p.metadata.name).join() === 'sensor')).toBe(true);
    expect(await k(['get', 'pod', 'sensor', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])).toBe('0');
  });

  it('serves MQTT over WebSocket with the same credentials and ACL', async () => {
    const creds = loadCredentials(b.dataDir);
    if (!creds || server.mqtt.wsPort === undefined) throw new Error('no credentials or WebSocket port');
    const ws = await rawClient(`ws://127.0.0.1:${server.mqtt.wsPort}`, { username: creds.username, password: creds.password, clientId: 'pi-b' });
    clients.push(ws);
    expect(ws.connected).toBe(true);
    ws.end(true);
    await expect(rawClient(`ws://127.0.0.1:${server.mqtt.wsPort}`, { username: 'pi-b', password: 'wrong', clientId: 'pi-b' })).rejects.toThrow(/Bad username or password/i);
  });

  it('drops bad payloads on every up topic with a logged reason, and keeps serving', async () => {
    const creds = loadCredentials(a.dataDir);
    if (!creds) throw new Error('no credentials');
    // A second connection under the device's client id would take over its session: use the raw
    // client as the device itself for a moment.
    const raw = await rawClient(creds.broker, { username: creds.username, password: creds.password, clientId: 'pi-a', caPem: creds.caPem });
    clients.push(raw);
    const payloads = ['garbage{', '[]', '{"kind":"heartbeat","seq":"x"}', JSON.stringify({ kind: 'status', pad: 'x'.repeat(70_000) }), '{"kind":"nope"}'];
    for (const leaf of UP_LEAVES) for (const p of payloads) raw.publish(upTopic('pi-a', leaf), p, { qos: 1 });
    await eventually(() => server.logs.filter((l) => l.includes('node channel: message rejected')).length >= UP_LEAVES.length * payloads.length, 10_000, 'every bad payload rejected');
    const reasons = server.logs.filter((l) => l.includes('message rejected')).map((l) => (JSON.parse(l) as { reason: string }).reason);
    expect(reasons).toEqual(expect.arrayContaining([expect.stringMatching(/not JSON/), expect.stringMatching(/must be an object: got an array/), expect.stringMatching(/seq must be an integer/), expect.stringMatching(/bytes: more than/), expect.stringMatching(/kind "nope" is not allowed/)]));
    raw.end(true);
    expect(await k(['get', 'nodes', '-o', 'name'])).toContain('node/pi-a');
    await eventually(async () => (await ready('pi-a')) === 'True', 15_000, 'pi-a Ready after the raw client left');
  });

  describe('security (real mosquitto clients against the embedded broker)', () => {
    let creds: ReturnType<typeof loadCredentials>;
    beforeAll(async () => {
      creds = loadCredentials(a.dataDir);
      await a.agent.stop(); // the embedded broker ties a device to its client id: A's credentials are used by the CLI clients now
    });
    securityChecks(() => {
      if (!creds || server.mqtt.port === undefined) throw new Error('no credentials or port');
      return {
        port: server.mqtt.port,
        a: creds,
        b: 'pi-b',
        clientId: 'pi-a',
        labels: async (node) => (await nodeJson(node)).metadata.labels,
        joinAnother: async () => {
          agents.push(await startTestAgent('pi-e', joinToken(server.dataDir, ['--usages', '1'])));
        },
      };
    });
  });

  it('revokes a deleted node: its credentials are refused and it is disconnected at once', async () => {
    const creds = loadCredentials(b.dataDir);
    expect(b.agent.connected).toBe(true);
    await k(['delete', 'node', 'pi-b']);
    await eventually(() => !b.agent.connected, 3_000, 'pi-b disconnected');
    await eventually(() => b.logs.some((l) => String(l.msg).includes('refused this device')), 10_000, 'agent told it was refused');
    if (!creds) throw new Error('no credentials');
    await expect(rawClient(creds.broker, { username: creds.username, password: creds.password, clientId: 'pi-b', caPem: creds.caPem })).rejects.toThrow(/Bad username or password|Not authorized/i);
  });
});
