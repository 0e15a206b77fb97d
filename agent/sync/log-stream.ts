// One `kubectl logs` request served on the device: log text goes up in numbered logChunks (chunk
// 0, empty, says "accepted"), batched by size and, when following, every CHUNK_MS; then `done`.
// Chunks go one at a time through one queue: a chunk is numbered only when it is sent, so a
// stream that fails while waiting for credit leaves no gap before its `done`; while a chunk waits
// for credit the log is not read further.

import type { LogsRequest, ResponseMessage } from '../../shared/channel/messages';
import type { KubeletApi } from '../kubelet/api';
import { fitting } from './chunks';
import type { SendWindow } from './send-window';

const CHUNK_CHARS = 32 * 1024;
const CHUNK_MS = 100;

export interface LogStreamDeps {
  kubelet: KubeletApi;
  respond(msg: ResponseMessage): Promise<void>;
  errorOf(err: unknown): { code: string; message: string };
  window?: SendWindow;
}

export async function streamLogs(req: LogsRequest, signal: AbortSignal, deps: LogStreamDeps): Promise<void> {
  let seq = 0;
  let buffer = '';
  let last = Date.now();
  let queue: Promise<void> = Promise.resolve();
  let failed: unknown;
  // Ends the reading of the log when a chunk cannot go (no credit, link gone) or the server cancels.
  const reading = new AbortController();
  const stopReading = (): void => reading.abort();
  signal.addEventListener('abort', stopReading, { once: true });

  const send = async (data: string): Promise<void> => {
    for (const piece of fitting(data)) {
      await deps.window?.room(seq, signal);
      await deps.respond({ kind: 'logChunk', id: req.id, seq, data: piece });
      seq++;
    }
  };
  /** Queues what the buffer holds (chunk 0 even when empty); resolves once it went. */
  const flush = (force = false): Promise<void> => {
    queue = queue.then(async () => {
      if (failed !== undefined || (!buffer && !force)) return;
      const data = buffer;
      buffer = '';
      last = Date.now();
      await send(data).catch((err: unknown) => {
        failed ??= err;
        reading.abort();
      });
    });
    return queue;
  };

  let error: { code: string; message: string } | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await flush(true); // accepted
    let taken = 0;
    const lines = deps.kubelet.logs(
      { namespace: req.namespace, name: req.pod, ...(req.container ? { container: req.container } : {}) },
      {
        ...(req.follow ? { follow: true } : {}),
        ...(req.tailLines !== undefined ? { tailLines: req.tailLines } : {}),
        ...(req.sinceTime ? { since: new Date(req.sinceTime) } : {}),
        ...(req.timestamps ? { timestamps: true } : {}),
        ...(req.previous ? { previous: true } : {}),
        signal: reading.signal,
      },
    );
    let pending = false;
    // A quiet follow sends what it has every CHUNK_MS (one such flush at a time).
    if (req.follow) {
      timer = setInterval(() => {
        if (pending || !buffer || Date.now() - last < CHUNK_MS) return;
        pending = true;
        void flush().finally(() => (pending = false));
      }, CHUNK_MS);
    }
    for await (const l of lines) {
      if (reading.signal.aborted) break;
      let text = `${req.timestamps && l.time ? `${l.time.toISOString()} ` : ''}${l.line}\n`;
      if (req.limitBytes !== undefined && taken + text.length > req.limitBytes) text = text.slice(0, req.limitBytes - taken);
      buffer += text;
      taken += text.length;
      if (buffer.length >= CHUNK_CHARS) await flush(); // the reading waits for the chunk to go
      if (req.limitBytes !== undefined && taken >= req.limitBytes) break;
    }
    await flush();
    if (failed !== undefined) throw failed;
  } catch (err) {
    if (!signal.aborted) error = deps.errorOf(failed ?? err);
  } finally {
    if (timer) clearInterval(timer);
    signal.removeEventListener('abort', stopReading);
  }
  await queue; // nothing goes after `done`
  await deps.respond({ kind: 'done', id: req.id, seq, ...(error ? { error } : {}) });
}
