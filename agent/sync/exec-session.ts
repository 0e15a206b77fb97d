// The device's side of one interactive exec (`kubectl exec -i/-t`): starts the command through the
// kubelet, applies stdin, EOF and resizes from execInput messages in `seq` order (also those that
// arrive before the command runs), and sends the output up as it comes — an empty chunk first to
// say "started", each chunk published before the next is read (the link's pace is the command's)
// and, when the server asked for flow control, only within its window — then `done` with the exit code.

import type { ExecInputMessage, ExecRequest, ResponseMessage } from '../../shared/channel/messages';
import type { KubeletApi } from '../kubelet/api';
import type { ExecStream } from '../runtime/types';
import type { SendWindow } from './send-window';

/** The most output bytes one execOutput message carries. */
const CHUNK_BYTES = 32 * 1024;
/** How far ahead of the next expected input messages are kept (QoS 1 delivers in order; this bounds a gap). */
const MAX_EARLY = 1024;

export interface ExecSessionDeps {
  kubelet: KubeletApi;
  respond(msg: ResponseMessage): Promise<void>;
  errorOf(err: unknown): { code: string; message: string };
  /** Flow control of the output, when the server asked for it. */
  window?: SendWindow;
}

export class DeviceExecSession {
  private stream: ExecStream | undefined;
  private readonly early = new Map<number, ExecInputMessage>();
  private nextInput = 0;
  private cancelled = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly req: ExecRequest,
    private readonly deps: ExecSessionDeps,
  ) {}

  /** Runs the command to its end; resolves after `done` was sent. */
  async run(): Promise<void> {
    const { req, deps } = this;
    let seq = 0;
    // One chunk at a time, numbered once it goes: a chunk that cannot go leaves no gap before `done`.
    const send = async (msg: Omit<Extract<ResponseMessage, { kind: 'execOutput' }>, 'kind' | 'id' | 'seq'>): Promise<void> => {
      await deps.window?.room(seq, this.abort.signal); // the command's output waits with it
      await deps.respond({ kind: 'execOutput', id: req.id, seq, ...msg });
      seq++;
    };
    try {
      const stream = await deps.kubelet.execStream({ namespace: req.namespace, name: req.pod, ...(req.container ? { container: req.container } : {}) }, req.command, { stdin: req.stdin ?? false, tty: req.tty ?? false, ...(req.size ? { size: req.size } : {}) });
      this.stream = stream;
      if (this.cancelled) stream.close();
      await send({ stream: 'stdout', data: '' }); // started
      this.applyInputs();
      for await (const chunk of stream.output) {
        for (let at = 0; at < chunk.data.length; at += CHUNK_BYTES) await send({ stream: chunk.stream, data: chunk.data.subarray(at, at + CHUNK_BYTES).toString('base64') });
      }
      const exitCode = Math.max(-1, Math.min(255, await stream.wait()));
      await deps.respond({ kind: 'done', id: req.id, seq: seq++, exitCode });
    } catch (err) {
      this.stream?.close();
      await deps.respond({ kind: 'done', id: req.id, seq: seq++, error: deps.errorOf(err) }).catch(() => undefined);
    }
  }

  /** Stdin, EOF or a resize from the server; applied in `seq` order, duplicates ignored. */
  input(msg: ExecInputMessage): void {
    if (msg.seq < this.nextInput || msg.seq >= this.nextInput + MAX_EARLY || this.early.has(msg.seq)) return;
    this.early.set(msg.seq, msg);
    this.applyInputs();
  }

  /** The server gave up on the session (the client went away): the command loses its stdio. */
  cancel(): void {
    this.cancelled = true;
    this.abort.abort();
    this.stream?.close();
  }

  private applyInputs(): void {
    const stream = this.stream;
    if (!stream) return;
    for (let m = this.early.get(this.nextInput); m; m = this.early.get(this.nextInput)) {
      this.early.delete(this.nextInput++);
      if (m.resize) void stream.resize(m.resize).catch(() => undefined); // best effort: a resize racing the exit may fail
      if (m.data) stream.write(Buffer.from(m.data, 'base64'));
      if (m.eof) stream.closeStdin();
    }
  }
}
