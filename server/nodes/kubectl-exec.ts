// `kubectl exec` over the WebSocket remote-command protocol kubectl 1.30+ speaks first
// (v5/v4.channel.k8s.io): the command runs on the pod's device through the node channel; stdout and
// stderr come back on channels 1 and 2, the exit status on channel 3. With -i/-t the session is
// interactive (exec-session.ts): stdin from channel 0, its end from v5's close signal (255, 0),
// terminal sizes from channel 4, output forwarded as it comes.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { realClock, type Clock } from '../../shared/clock';
import type { Pod } from '../../shared/api/core';
import type { TerminalSize } from '../../shared/channel/messages';
import { FlotillaError, isFlotillaError } from '../../shared/errors';
import type { Identity } from '../api';
import type { Store } from '../store/types';
import { openExecSession } from './exec-session';
import type { RequestBroker } from './requests';

const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const STDIN = 0;
const RESIZE = 4;
/** v5: [255, stream] says the peer closed that stream; the client closes stdin (0) at its EOF. */
const CLOSE = 255;
/** How long a TTY exec waits for kubectl's first terminal size. */
const FIRST_SIZE_MS = 500;

function statusOf(exitCode: number): object {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command, exit status ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function frame(channel: number, data: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]);
}

function toBuffer(data: RawData): Buffer {
  return Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

function parseSize(body: Buffer): TerminalSize | undefined {
  try {
    const size = JSON.parse(body.toString('utf8')) as { Width?: unknown; Height?: unknown };
    if (typeof size.Width !== 'number' || typeof size.Height !== 'number') return undefined;
    const clamp = (n: number): number => Math.min(10_000, Math.max(0, Math.round(n)));
    return { width: clamp(size.Width), height: clamp(size.Height) };
  } catch {
    return undefined; // not a size: ignored, as the kubelet does
  }
}

/**
 * Bridges one WebSocket and an interactive exec on the device; resolves with the exit code. With a
 * TTY, kubectl sends the terminal's size first thing: the exec waits for it (up to FIRST_SIZE_MS) so
 * that the command starts on a terminal of the right size rather than being resized after it began.
 */
async function interactive(ws: WebSocket, requests: RequestBroker, request: Parameters<typeof openExecSession>[1], clock: Clock): Promise<number> {
  const early: Buffer[] = [];
  let handle: (msg: Buffer) => void = (msg) => void early.push(msg);
  let gone = false;
  let cancel: () => void = () => undefined;
  ws.on('message', (raw) => handle(toBuffer(raw)));
  ws.on('close', () => {
    gone = true;
    cancel();
  });
  let size: TerminalSize | undefined;
  if (request.tty) {
    size = await new Promise<TerminalSize | undefined>((resolve) => {
      const timer = clock.setTimeout(() => resolve(undefined), FIRST_SIZE_MS);
      handle = (msg) => {
        early.push(msg);
        const s = msg[0] === RESIZE ? parseSize(msg.subarray(1)) : undefined;
        if (s) {
          timer.cancel();
          resolve(s);
        }
      };
    });
  }
  if (gone) throw new FlotillaError('Gone', 'the client went away before the exec started');
  const session = openExecSession(requests, { ...request, ...(size ? { size } : {}) }, { clock, sink: { output: (stream, data) => new Promise<void>((resolve) => ws.send(frame(stream === 'stdout' ? 1 : 2, data), () => resolve())) } });
  cancel = () => session.cancel();
  handle = (msg) => {
    const channel = msg[0];
    const body = msg.subarray(1);
    if (channel === STDIN) {
      if (body.length > 0) session.write(body);
    } else if (channel === CLOSE && body[0] === STDIN) session.closeStdin();
    else if (channel === RESIZE) {
      const s = parseSize(body);
      if (s) session.resize(s);
    }
  };
  for (const msg of early) handle(msg);
  return session.exit;
}

/** Returns an `upgrade` listener for the HTTPS server; other upgrade requests are refused. */
export function kubectlExecUpgrade(deps: { store: Store; requests: RequestBroker; authenticate: (token: string | undefined) => Promise<Identity | undefined>; clock?: Clock }) {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false });
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = EXEC_PATH.exec(url.pathname);
    const refuse = (code: number, text: string): void => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${text}\n`);
    };
    if (!m) return refuse(404, 'Not Found');
    void (async () => {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      const who = await deps.authenticate(token);
      if (!who) return refuse(401, 'Unauthorized');
      if (who.role !== 'admin') return refuse(403, 'Forbidden');
      const [, namespace = '', name = ''] = m;
      const command = url.searchParams.getAll('command');
      const container = url.searchParams.get('container') ?? undefined;
      const stdin = url.searchParams.get('stdin') === 'true';
      const tty = url.searchParams.get('tty') === 'true';
      wss.handleUpgrade(req, socket, head, (ws) => {
        void (async () => {
          try {
            if (command.length === 0) throw new FlotillaError('BadRequest', 'you must specify at least one command for the container');
            const pod = (await deps.store.get({ resource: 'pods', namespace, name })) as Pod | undefined;
            if (!pod) throw new FlotillaError('NotFound', `pods "${name}" not found`);
            if (!pod.spec.nodeName) throw new FlotillaError('BadRequest', `pod ${name} is not scheduled to a node yet`);
            const target = { namespace, pod: name, command, ...(container ? { container } : {}) };
            if (stdin || tty) {
              const exitCode = await interactive(ws, deps.requests, { node: pod.spec.nodeName, ...target, stdin, tty }, deps.clock ?? realClock);
              ws.send(frame(3, JSON.stringify(statusOf(exitCode))));
              return;
            }
            const r = await deps.requests.exec(pod.spec.nodeName, target);
            if (r.stdout) ws.send(frame(1, r.stdout));
            if (r.stderr) ws.send(frame(2, r.stderr));
            ws.send(frame(3, JSON.stringify(statusOf(r.exitCode))));
          } catch (err) {
            const message = isFlotillaError(err) ? err.message : 'internal error';
            ws.send(frame(3, JSON.stringify({ metadata: {}, status: 'Failure', message, reason: isFlotillaError(err) ? err.code : 'InternalError' })));
          } finally {
            ws.close(1000);
          }
        })();
      });
    })();
  };
}
