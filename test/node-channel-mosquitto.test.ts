// The node channel against an external broker: Debian's mosquitto, with the password and pattern
// ACL files flotilla writes (and reloads with SIGHUP). The same flow as with the embedded broker —
// join, Ready, pod status, logs, delete, a cut link — plus the security checks with real
// mosquitto_sub/mosquitto_pub, and revocation through the reloaded password file.

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCredentials } from '../agent/sync/device-credentials';
import { securityChecks } from './helpers/channel-security';
import { joinToken, kubectlAsync, kubectlAsyncOk, startTestAgent, type TestAgent } from './helpers/channel';
import { eventually } from './helpers/kubectl';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto';
import { startServerProcess, stopAll, type ServerProcess } from './helpers/server-process';

jest.setTimeout(60_000);

let dir: string;
let mosquitto: Mosquitto;
let server: ServerProcess;
const agents: TestAgent[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-mosquitto-e2e-'));
  mosquitto = await startMosquitto(dir);
  server = await startServerProcess(join(dir, 'server'), [
    '--mqtt-url', `mqtt://127.0.0.1:${mosquitto.port}`,
    '--mosquitto-password-file', mosquitto.passwordFile,
    '--mosquitto-acl-file', mosquitto.aclFile,
    '--mosquitto-reload', mosquitto.reloadCommand,
    '--node-monitor-grace-period', '3s',
  ]);
});

afterAll(async () => {
  for (const a of agents) {
    await a.agent.stop();
    rmSync(a.dataDir, { recursive: true, force: true });
  }
  await server?.stop();
  await mosquitto?.stop();
  stopAll();
  rmSync(dir, { recursive: true, force: true });
});

const k = (args: string[], input?: string) => kubectlAsyncOk(server.kubeconfig, args, input);
const nodeJson = async (name: string) => JSON.parse(await k(['get', 'node', name, '-o', 'json'])) as { metadata: { labels: Record<string, string> }; status: { conditions: Array<{ type: string; status: string }> } };
const ready = async (name: string) => (await nodeJson(name)).status.conditions.find((c) => c.type === 'Ready')?.status;

describe('node channel over an external mosquitto', () => {
  let a: TestAgent;
  let b: TestAgent;
  let token: string;

  it('writes mosquitto password (mosquitto $7$ hashes, readable by the mosquitto group only) and pattern ACL files', () => {
    const passwd = readFileSync(mosquitto.passwordFile, 'utf8');
    expect(passwd).toMatch(/^_flotilla_server:\$7\$1\$/m);
    expect(statSync(mosquitto.passwordFile).mode & 0o077 & ~0o040).toBe(0);
    expect(readFileSync(mosquitto.aclFile, 'utf8')).toContain('pattern write flotilla/v1/nodes/%u/up/+');
  });

  it('joins devices with a join token through mosquitto, at once (token create and the join reply wait for the reload); they are Ready', async () => {
    token = joinToken(server.dataDir, ['--usages', '3']);
    // No waiting: `token create` answers once mosquitto accepts the token, and a join is answered once
    // mosquitto accepts the device's new credentials — a device never dials before they are live.
    a = await startTestAgent('mq-a', token, { broker: `mqtt://127.0.0.1:${mosquitto.port}` });
    b = await startTestAgent('mq-b', token, { broker: `mqtt://127.0.0.1:${mosquitto.port}` });
    await eventually(() => a.agent.connected && b.agent.connected, 10_000, 'both connected');
    expect([...a.logs, ...b.logs].filter((l) => String(l.msg).includes('refused this device') || String(l.msg).includes('link down'))).toEqual([]);
    agents.push(a, b);
    await eventually(async () => (await ready('mq-a')) === 'True' && (await ready('mq-b')) === 'True', 15_000, 'both Ready');
  });

  it('runs a pod, reports its status, serves logs and finishes a graceful delete', async () => {
    a.kubelet.logLines.set('default/pinger/c', ['ping 1', 'ping 2']);
    await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pinger', namespace: 'default' }, spec: { nodeName: 'mq-a', containers: [{ name: 'c', image: 'busybox' }] } }));
    await eventually(async () => (await k(['get', 'pod', 'pinger', '-o', 'jsonpath={.status.phase}'])) === 'Running', 10_000, 'pod Running');
    expect(await k(['logs', 'pinger'])).toBe('ping 1\nping 2\n');
    await k(['delete', 'pod', 'pinger', '--wait=true', '--timeout=20s']);
    expect((await kubectlAsync(server.kubeconfig, ['get', 'pod', 'pinger'])).stderr).toMatch(/NotFound/);
  });

  it('goes Unknown when the link is cut and Ready again when it is back', async () => {
    await b.cut();
    await eventually(async () => (await ready('mq-b')) === 'Unknown', 10_000, 'mq-b Unknown');
    b.restore();
    await eventually(async () => (await ready('mq-b')) === 'True', 15_000, 'mq-b Ready again');
  });

  describe('security (real mosquitto clients against mosquitto)', () => {
    let creds: ReturnType<typeof loadCredentials>;
    beforeAll(async () => {
      creds = loadCredentials(a.dataDir);
      await a.agent.stop();
    });
    securityChecks(() => {
      if (!creds) throw new Error('no credentials');
      return {
        port: mosquitto.port,
        a: creds,
        b: 'mq-b',
        clientId: 'mq-a-cli',
        labels: async (node) => (await nodeJson(node)).metadata.labels,
        joinAnother: async () => {
          agents.push(await startTestAgent('mq-c', token, { broker: `mqtt://127.0.0.1:${mosquitto.port}` }));
        },
      };
    });
  });

  it('revokes a deleted node: mosquitto reloads the password file and drops the device', async () => {
    expect(b.agent.connected).toBe(true);
    await k(['delete', 'node', 'mq-b']);
    await eventually(() => !readFileSync(mosquitto.passwordFile, 'utf8').includes('mq-b:'), 5_000, 'mq-b gone from the password file');
    await eventually(() => !b.agent.connected, 5_000, 'mq-b disconnected');
    await eventually(() => b.logs.some((l) => String(l.msg).includes('refused this device')), 10_000, 'agent refused');
  });
});
