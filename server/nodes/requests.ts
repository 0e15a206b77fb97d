// Request/response over the node channel (logs, exec): the server publishes a request with a
// correlation id on the device's down/request topic; the device answers on up/response with
// chunks numbered from 0 and a final `done` (or one execResult + done). A device that is offline
// is refused at once; one that does not answer within the timeout fails the request.

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../shared/clock';
import { encodeMessage, type ExecRequest, type LogsRequest, type RequestMessage, type ResponseMessage } from '../../shared/channel/messages';
import { downTopic } from '../../shared/channel/topics';
import type { ChannelTransport } from '../../shared/channel/transport';
import { FlotillaError, type ErrorCode, httpStatusOf } from '../../shared/errors';
import { Credits, STREAM_WINDOW } from './credits';

interface Pending {
  node: string;
  deliver(msg: ResponseMessage): void;
  fail(err: FlotillaError): void;
}

export interface RequestBrokerDeps {
  transport: ChannelTransport;
  isOnline(node: string): boolean;
  clock: Clock;
  logger: Logger;
  /** How long to wait for a device's first answer. Default 15 s. */
  answerTimeoutMs?: number;
}

/** The FlotillaError a device reported. */
export function errorFrom(e: { code: string; message: string }): FlotillaError {
  const code = (e.code in httpStatusOf ? e.code : 'InternalError') as ErrorCode;
  return new FlotillaError(code, e.message);
}

export class RequestBroker {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly deps: RequestBrokerDeps) {}

  /** Routes a device's response to its request; responses from another node than asked are dropped. */
  response(node: string, msg: ResponseMessage): void {
    const p = this.pending.get(msg.id);
    if (!p || p.node !== node) return;
    p.deliver(msg);
  }

  /** The error for a request to a node that is not connected. */
  offline(node: string, what: string): FlotillaError {
    return new FlotillaError('ServiceUnavailable', `node "${node}" is offline (its agent is not connected to the broker): cannot ${what}`);
  }

  isOnline(node: string): boolean {
    return this.deps.isOnline(node);
  }

  /**
   * Routes the responses to request `id` (of `node`) to `handlers` until the returned function is
   * called; `fail` is called when the node goes away. For request kinds served outside this class.
   */
  track(node: string, id: string, handlers: { deliver(msg: ResponseMessage): void; fail(err: FlotillaError): void }): () => void {
    this.pending.set(id, { node, ...handlers });
    return () => this.pending.delete(id);
  }

  /** Publishes a request message to the node's down/request topic (QoS 1, in call order). */
  send(node: string, msg: RequestMessage): Promise<void> {
    return this.deps.transport.publish(downTopic(node, 'request'), encodeMessage(msg), { qos: 1 });
  }

  /** How long a device may take to answer a request at all, in ms. */
  answerTimeout(): number {
    return this.deps.answerTimeoutMs ?? 15_000;
  }

  /**
   * Streams log text. Ends at `done`; throws the device's error; aborting `signal` cancels on the
   * device. Flow-controlled: the device sends on as the caller takes the text.
   */
  async *logs(node: string, request: Omit<LogsRequest, 'kind' | 'id'>, signal: AbortSignal): AsyncGenerator<string> {
    if (!this.deps.isOnline(node)) throw this.offline(node, `get logs of pod ${request.namespace}/${request.pod}`);
    const id = randomUUID();
    const queue: Array<{ data?: string; seq?: number; end?: true; error?: FlotillaError }> = [];
    const credits = new Credits((seq) => void this.send(node, { kind: 'credit', id, seq }).catch(() => undefined));
    let wake: (() => void) | undefined;
    const push = (item: (typeof queue)[number]): void => {
      queue.push(item);
      wake?.();
    };
    const early = new Map<number, ResponseMessage>();
    let nextSeq = 0;
    let timer: TimerHandle | undefined = this.deps.clock.setTimeout(() => push({ error: new FlotillaError('Timeout', `node "${node}" did not answer a logs request within ${this.answerTimeout()} ms`) }), this.answerTimeout());
    const accept = (msg: ResponseMessage): void => {
      timer?.cancel();
      timer = undefined;
      if (msg.kind === 'execResult' || msg.seq < nextSeq || early.has(msg.seq)) return; // a QoS 1 duplicate
      if (!credits.allows(msg.seq)) {
        push({ error: new FlotillaError('InternalError', `node "${node}" sent log chunk ${msg.seq} beyond its flow-control window`) });
        return;
      }
      early.set(msg.seq, msg);
      for (let m = early.get(nextSeq); m; m = early.get(nextSeq)) {
        early.delete(nextSeq++);
        if (m.kind === 'logChunk') push({ data: m.data, seq: m.seq });
        else if (m.kind === 'done') push(m.error ? { error: errorFrom(m.error) } : { end: true });
      }
    };
    this.pending.set(id, { node, deliver: accept, fail: (error) => push({ error }) });
    const onAbort = (): void => {
      queue.unshift({ end: true }); // before what is queued: the reader is gone, nothing more is credited
      wake?.();
    };
    signal.addEventListener('abort', onAbort);
    let finished = false;
    try {
      await this.deps.transport.publish(downTopic(node, 'request'), encodeMessage({ kind: 'logs', id, ...request, window: STREAM_WINDOW }), { qos: 1 });
      for (;;) {
        const item = queue.shift();
        if (!item) {
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
          continue;
        }
        if (item.error) {
          finished = true;
          throw item.error;
        }
        if (item.end) {
          finished = !signal.aborted;
          return;
        }
        if (item.data !== undefined) yield item.data;
        if (item.seq !== undefined) credits.taken(item.seq); // the caller came back for more
      }
    } finally {
      timer?.cancel();
      signal.removeEventListener('abort', onAbort);
      this.pending.delete(id);
      if (!finished) void this.deps.transport.publish(downTopic(node, 'request'), encodeMessage({ kind: 'cancel', id }), { qos: 1 }).catch(() => undefined);
    }
  }

  /** Runs a command in a container on the device and collects its output. */
  exec(node: string, request: Omit<ExecRequest, 'kind' | 'id' | 'stdin' | 'tty'>): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    if (!this.deps.isOnline(node)) return Promise.reject(this.offline(node, `exec in pod ${request.namespace}/${request.pod}`));
    const id = randomUUID();
    const wait = (request.timeoutMs ?? 0) + this.answerTimeout();
    return new Promise((resolve, reject) => {
      let result: { exitCode: number; stdout: string; stderr: string } | undefined;
      const timer = this.deps.clock.setTimeout(() => settle(new FlotillaError('Timeout', `node "${node}" did not answer an exec request within ${wait} ms`)), wait);
      const settle = (err?: FlotillaError): void => {
        timer.cancel();
        this.pending.delete(id);
        if (err) reject(err);
        else if (result) resolve(result);
        else reject(new FlotillaError('InternalError', `node "${node}" ended an exec request without a result`));
      };
      this.pending.set(id, {
        node,
        deliver: (msg) => {
          if (msg.kind === 'execResult') result = { exitCode: msg.exitCode, stdout: msg.stdout, stderr: msg.stderr };
          if (msg.kind === 'done') settle(msg.error ? errorFrom(msg.error) : undefined);
        },
        fail: settle,
      });
      this.deps.transport.publish(downTopic(node, 'request'), encodeMessage({ kind: 'exec', id, ...request }), { qos: 1 }).catch((err: Error) => settle(new FlotillaError('ServiceUnavailable', `cannot reach node "${node}": ${err.message}`)));
    });
  }

  /** Fails every request to `node` (it went offline or was deleted). */
  nodeGone(node: string): void {
    for (const p of [...this.pending.values()]) if (p.node === node) p.fail(this.offline(node, 'finish the request'));
  }

}
