import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { FakeClock } from '../../shared/clock';
import { decodeMessage } from '../../shared/channel/decode';
import { MemoryBroker } from '../../shared/channel/fake/memory-broker';
import { encodeMessage, type ChannelMessage } from '../../shared/channel/messages';
import { downTopic, upTopic } from '../../shared/channel/topics';
import type { ChannelTransport } from '../../shared/channel/transport';
import { GOODBYE_MS, NodeChannelAgent, type Dialer } from './channel-agent';
import { credentialsPath, saveCredentials } from './device-credentials';
import { JoinRefused } from './join';
import { FakeKubelet } from './fake/fake-kubelet';
import type { NodeInfoSource } from './types';

const info: NodeInfoSource = {
  facts: async () => ({ labels: { 'kubernetes.io/hostname': 'pi' }, capacity: { cpu: '4' }, nodeInfo: {} as never, addresses: [] }),
  status: async () => ({ labels: {}, capacity: { cpu: '4' }, allocatable: { cpu: '4' }, nodeInfo: {} as never, addresses: [], conditions: [] }),
};

const pod = (name: string, uid: string) => ({ apiVersion: 'v1' as const, kind: 'Pod' as const, metadata: { name, namespace: 'default', uid }, spec: { nodeName: 'pi', containers: [{ name: 'c', image: 'i' }] } });
const desired = (version: number, pods: ReturnType<typeof pod>[]) => encodeMessage({ kind: 'desired', version, pods, configMaps: [], secrets: [] });

async function setup(options: { join?: boolean; joinFailures?: number; refuse?: string; dialGate?: Promise<void> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-agent-'));
  const clock = new FakeClock(1_000_000);
  const broker = new MemoryBroker();
  const server = broker.connect('server');
  await server.subscribe(['flotilla/v1/nodes/+/up/+']);
  const kubelet = new FakeKubelet();
  const logs: Array<{ msg: string; reason?: string }> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as { msg: string }) });
  // hang(): from then on the broker acknowledges nothing and a clean disconnect never completes (a hung or departing broker).
  let hung = false;
  const never = new Promise<never>(() => undefined);
  const dial: Dialer = async (o) => {
    await options.dialGate;
    const c = broker.connect(o.clientId, o.will ? { will: o.will } : {});
    const transport: ChannelTransport = {
      publish: (topic, payload, opts) => (hung ? never : c.publish(topic, payload, opts)),
      subscribe: (filters) => c.subscribe(filters),
      onMessage: (handler) => c.onMessage(handler),
    };
    return { transport, closed: c.closed, end: async (force) => (force ? c.drop() : hung ? never : c.end()) };
  };
  let joinFailures = options.joinFailures ?? 0;
  if (!options.join) saveCredentials(dir, { broker: 'mqtt://memory', nodeName: 'pi', username: 'pi', password: 'p', caPem: '' });
  const agent = new NodeChannelAgent({
    dataDir: dir, kubelet, info, log, clock, dial, random: () => 0, intervals: { metricsMs: 0 },
    token: 'fj1.x',
    join: async () => {
      if (options.refuse) throw new JoinRefused(options.refuse);
      if (joinFailures-- > 0) throw new Error('connect ECONNREFUSED 10.0.0.1:8883');
      return { broker: 'mqtt://memory', nodeName: 'pi', username: 'pi', password: 'joined', caPem: '' };
    },
  });
  const up = (leaf: Parameters<typeof upTopic>[1]): ChannelMessage[] =>
    broker.publishedOn(upTopic('pi', leaf)).flatMap((p) => {
      const d = decodeMessage(upTopic('pi', leaf), p);
      return d.ok ? [d.message] : [];
    });
  const settle = () => broker.flush();
  const hang = (): void => void (hung = true);
  return { dir, clock, broker, server, kubelet, agent, up, settle, logs, hang, done: async () => { await agent.stop(); rmSync(dir, { recursive: true, force: true }); } };
}

describe('NodeChannelAgent', () => {
  it('joins once with the token and stores its credentials 0600', async () => {
    const t = await setup({ join: true });
    try {
      await t.agent.start();
      await t.settle();
      expect(t.agent.credentials?.password).toBe('joined');
      expect(statSync(credentialsPath(t.dir)).mode & 0o777).toBe(0o600);
    } finally {
      await t.done();
    }
  });

  it('keeps trying to join while the broker cannot be reached, without failing the agent', async () => {
    const t = await setup({ join: true, joinFailures: 2 });
    try {
      await t.agent.start(); // resolves: the kubelet beside it keeps running its pods meanwhile
      await t.settle();
      expect(t.agent.credentials).toBeUndefined();
      expect(t.logs.filter((l) => /join/.test(l.msg)).length).toBeGreaterThan(0);
      t.clock.advance(1000);
      await t.settle();
      t.clock.advance(2000);
      await t.settle();
      expect(t.agent.credentials?.password).toBe('joined');
      expect(statSync(credentialsPath(t.dir)).mode & 0o777).toBe(0o600);
      expect(t.agent.connected).toBe(true);
    } finally {
      await t.done();
    }
  });

  it('fails at start when the join is refused (the token is used up): retrying would not help', async () => {
    const t = await setup({ join: true, refuse: 'join token abc is used up: 2 of 2 joins' });
    try {
      await expect(t.agent.start()).rejects.toThrow(/used up/);
    } finally {
      await t.done();
    }
  });

  it('stops when asked in the middle of dialling (a broker slow to answer)', async () => {
    let answer: () => void = () => undefined;
    const t = await setup({ dialGate: new Promise<void>((r) => (answer = r)) });
    try {
      await t.agent.start();
      await t.settle();
      const stopped = t.agent.stop().then(() => 'stopped');
      answer();
      await t.settle();
      expect(await Promise.race([stopped, new Promise((r) => setTimeout(() => r('still running'), 500))])).toBe('stopped');
    } finally {
      await t.done();
    }
  });

  it('on connect reports presence, node status and every pod, then heartbeats every 10 s', async () => {
    const t = await setup();
    try {
      await t.kubelet.setDesiredState('server', { version: 1, pods: [pod('a', 'u-a')], configMaps: [], secrets: [] });
      await t.agent.start();
      await t.settle();
      expect(t.up('presence')).toEqual([{ kind: 'presence', online: true, since: 1_000_000 }]);
      expect(t.broker.retained.has(upTopic('pi', 'presence'))).toBe(true);
      expect(t.up('status')).toHaveLength(1);
      expect(t.up('pods')).toEqual([expect.objectContaining({ full: true, statuses: [expect.objectContaining({ name: 'a', uid: 'u-a', version: 1 })] })]);
      expect(t.up('heartbeat')).toHaveLength(1);
      t.clock.advance(30_000);
      expect(t.up('heartbeat').map((m) => (m.kind === 'heartbeat' ? m.seq : -1))).toEqual([0, 1, 2, 3]);
    } finally {
      await t.done();
    }
  });

  it('applies only newer desired states, acknowledges each, and reports coalesced pod statuses', async () => {
    const t = await setup();
    try {
      await t.agent.start();
      await t.settle();
      await t.server.publish(downTopic('pi', 'desired'), desired(5, [pod('a', 'u-a'), pod('b', 'u-b')]), { retain: true });
      await t.settle();
      await t.server.publish(downTopic('pi', 'desired'), desired(3, []), { retain: true });
      await t.settle();
      expect(t.kubelet.applied.map((s) => s.version)).toEqual([5]);
      expect(t.up('ack')).toEqual([{ kind: 'ack', version: 5, applied: true }, { kind: 'ack', version: 3, applied: true }]);
      t.clock.advance(250);
      await t.settle();
      const reported = t.up('pods').filter((m) => m.kind === 'pods' && !m.full);
      expect(reported).toHaveLength(1);
      expect(reported[0]?.kind === 'pods' && reported[0].statuses.map((s) => s.name).sort()).toEqual(['a', 'b']);
    } finally {
      await t.done();
    }
  });

  it('acknowledges a desired state it could not persist as not applied, and retries it', async () => {
    const t = await setup();
    try {
      await t.agent.start();
      await t.settle();
      t.kubelet.failPersist = true;
      await t.server.publish(downTopic('pi', 'desired'), desired(9, []));
      await t.settle();
      expect(t.up('ack')).toEqual([{ kind: 'ack', version: 9, applied: false, error: 'no space left on device' }]);
      // The retained state is not sent again while the link holds: the device tries again by itself.
      t.kubelet.failPersist = false;
      t.clock.advance(30_000);
      await t.settle();
      expect(t.kubelet.applied.map((s) => s.version)).toEqual([9]);
      expect(t.up('ack').at(-1)).toEqual({ kind: 'ack', version: 9, applied: true });
    } finally {
      await t.done();
    }
  });

  it('rejects bad payloads with a logged reason and keeps working', async () => {
    const t = await setup();
    try {
      await t.agent.start();
      await t.settle();
      await t.server.publish(downTopic('pi', 'desired'), 'garbage{');
      await t.server.publish(downTopic('pi', 'request'), JSON.stringify({ kind: 'exec', id: 1 }));
      await t.server.publish(downTopic('pi', 'desired'), JSON.stringify({ kind: 'desired', version: 'x' }));
      await t.server.publish(downTopic('pi', 'desired'), desired(2, [pod('a', 'u-a')]));
      await t.settle();
      expect(t.logs.filter((l) => l.msg === 'node channel: message rejected').map((l) => l.reason)).toEqual([
        expect.stringMatching(/not JSON/),
        expect.stringMatching(/id must be a string/),
        expect.stringMatching(/version must be an integer/),
      ]);
      expect(t.kubelet.applied.map((s) => s.version)).toEqual([2]);
    } finally {
      await t.done();
    }
  });

  it('heals a flap by itself: the will says offline, it dials again with backoff, reports in full and restarts nothing', async () => {
    const t = await setup();
    try {
      await t.agent.start();
      await t.settle();
      await t.server.publish(downTopic('pi', 'desired'), desired(4, [pod('a', 'u-a')]), { retain: true });
      await t.settle();
      await t.agent.dropLink();
      await t.settle();
      expect(t.up('presence').at(-1)).toEqual({ kind: 'presence', online: false, since: 1_000_000 });
      expect(t.agent.connected).toBe(false);
      t.clock.advance(1000); // first retry after 1 s (random = 0: no jitter taken off)
      await t.settle();
      expect(t.agent.connected).toBe(true);
      expect(t.agent.sessions).toBe(2);
      expect(t.up('presence').at(-1)).toMatchObject({ online: true });
      expect(t.up('pods').filter((m) => m.kind === 'pods' && m.full)).toHaveLength(2);
      // The retained desired state came again with the same version: acknowledged, not re-applied.
      expect(t.kubelet.applied.map((s) => s.version)).toEqual([4]);
    } finally {
      await t.done();
    }
  });

  it('says goodbye (offline, retained) and disconnects cleanly when stopped', async () => {
    const t = await setup();
    try {
      await t.agent.start();
      await t.settle();
      t.clock.advance(5000);
      await t.agent.stop();
      // The goodbye carries the time of the stop; a last will (sent on a dropped link) would carry the session's start.
      expect(t.up('presence').filter((m) => m.kind === 'presence' && !m.online)).toEqual([{ kind: 'presence', online: false, since: 1_005_000 }]);
      expect(t.agent.connected).toBe(false);
    } finally {
      await t.done();
    }
  });

  it('stops within its goodbye bound when the broker never acknowledges, dropping the link so the will says offline', async () => {
    const t = await setup();
    try {
      await t.agent.start();
      await t.settle();
      t.clock.advance(5000);
      t.hang();
      let stopped = false;
      const stopping = t.agent.stop().then(() => (stopped = true));
      await t.settle();
      t.clock.advance(GOODBYE_MS - 1);
      await t.settle();
      expect(stopped).toBe(false);
      t.clock.advance(1);
      await stopping;
      expect(t.up('presence').filter((m) => m.kind === 'presence' && !m.online)).toEqual([{ kind: 'presence', online: false, since: 1_000_000 }]); // the will
    } finally {
      await t.done();
    }
  });

  it('answers a logs request with an accepting chunk, the text and done; errors go in done', async () => {
    const t = await setup();
    try {
      await t.agent.start();
      await t.settle();
      t.kubelet.logLines.set('default/a/c', ['one', 'two', 'three']);
      await t.server.publish(downTopic('pi', 'request'), encodeMessage({ kind: 'logs', id: 'r1', namespace: 'default', pod: 'a', container: 'c', tailLines: 2 }));
      await t.server.publish(downTopic('pi', 'request'), encodeMessage({ kind: 'logs', id: 'r2', namespace: 'default', pod: 'nope', container: 'c' }));
      await new Promise((r) => setTimeout(r, 20));
      await t.settle();
      const res = t.up('response');
      expect(res.filter((m) => 'id' in m && m.id === 'r1')).toEqual([
        { kind: 'logChunk', id: 'r1', seq: 0, data: '' },
        { kind: 'logChunk', id: 'r1', seq: 1, data: 'two\nthree\n' },
        { kind: 'done', id: 'r1', seq: 2 },
      ]);
      expect(res.filter((m) => 'id' in m && m.id === 'r2').at(-1)).toEqual({ kind: 'done', id: 'r2', seq: 1, error: { code: 'NotFound', message: expect.stringMatching(/not found/) } });
    } finally {
      await t.done();
    }
  });
});
