import { SendWindow } from './send-window';

const settled = async (p: Promise<unknown>): Promise<string> => Promise.race([p.then(() => 'resolved', (e: Error) => `rejected: ${e.message}`), new Promise<string>((r) => setTimeout(() => r('pending'), 10))]);

describe('SendWindow', () => {
  it('lets chunks up to the window through before any credit, then waits for credit', async () => {
    const w = new SendWindow(2);
    expect(await settled(w.room(0))).toBe('resolved');
    expect(await settled(w.room(1))).toBe('resolved');
    const third = w.room(2);
    expect(await settled(third)).toBe('pending');
    w.credit(0);
    expect(await settled(third)).toBe('resolved');
    const far = w.room(5);
    w.credit(1);
    expect(await settled(far)).toBe('pending');
    w.credit(0); // late duplicate: no effect
    w.credit(3);
    expect(await settled(far)).toBe('resolved');
  });

  it('gives up when the server credits nothing for stallMs, naming the chunk', async () => {
    const w = new SendWindow(1, 20);
    await expect(w.room(5)).rejects.toThrow(/took no output for 20 ms \(chunk 5 waits for credit\)/);
  });

  it('stops waiting when the stream is cancelled', async () => {
    const w = new SendWindow(1);
    const abort = new AbortController();
    const waiting = w.room(3, abort.signal);
    abort.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'Gone' });
  });
});
