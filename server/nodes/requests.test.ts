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
