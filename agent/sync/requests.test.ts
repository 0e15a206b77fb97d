// The device's request handler: an exec holds one of a few slots only while it runs — a command that never
// ends (`kubectl exec … -- tail -f`) is bounded by a deadline and ended by the server's cancel or the link's end.

import { decodeMessage } from '../../shared/channel/decode';
import { MemoryBroker } from '../../shared/channel/fake/memory-broker';
import { upTopic } from '../../shared/channel/topics';
import type { ExecRequest } from '../../shared/channel/messages';
import { FakeKubelet } from './fake/fake-kubelet';
import { RequestHandler } from './requests';

const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const exec = (id: string, extra: Partial<ExecRequest> = {}): ExecRequest => ({ kind: 'exec', id, namespace: 'default', pod: 'p', command: ['tail', '-f', '/dev/null'], ...extra });

function setup() {
  const broker = new MemoryBroker();
  const kubelet = new FakeKubelet();
  const calls: Array<{ timeoutMs?: number; signal?: AbortSignal }> = [];
  // An exec that runs until its deadline or its signal ends it.
  kubelet.exec = (_ref, _command, options = {}) => {
    calls.push(options);
    return new Promise((_resolve, reject) => options.signal?.addEventListener('abort', () => reject(new Error('exec aborted'))));
  };
  const handler = new RequestHandler({ node: 'pi', kubelet, transport: broker.connect('pi'), log });
  return { broker, handler, calls };
}

describe('RequestHandler exec', () => {
  it('gives an exec without a timeout a deadline, and frees its slot on cancel', async () => {
    const t = setup();
    for (let i = 0; i < 16; i++) t.handler.handle(exec(`r${i}`));
    expect(t.calls).toHaveLength(16);
    expect(t.calls.every((c) => c.timeoutMs !== undefined && c.timeoutMs > 0)).toBe(true);
    t.handler.handle(exec('refused'));
    expect(t.calls).toHaveLength(16);
    t.handler.handle({ kind: 'cancel', id: 'r0' });
    await t.broker.flush();
    await new Promise((r) => setImmediate(r));
    t.handler.handle(exec('served', { timeoutMs: 5000 }));
    expect(t.calls.map((c) => c.timeoutMs).at(-1)).toBe(5000);
    t.handler.cancelAll();
  });

  it('ends every running exec when the session ends', async () => {
    const t = setup();
    t.handler.handle(exec('a'));
    t.handler.cancelAll();
    expect(t.calls[0]?.signal?.aborted).toBe(true);
  });
});

describe('RequestHandler logs flow control', () => {
  const line = 'x'.repeat(40 * 1024); // one chunk per line
  const chunks = (broker: MemoryBroker): Array<{ seq: number; kind: string; code?: string }> =>
    broker.publishedOn(upTopic('pi', 'response')).flatMap((p) => {
      const d = decodeMessage(upTopic('pi', 'response'), p);
      if (!d.ok || (d.message.kind !== 'logChunk' && d.message.kind !== 'done')) return [];
      return [{ seq: d.message.seq, kind: d.message.kind, ...(d.message.kind === 'done' && d.message.error ? { code: d.message.error.code } : {}) }];
    });
  const settle = async (broker: MemoryBroker): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      await broker.flush();
      await new Promise((r) => setImmediate(r));
    }
  };

  function endless(stallMs?: number) {
    const broker = new MemoryBroker();
    const kubelet = new FakeKubelet();
    let read = 0;
    kubelet.logs = async function* (_ref, options = {}) {
      while (!options.signal?.aborted) {
        read++;
        yield { line, stream: 'stdout' as const };
        await new Promise((r) => setImmediate(r));
      }
    };
    const handler = new RequestHandler({ node: 'pi', kubelet, transport: broker.connect('pi'), log, ...(stallMs ? { stallMs } : {}) });
    return { broker, handler, read: () => read };
  }

  it('sends at most `window` chunks beyond the last credit and reads the log no further until credited', async () => {
    const t = endless();
    t.handler.handle({ kind: 'logs', id: 'l', namespace: 'default', pod: 'p', follow: true, window: 4 });
    await settle(t.broker);
    expect(chunks(t.broker).map((c) => c.seq)).toEqual([0, 1, 2, 3]);
    const readBefore = t.read();
    await settle(t.broker);
    expect(t.read()).toBe(readBefore); // waiting, not reading ahead
    t.handler.handle({ kind: 'credit', id: 'l', seq: 2 });
    await settle(t.broker);
    expect(chunks(t.broker).map((c) => c.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]); // up to credit + window
    t.handler.handle({ kind: 'cancel', id: 'l' });
    await settle(t.broker);
    expect(chunks(t.broker).at(-1)?.kind).toBe('done');
  });

  it('without a window (an older server) streams on as before', async () => {
    const t = endless();
    t.handler.handle({ kind: 'logs', id: 'l', namespace: 'default', pod: 'p', follow: true });
    await settle(t.broker);
    expect(chunks(t.broker).length).toBeGreaterThan(10);
    t.handler.cancelAll();
  });

  it('sends done only after the last chunk went, in order, when the log ends while a chunk waits for credit', async () => {
    const broker = new MemoryBroker();
    const kubelet = new FakeKubelet();
    kubelet.logs = async function* () {
      yield { line: 'short', stream: 'stdout' as const };
      await new Promise((r) => setTimeout(r, 150)); // the follow timer flushes 'short' meanwhile
      yield { line: 'last', stream: 'stdout' as const };
    };
    const handler = new RequestHandler({ node: 'pi', kubelet, transport: broker.connect('pi'), log });
    handler.handle({ kind: 'logs', id: 'l', namespace: 'default', pod: 'p', follow: true, window: 1 });
    await new Promise((r) => setTimeout(r, 300));
    await settle(broker);
    expect(chunks(broker)).toEqual([{ seq: 0, kind: 'logChunk' }]); // 'short' waits for credit; nothing jumps ahead
    handler.handle({ kind: 'credit', id: 'l', seq: 0 });
    await settle(broker);
    handler.handle({ kind: 'credit', id: 'l', seq: 1 });
    await settle(broker);
    // 'short' and 'last' went in one chunk or two (the follow timer's timing); either way in order, done last, no gap.
    const sent = chunks(broker);
    expect(sent.map((c) => c.seq)).toEqual(sent.map((_c, i) => i));
    expect(sent.map((c) => c.kind)).toEqual([...sent.slice(0, -1).map(() => 'logChunk'), 'done']);
    const text = broker.publishedOn(upTopic('pi', 'response')).map((p) => decodeMessage(upTopic('pi', 'response'), p)).map((d) => (d.ok && d.message.kind === 'logChunk' ? d.message.data : '')).join('');
    expect(text).toBe('short\nlast\n');
  });

  it('ends the stream with a Timeout when the server stops crediting', async () => {
    const t = endless(30);
    t.handler.handle({ kind: 'logs', id: 'l', namespace: 'default', pod: 'p', follow: true, window: 1 });
    await new Promise((r) => setTimeout(r, 80));
    await settle(t.broker);
    expect(chunks(t.broker)).toEqual([{ seq: 0, kind: 'logChunk' }, { seq: 1, kind: 'done', code: 'Timeout' }]); // the chunk that waited never went: done takes its number, no gap
  });
});
