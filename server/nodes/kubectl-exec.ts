// `kubectl exec` (non-interactive: no stdin, no TTY) over the WebSocket remote-command protocol
// kubectl 1.30+ speaks first (v5/v4.channel.k8s.io): the command runs on the pod's device through
// the node channel; stdout and stderr come back on channels 1 and 2, the exit status on channel 3.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Pod } from '../../shared/api/core';
import { FlotillaError, isFlotillaError } from '../../shared/errors';
import type { Identity } from '../api';
import type { Store } from '../store/types';
import type { RequestBroker } from './requests';

const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;
const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

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

/** Returns an `upgrade` listener for the HTTPS server; other upgrade requests are refused. */
export function kubectlExecUpgrade(deps: { store: Store; requests: RequestBroker; authenticate: (token: string | undefined) => Promise<Identity | undefined> }) {
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
      if (url.searchParams.get('stdin') === 'true' || url.searchParams.get('tty') === 'true') return refuse(400, 'Flotilla runs exec without stdin or a TTY: drop -i/-t');
      const [, namespace = '', name = ''] = m;
      const command = url.searchParams.getAll('command');
      const container = url.searchParams.get('container') ?? undefined;
      wss.handleUpgrade(req, socket, head, (ws) => {
        void (async () => {
          try {
            if (command.length === 0) throw new FlotillaError('BadRequest', 'you must specify at least one command for the container');
            const pod = (await deps.store.get({ resource: 'pods', namespace, name })) as Pod | undefined;
            if (!pod) throw new FlotillaError('NotFound', `pods "${name}" not found`);
            if (!pod.spec.nodeName) throw new FlotillaError('BadRequest', `pod ${name} is not scheduled to a node yet`);
            const r = await deps.requests.exec(pod.spec.nodeName, { namespace, pod: name, command, ...(container ? { container } : {}) });
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
