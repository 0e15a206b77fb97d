// The server's side of an interactive exec (`kubectl exec -i/-t`) over the node channel: sends the
// exec request, then stdin, EOF and resizes as execInput messages numbered from 0; hands the
// device's execOutput chunks to the sink in `seq` order and settles `exit` with the exit code from
// `done` — or with the device's error, "offline", or no answer within the answer timeout.

import { randomUUID } from 'node:crypto';
import type { ExecInputMessage, ExecRequest, ResponseMessage, TerminalSize } from '../../shared/channel/messages';
import type { Clock } from '../../shared/clock';
import { FlotillaError } from '../../shared/errors';
import { Credits, STREAM_WINDOW } from './credits';
import { errorFrom, type RequestBroker } from './requests';

export interface ExecSessionSink {
  /** May return a promise that settles once the client took the data: the device waits for it. */
  output(stream: 'stdout' | 'stderr', data: Buffer): void | Promise<void>;
}

export interface ServerExecSession {
  write(data: Buffer): void;
  closeStdin(): void;
  resize(size: TerminalSize): void;
  /** Ends the command's session on the device (the client went away). Idempotent. */
  cancel(): void;
  /** The command's exit code. */
  exit: Promise<number>;
}

export function openExecSession(
  broker: RequestBroker,
  request: Omit<ExecRequest, 'kind' | 'id'> & { node: string },
  deps: { sink: ExecSessionSink; clock: Clock },
): ServerExecSession {
  const { node, ...fields } = request;
  const id = randomUUID();
  let settled = false;
  let resolveExit: (code: number) => void = () => undefined;
  let rejectExit: (err: FlotillaError) => void = () => undefined;
  const exit = new Promise<number>((resolve, reject) => {
    resolveExit = resolve;
    rejectExit = reject;
  });
  void exit.catch(() => undefined); // whoever awaits `exit` sees the error; an unawaited one is no crash
  let untrack: () => void = () => undefined;
  const timeoutMs = broker.answerTimeout();
  const timer = deps.clock.setTimeout(() => finish(new FlotillaError('Timeout', `node "${node}" did not start an exec within ${timeoutMs} ms`)), timeoutMs);
  const finish = (result: number | FlotillaError): void => {
    if (settled) return;
    settled = true;
    timer.cancel();
    untrack();
    if (typeof result === 'number') resolveExit(result);
    else rejectExit(result);
  };
  const early = new Map<number, ResponseMessage & { seq: number }>();
  let nextSeq = 0;
  const credits = new Credits((seq) => void broker.send(node, { kind: 'credit', id, seq }).catch(() => undefined));
  // Output goes to the sink in order; a chunk is credited once the sink took it and those before it.
  let taken: Promise<void> = Promise.resolve();
  const deliver = (msg: ResponseMessage): void => {
    if (msg.kind !== 'execOutput' && msg.kind !== 'done') return;
    timer.cancel();
    if (msg.seq < nextSeq || early.has(msg.seq)) return; // a QoS 1 duplicate
    if (!credits.allows(msg.seq)) {
      finish(new FlotillaError('InternalError', `node "${node}" sent exec output ${msg.seq} beyond its flow-control window`));
      void broker.send(node, { kind: 'cancel', id }).catch(() => undefined);
      return;
    }
    early.set(msg.seq, msg);
    for (let m = early.get(nextSeq); m; m = early.get(nextSeq)) {
      early.delete(nextSeq++);
      if (m.kind === 'execOutput') {
        const wrote = m.data ? deps.sink.output(m.stream, Buffer.from(m.data, 'base64')) : undefined;
        const seq = m.seq;
        taken = Promise.all([taken, wrote]).then(() => credits.taken(seq), () => undefined);
      } else if (m.kind === 'done') finish(m.error ? errorFrom(m.error) : (m.exitCode ?? 0));
    }
  };
  let inputSeq = 0;
  const send = (input: Omit<ExecInputMessage, 'kind' | 'id' | 'seq'>): void => {
    if (settled) return;
    broker.send(node, { kind: 'execInput', id, seq: inputSeq++, ...input }).catch((err: Error) => finish(new FlotillaError('ServiceUnavailable', `cannot reach node "${node}": ${err.message}`)));
  };

  if (!broker.isOnline(node)) finish(broker.offline(node, `exec in pod ${fields.namespace}/${fields.pod}`));
  else {
    untrack = broker.track(node, id, { deliver, fail: finish });
    broker.send(node, { kind: 'exec', id, ...fields, window: STREAM_WINDOW }).catch((err: Error) => finish(new FlotillaError('ServiceUnavailable', `cannot reach node "${node}": ${err.message}`)));
  }
  return {
    write: (data) => {
      // Chunks fit the channel's payload limit (32 KiB raw, 43 KiB in base64).
      for (let at = 0; at < data.length; at += 32 * 1024) send({ data: data.subarray(at, at + 32 * 1024).toString('base64') });
    },
    closeStdin: () => send({ eof: true }),
    resize: (size) => send({ resize: size }),
    cancel: () => {
      if (settled) return;
      void broker.send(node, { kind: 'cancel', id }).catch(() => undefined);
      finish(new FlotillaError('Gone', 'the exec session was cancelled'));
    },
    exit,
  };
}
