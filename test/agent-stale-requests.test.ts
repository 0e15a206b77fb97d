// A device that was offline gets, on reconnect, the newest desired state (retained) and nothing stale:
// logs/exec requests the server sent while the device was already gone (and answered with an error to
// the user long ago) must not run when it comes back. Real embedded broker (aedes), real MQTT client.

import pino from 'pino';
import { realClock } from '../shared/clock';
import { encodeMessage } from '../shared/channel/messages';
import { downTopic } from '../shared/channel/topics';
import { startEmbeddedBroker, type EmbeddedBroker } from '../server/mqtt/embedded';
import { FakeKubelet } from '../agent/sync/fake/fake-kubelet';
import { AgentConnection } from '../agent/sync/mqtt-connection';
import { Session } from '../agent/sync/session';
import { DEFAULT_INTERVALS, type NodeInfoSource } from '../agent/sync/types';

jest.setTimeout(30_000);

const logger = pino({ level: 'silent' });
const info: NodeInfoSource = {
  facts: async () => ({ labels: {}, capacity: {}, nodeInfo: {} as never, addresses: [] }),
  status: async () => ({ labels: {}, capacity: {}, allocatable: {}, nodeInfo: {} as never, addresses: [], conditions: [] }),
};

let broker: EmbeddedBroker;
const open: AgentConnection[] = [];
const sessions: Session[] = [];

beforeAll(async () => {
  broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    logger,
    authenticate: async (username) => ({ principal: username === 'server' ? { kind: 'server' } : { kind: 'device', node: username ?? '' } }),
  });
});

afterAll(async () => {
  for (const s of sessions) s.close();
  for (const c of open) await c.end(true);
  await broker?.close();
});

async function connect(clientId: string): Promise<AgentConnection> {
  const c = await AgentConnection.open({ url: `mqtt://127.0.0.1:${broker.ports.mqtt}`, clientId, username: clientId, password: 'x' });
  open.push(c);
  return c;
}

async function deviceSession(kubelet: FakeKubelet): Promise<{ link: AgentConnection; session: Session }> {
  const link = await connect('pi');
  const session = new Session({ node: 'pi', kubelet, transport: link, clock: realClock, info, intervals: { ...DEFAULT_INTERVALS, metricsMs: 0 }, log: logger });
  sessions.push(session);
  await session.open(Date.now());
  return { link, session };
}

const until = async (what: () => boolean, ms = 5_000): Promise<void> => {
  for (const end = Date.now() + ms; !what() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
};

describe('a device reconnecting after an outage', () => {
  it('applies the newest desired state and runs none of the requests sent while it was away', async () => {
    const kubelet = new FakeKubelet();
    const execs: string[][] = [];
    kubelet.exec = async (_ref, command) => {
      execs.push(command);
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    const server = await connect('server');
    const first = await deviceSession(kubelet);
    const pod = { apiVersion: 'v1' as const, kind: 'Pod' as const, metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { nodeName: 'pi', containers: [{ name: 'c', image: 'i' }] } };
    await server.publish(downTopic('pi', 'desired'), encodeMessage({ kind: 'desired', version: 1, pods: [pod], configMaps: [], secrets: [] }), { qos: 1, retain: true });
    await until(() => kubelet.desiredVersion('server') === 1);
    expect(kubelet.desiredVersion('server')).toBe(1);

    // The link dies; the server does not know yet and sends a request and a newer state.
    first.session.close();
    await first.link.end(true);
    await server.publish(downTopic('pi', 'request'), encodeMessage({ kind: 'exec', id: 'stale', namespace: 'default', pod: 'p', command: ['calibrate'] }), { qos: 1 });
    for (const version of [2, 3]) await server.publish(downTopic('pi', 'desired'), encodeMessage({ kind: 'desired', version, pods: [pod], configMaps: [], secrets: [] }), { qos: 1, retain: true });

    await deviceSession(kubelet);
    await until(() => kubelet.desiredVersion('server') === 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(kubelet.desiredVersion('server')).toBe(3);
    expect(execs).toEqual([]);

    // On a live link requests still arrive.
    await server.publish(downTopic('pi', 'request'), encodeMessage({ kind: 'exec', id: 'live', namespace: 'default', pod: 'p', command: ['date'] }), { qos: 1 });
    await until(() => execs.length > 0);
    expect(execs).toEqual([['date']]);
  });
});
