import pino from 'pino';
import { FakeClock } from '../../shared/clock';
import { decodeMessage } from '../../shared/channel/decode';
import { MemoryBroker } from '../../shared/channel/fake/memory-broker';
import { downTopic } from '../../shared/channel/topics';
import { RequestBroker } from './requests';

function setup(online = true) {
  const clock = new FakeClock(0);
  const broker = new MemoryBroker();
  const server = broker.connect('server');
  const requests = new RequestBroker({ transport: server, isOnline: () => online, clock, logger: pino({ level: 'silent' }), answerTimeoutMs: 1000 });
  const sent = () => broker.publishedOn(downTopic('n1', 'request')).flatMap((p) => {
    const d = decodeMessage(downTopic('n1', 'request'), p);
    return d.ok ? [d.message] : [];
  });
  return { clock, broker, requests, sent };
}

const collect = async (it: AsyncGenerator<string>) => {
  let out = '';
  for await (const s of it) out += s;
  return out;
};

describe('RequestBroker', () => {
  it('refuses at once when the node is offline', async () => {
    const t = setup(false);
    await expect(collect(t.requests.logs('n1', { namespace: 'd', pod: 'p' }, new AbortController().signal))).rejects.toThrow(/node "n1" is offline/);
    await expect(t.requests.exec('n1', { namespace: 'd', pod: 'p', command: ['ls'] })).rejects.toMatchObject({ code: 'ServiceUnavailable' });
  });

  it('puts chunks back in order by seq and ends at done; ignores answers from another node', async () => {
    const t = setup();
    const text = collect(t.requests.logs('n1', { namespace: 'd', pod: 'p' }, new AbortController().signal));
    await t.broker.flush();
    const req = t.sent()[0];
    if (!req || req.kind !== 'logs') throw new Error('no logs request sent');
    t.requests.response('n2', { kind: 'logChunk', id: req.id, seq: 0, data: 'forged\n' });
    t.requests.response('n1', { kind: 'logChunk', id: req.id, seq: 2, data: 'b\n' });
    t.requests.response('n1', { kind: 'done', id: req.id, seq: 3 });
    t.requests.response('n1', { kind: 'logChunk', id: req.id, seq: 1, data: 'a\n' });
    t.requests.response('n1', { kind: 'logChunk', id: req.id, seq: 0, data: '' });
    expect(await text).toBe('a\nb\n');
  });

  it('fails with a timeout when the node does not answer, and tells the node to cancel when the reader goes', async () => {
    const t = setup();
    const text = collect(t.requests.logs('n1', { namespace: 'd', pod: 'p' }, new AbortController().signal));
    await t.broker.flush();
    t.clock.advance(1000);
    await expect(text).rejects.toMatchObject({ code: 'Timeout' });
    const abort = new AbortController();
    const follow = collect(t.requests.logs('n1', { namespace: 'd', pod: 'p', follow: true }, abort.signal));
    await t.broker.flush();
    abort.abort();
    await follow;
    await t.broker.flush();
    expect(t.sent().map((m) => m.kind)).toEqual(['logs', 'logs', 'cancel']);
  });

  it('asks for a window and credits chunks only as the reader takes them', async () => {
    const t = setup();
    const stream = t.requests.logs('n1', { namespace: 'd', pod: 'p', follow: true }, new AbortController().signal);
    const first = stream.next();
    await t.broker.flush();
    const req = t.sent()[0];
    if (!req || req.kind !== 'logs') throw new Error('no logs request sent');
    expect(req.window).toBe(16);
    for (let seq = 0; seq <= 16; seq++) t.requests.response('n1', { kind: 'logChunk', id: req.id, seq, data: seq === 0 ? '' : `${seq}\n` });
    await first;
    await t.broker.flush();
    expect(t.sent().filter((m) => m.kind === 'credit')).toEqual([]); // the reader took only chunk 0
    let text = '';
    for (let i = 0; i < 15; i++) text += (await stream.next()).value ?? '';
    await t.broker.flush();
    expect(t.sent().flatMap((m) => (m.kind === 'credit' ? [m.seq] : []))).toEqual([7]); // every half window, once taken
    t.requests.response('n1', { kind: 'done', id: req.id, seq: 17 });
    for (let r = await stream.next(); !r.done; r = await stream.next()) text += r.value;
    await t.broker.flush();
    expect(text).toBe(Array.from({ length: 16 }, (_, i) => `${i + 1}\n`).join(''));
    expect(t.sent().flatMap((m) => (m.kind === 'credit' ? [m.seq] : []))).toEqual([7, 15]);
  });

  it('fails the stream of a device that sends beyond its window, however in order', async () => {
    const t = setup();
    const text = collect(t.requests.logs('n1', { namespace: 'd', pod: 'p' }, new AbortController().signal));
    await t.broker.flush();
    const req = t.sent()[0];
    if (!req || req.kind !== 'logs') throw new Error('no logs request sent');
    for (let seq = 0; seq <= 20; seq++) t.requests.response('n1', { kind: 'logChunk', id: req.id, seq, data: 'x\n' });
    await expect(text).rejects.toThrow(/node "n1" sent log chunk 17 beyond its flow-control window/);
  });

  it('passes the device error of an exec through with its code', async () => {
    const t = setup();
    const result = t.requests.exec('n1', { namespace: 'd', pod: 'p', command: ['ls'] });
    await t.broker.flush();
    const req = t.sent()[0];
    if (!req || req.kind !== 'exec') throw new Error('no exec request');
    t.requests.response('n1', { kind: 'done', id: req.id, seq: 0, error: { code: 'NotFound', message: 'pods "p" not found' } });
    await expect(result).rejects.toMatchObject({ code: 'NotFound', message: 'pods "p" not found' });
  });
});
