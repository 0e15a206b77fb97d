// The device's side of request/response: `kubectl logs`, `kubectl exec` and `flotilla exec`
// requests from the server, served through the kubelet and answered on up/response under the
// request's id. Logs stream through streamLogs (log-stream.ts); an interactive exec is a
// DeviceExecSession fed by execInput messages; streams the server flow-controls get a SendWindow.

import { encodeMessage, type ExecRequest, type LogsRequest, type RequestMessage, type ResponseMessage } from '../../shared/channel/messages';
import { upTopic } from '../../shared/channel/topics';
import type { ChannelTransport } from '../../shared/channel/transport';
import { isFlotillaError } from '../../shared/errors';
import type { KubeletApi } from '../kubelet/api';
import { DeviceExecSession } from './exec-session';
import { streamLogs } from './log-stream';
import { tailFitting } from './chunks';
import { SendWindow } from './send-window';
import type { ChannelLog } from './types';

const MAX_RUNNING = 16;
/** An exec the server gave no timeout ends after this: the server stops waiting long before. */
export const DEFAULT_EXEC_TIMEOUT_MS = 60_000;

export class RequestHandler {
  private readonly running = new Map<string, AbortController>();
  private readonly sessions = new Map<string, DeviceExecSession>();
  /** Flow control of the streamed responses that asked for it, by request id. */
  private readonly windows = new Map<string, SendWindow>();

  constructor(private readonly deps: { node: string; kubelet: KubeletApi; transport: ChannelTransport; log: ChannelLog; stallMs?: number }) {}

  handle(req: RequestMessage): void {
    if (req.kind === 'cancel') {
      this.running.get(req.id)?.abort();
      return;
    }
    if (req.kind === 'execInput') {
      this.sessions.get(req.id)?.input(req);
      return;
    }
    if (req.kind === 'credit') {
      this.windows.get(req.id)?.credit(req.seq);
      return;
    }
    if (this.running.has(req.id)) return; // a QoS 1 duplicate
    const abort = new AbortController();
    if (this.running.size >= MAX_RUNNING) {
      void this.respond({ kind: 'done', id: req.id, seq: 0, error: { code: 'TooManyRequests', message: `node ${this.deps.node} is already serving ${MAX_RUNNING} requests` } });
      return;
    }
    this.running.set(req.id, abort);
    const window = req.window !== undefined ? new SendWindow(req.window, this.deps.stallMs) : undefined;
    if (window) this.windows.set(req.id, window);
    const work = req.kind === 'logs' ? this.logs(req, abort.signal, window) : req.stdin || req.tty ? this.interactive(req, abort.signal, window) : this.exec(req, abort.signal);
    void work.finally(() => {
      this.running.delete(req.id);
      this.windows.delete(req.id);
    });
  }

  cancelAll(): void {
    for (const a of this.running.values()) a.abort();
  }

  private respond(msg: ResponseMessage): Promise<void> {
    return this.deps.transport.publish(upTopic(this.deps.node, 'response'), encodeMessage(msg), { qos: 1 });
  }

  private errorOf(err: unknown): { code: string; message: string } {
    return isFlotillaError(err) ? { code: err.code, message: err.message } : { code: 'InternalError', message: (err as Error)?.message ?? String(err) };
  }

  private async logs(req: LogsRequest, signal: AbortSignal, window: SendWindow | undefined): Promise<void> {
    const deps = { kubelet: this.deps.kubelet, respond: (m: ResponseMessage) => this.respond(m), errorOf: (e: unknown) => this.errorOf(e), ...(window ? { window } : {}) };
    await streamLogs(req, signal, deps).catch((err: unknown) => this.deps.log.debug({ err }, 'logs response lost'));
  }

  private async interactive(req: ExecRequest, signal: AbortSignal, window: SendWindow | undefined): Promise<void> {
    const session = new DeviceExecSession(req, { kubelet: this.deps.kubelet, respond: (m) => this.respond(m), errorOf: (e) => this.errorOf(e), ...(window ? { window } : {}) });
    this.sessions.set(req.id, session);
    signal.addEventListener('abort', () => session.cancel(), { once: true });
    try {
      await session.run();
    } finally {
      this.sessions.delete(req.id);
    }
  }

  /** Holds its slot until the command ends, its deadline passes, the server cancels it or the session ends. */
  private async exec(req: ExecRequest, signal: AbortSignal): Promise<void> {
    try {
      const ref = { namespace: req.namespace, name: req.pod, ...(req.container ? { container: req.container } : {}) };
      const r = await this.deps.kubelet.exec(ref, req.command, { timeoutMs: req.timeoutMs || DEFAULT_EXEC_TIMEOUT_MS, signal });
      const cap = (s: string): string => tailFitting(s, 100 * 1024); // both fit one response (256 KiB)
      await this.respond({ kind: 'execResult', id: req.id, exitCode: Math.max(-1, Math.min(255, r.exitCode)), stdout: cap(r.stdout), stderr: cap(r.stderr) });
      await this.respond({ kind: 'done', id: req.id, seq: 1 });
    } catch (err) {
      await this.respond({ kind: 'done', id: req.id, seq: 0, error: this.errorOf(err) }).catch(() => undefined);
    }
  }
}
