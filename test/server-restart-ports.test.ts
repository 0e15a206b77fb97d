// A server whose embedded broker ports were asked for as 0 (any free port) comes back on the same
// ports after a restart, so a joined device reconnects by itself with the broker URL it joined with;
// when a remembered port has been taken by someone else, the server refuses to start and says why.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinToken, kubectlAsyncOk, startTestAgent, type TestAgent } from './helpers/channel';
import { eventually } from './helpers/kubectl';
import { startServerProcess, stopAll, type ServerProcess } from './helpers/server-process';

jest.setTimeout(60_000);

let dir: string;
let server: ServerProcess | undefined;
let agent: TestAgent | undefined;
let blocker: Server | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-restart-ports-'));
});

afterAll(async () => {
  await agent?.agent.stop();
  if (agent) rmSync(agent.dataDir, { recursive: true, force: true });
  await server?.stop();
  stopAll();
  await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('server restart with --mqtt-port 0 --mqtts-port 0', () => {
  let first: ServerProcess['mqtt'];

  it('comes back on the same ports; a joined device reconnects with the broker URL it joined with and is Ready', async () => {
    server = await startServerProcess(join(dir, 'server')); // the helper asks for --mqtt-port 0 --mqtts-port 0
    first = server.mqtt;
    expect(first.tlsPort).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(dir, 'server', 'mqtt', 'ports.json'), 'utf8'))).toEqual({ mqtt: first.port, mqtts: first.tlsPort });
    const token = joinToken(server.dataDir);
    agent = await startTestAgent('restart-ports', token);
    const a = agent;
    expect(a.agent.credentials?.broker).toBe(`mqtts://127.0.0.1:${first.tlsPort}`);
    await eventually(() => a.agent.connected, 10_000, 'device connected');

    await server.stop();
    await eventually(() => !a.agent.connected, 10_000, 'device lost the broker');
    server = await startServerProcess(join(dir, 'server'));
    expect(server.mqtt).toMatchObject({ port: first.port, tlsPort: first.tlsPort });
    const s = server;
    await eventually(() => a.agent.connected && a.agent.sessions >= 2, 30_000, 'device reconnected by itself');
    await eventually(async () => (await kubectlAsyncOk(s.kubeconfig, ['get', 'node', 'restart-ports', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])) === 'True', 15_000, 'node Ready');
  });

  it('refuses to start, naming the flag, the port and the file, when a remembered port is taken', async () => {
    await server?.stop();
    server = undefined;
    const port = first.tlsPort ?? 0;
    const b = createServer();
    blocker = b;
    await new Promise<void>((resolve, reject) => {
      b.once('error', reject);
      b.listen(port, '127.0.0.1', () => resolve());
    });
    await expect(startServerProcess(join(dir, 'server'))).rejects.toThrow(new RegExp(`--mqtts-port 0: port ${port} is in use\\..*remembered in [^ ]*ports\\.json`));
  });
});
