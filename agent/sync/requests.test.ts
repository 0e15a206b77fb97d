// The device's request handler: an exec holds one of a few slots only while it runs — a command that never
// ends (`kubectl exec … -- tail -f`) is bounded by a deadline and ended by the server's cancel or the link's end.

import { MemoryBroker } from '../../shared/channel/fake/memory-broker';
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
