import pino from 'pino';
import { FakeClock } from '../../shared/clock';
import { decodeMessage } from '../../shared/channel/decode';
import { MemoryBroker } from '../../shared/channel/fake/memory-broker';
import type { RequestMessage } from '../../shared/channel/messages';
import { downTopic } from '../../shared/channel/topics';
import { openExecSession } from './exec-session';
import { RequestBroker } from './requests';

function setup(online = true) {
  const clock = new FakeClock(0);
  const broker = new MemoryBroker();
  const requests = new RequestBroker({ transport: broker.connect('server'), isOnline: () => online, clock, logger: pino({ level: 'silent' }), answerTimeoutMs: 1000 });
  const sent = (): RequestMessage[] =>
    broker.publishedOn(downTopic('n1', 'request')).flatMap((p) => {
      const d = decodeMessage(downTopic('n1', 'request'), p);
      return d.ok ? [d.message as RequestMessage] : [];
    });
  const out: Array<[string, string]> = [];
  const open = () => openExecSession(requests, { node: 'n1', namespace: 'd', pod: 'p', command: ['sh'], stdin: true, tty: false }, { clock, sink: { output: (stream, data) => void out.push([stream, data.toString()]) } });
  const requestId = async (): Promise<string> => {
    await broker.flush();
    const req = sent()[0];
    if (req?.kind !== 'exec') throw new Error('no exec request sent');
    return req.id;
  };
  return { clock, broker, requests, sent, out, open, requestId };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('openExecSession (server side of an interactive exec)', () => {
  it('sends the exec, then stdin, EOF and resizes numbered from 0, in chunks that fit the channel', async () => {
    const t = setup();
    const s = t.open();
    const id = await t.requestId();
    expect(t.sent()[0]).toMatchObject({ kind: 'exec', id, namespace: 'd', pod: 'p', command: ['sh'], stdin: true, tty: false });
    s.resize({ width: 80, height: 24 });
    s.write(Buffer.alloc(40 * 1024, 'x'));
    s.closeStdin();
    await t.broker.flush();
    const inputs = t.sent().slice(1);
    expect(inputs.map((m) => (m.kind === 'execInput' ? [m.seq, m.resize !== undefined, m.data ? Buffer.from(m.data, 'base64').length : 0, m.eof === true] : m.kind))).toEqual([
      [0, true, 0, false],
      [1, false, 32 * 1024, false],
      [2, false, 8 * 1024, false],
      [3, false, 0, true],
    ]);
  });

  it('hands output to the sink in seq order, once each, and ends with the exit code of done', async () => {
    const t = setup();
    const s = t.open();
    const id = await t.requestId();
    t.requests.response('n2', { kind: 'execOutput', id, seq: 0, stream: 'stdout', data: b64('forged') });
    t.requests.response('n1', { kind: 'execOutput', id, seq: 2, stream: 'stderr', data: b64('err') });
    t.requests.response('n1', { kind: 'done', id, seq: 3, exitCode: 3 });
    t.requests.response('n1', { kind: 'execOutput', id, seq: 0, stream: 'stdout', data: '' });
    t.requests.response('n1', { kind: 'execOutput', id, seq: 1, stream: 'stdout', data: b64('out') });
    t.requests.response('n1', { kind: 'execOutput', id, seq: 1, stream: 'stdout', data: b64('out') });
    expect(await s.exit).toBe(3);
    expect(t.out).toEqual([['stdout', 'out'], ['stderr', 'err']]);
  });

  it.each([
    ['the device reports an error', (t: ReturnType<typeof setup>, id: string) => t.requests.response('n1', { kind: 'done', id, seq: 0, error: { code: 'NotFound', message: 'pods "p" not found' } }), { code: 'NotFound', message: 'pods "p" not found' }],
    ['the device never answers', (t: ReturnType<typeof setup>) => t.clock.advance(1000), { code: 'Timeout' }],
    ['the node goes offline', (t: ReturnType<typeof setup>) => t.requests.nodeGone('n1'), { code: 'ServiceUnavailable' }],
  ])('fails when %s', async (_what, act, expected) => {
    const t = setup();
    const s = t.open();
    act(t, await t.requestId());
    await expect(s.exit).rejects.toMatchObject(expected);
  });

  it('asks for a window and credits output only once the sink took it', async () => {
    const t = setup();
    let release: () => void = () => undefined;
    const slow = new Promise<void>((r) => (release = r));
    const s = openExecSession(t.requests, { node: 'n1', namespace: 'd', pod: 'p', command: ['cat'], stdin: true }, { clock: t.clock, sink: { output: () => slow } });
    const id = await t.requestId();
    expect(t.sent()[0]).toMatchObject({ kind: 'exec', window: 16 });
    for (let seq = 0; seq < 8; seq++) t.requests.response('n1', { kind: 'execOutput', id, seq, stream: 'stdout', data: b64(`chunk ${seq}`) });
    await t.broker.flush();
    expect(t.sent().filter((m) => m.kind === 'credit')).toEqual([]); // the client has not taken them yet
    release();
    await t.broker.flush();
    expect(t.sent().filter((m) => m.kind === 'credit')).toEqual([{ kind: 'credit', id, seq: 7 }]);
    s.cancel();
  });

  it('refuses at once when the node is offline, sending nothing', async () => {
    const t = setup(false);
    await expect(t.open().exit).rejects.toThrow(/node "n1" is offline/);
    await t.broker.flush();
    expect(t.sent()).toEqual([]);
  });

  it('tells the device to cancel when the client goes away, and sends nothing after', async () => {
    const t = setup();
    const s = t.open();
    const id = await t.requestId();
    s.cancel();
    s.write(Buffer.from('late'));
    await expect(s.exit).rejects.toMatchObject({ code: 'Gone' });
    await t.broker.flush();
    expect(t.sent().map((m) => [m.kind, m.id])).toEqual([['exec', id], ['cancel', id]]);
  });
});
