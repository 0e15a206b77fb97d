// The embedded broker: aedes on plain TCP, TLS (the server's CA and serving certificate) and
// WebSocket, with every client authenticated by the injected function and confined to its own
// topics by the channel ACL (acl.ts). Revoking a device disconnects it at once.

import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Logger } from 'pino';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { mayPublish, maySubscribe, type Principal } from './acl';
import { loadAedes, type Aedes } from './aedes-loader';
import { indexedMemoryPersistence } from './persistence';

/** Resolves a CONNECT to a principal, or a reason to refuse it. Must be cheap (called on every connect). */
export type BrokerAuthenticator = (username: string | undefined, password: string | undefined, clientId: string) => Promise<{ principal: Principal } | { reason: string }>;

export interface EmbeddedBrokerOptions {
  host: string;
  /** Plain MQTT; 0 = ephemeral. */
  port: number;
  /** MQTT over TLS; undefined = off. */
  tlsPort?: number;
  /** MQTT over WebSocket; undefined = off. */
  wsPort?: number;
  tls?: { certPem: string; keyPem: string; caPem: string };
  authenticate: BrokerAuthenticator;
  logger: Logger;
}

export interface EmbeddedBroker {
  ports: { mqtt: number; mqtts?: number; ws?: number };
  /** Closes the connections of every client whose principal matches; returns how many. */
  disconnect(match: (who: Principal) => boolean): number;
  connectedClients(): number;
  close(): Promise<void>;
}

type AedesClient = ReturnType<Aedes['handle']>;

function listen(server: NetServer | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function authError(code: number, message: string): Error & { returnCode: number } {
  return Object.assign(new Error(message), { returnCode: code });
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const Aedes = await loadAedes();
  const log = options.logger;
  const principals = new WeakMap<object, Principal>();
  const live = new Map<string, AedesClient>();

  const broker = await Aedes.createBroker({
    persistence: indexedMemoryPersistence(),
    maxClientsIdLength: 256,
    heartbeatInterval: 60_000,
    authenticate(client, username, password, done) {
      options.authenticate(username, password?.toString('utf8'), client.id).then(
        (result) => {
          if ('reason' in result) {
            log.info({ clientId: client.id, username, reason: result.reason }, 'mqtt connection refused');
            done(authError(result.reason.startsWith('bad') ? 4 : 5, result.reason) as never, false);
            return;
          }
          principals.set(client, result.principal);
          done(null, true);
        },
        (err: unknown) => {
          log.error({ err, clientId: client.id }, 'mqtt authentication failed');
          done(authError(3, 'server unavailable') as never, false);
        },
      );
    },
    authorizePublish(client, packet, callback) {
      // No client: the broker's own publishes (wills are checked when the client connects).
      if (!client) return callback(null);
      const who = principals.get(client);
      if (who && mayPublish(who, packet.topic, client.id)) return callback(null);
      log.warn({ clientId: client.id, topic: packet.topic.slice(0, 200) }, 'mqtt publish refused by the channel ACL');
      callback(new Error(`publish to ${packet.topic} not allowed`));
    },
    authorizeSubscribe(client, sub, callback) {
      const who = principals.get(client);
      if (who && maySubscribe(who, sub.topic, client.id)) return callback(null, sub);
      log.warn({ clientId: client.id, filter: sub.topic.slice(0, 200) }, 'mqtt subscribe refused by the channel ACL');
      // MQTT 3.1.1: a refused subscription gets return code 0x80 (null subscription), the connection stays.
      callback(null, null);
    },
  });
  broker.on('clientReady', (client) => live.set(client.id, client));
  broker.on('clientDisconnect', (client) => {
    if (live.get(client.id) === client) live.delete(client.id);
  });

  const servers: Array<NetServer | HttpServer> = [];
  const tcp = createNetServer((socket) => broker.handle(socket));
  servers.push(tcp);
  let ports: EmbeddedBroker['ports'];
  try {
    ports = { mqtt: await listen(tcp, options.port, options.host) };
    if (options.tlsPort !== undefined) {
      if (!options.tls) throw new Error('MQTT over TLS needs the server certificate');
      const tls = createTlsServer({ cert: options.tls.certPem + options.tls.caPem, key: options.tls.keyPem }, (socket) => broker.handle(socket));
      servers.push(tls);
      ports.mqtts = await listen(tls, options.tlsPort, options.host);
    }
    if (options.wsPort !== undefined) {
      const http = createHttpServer((_req, res) => res.writeHead(426, { 'Content-Type': 'text/plain' }).end('MQTT over WebSocket only\n'));
      const wss = new WebSocketServer({ server: http });
      wss.on('connection', (ws, req) => broker.handle(createWebSocketStream(ws) as never, req));
      servers.push(http);
      ports.ws = await listen(http, options.wsPort, options.host);
    }
  } catch (err) {
    // A listener that could not bind: close the ones that did, and the broker, before failing.
    await Promise.all(servers.filter((s) => s.listening).map((s) => new Promise<void>((r) => s.close(() => r()))));
    await new Promise<void>((r) => broker.close(() => r()));
    throw err;
  }
  log.info({ ports }, 'embedded MQTT broker listening');

  return {
    ports,
    disconnect(match) {
      let n = 0;
      for (const client of [...live.values()]) {
        const who = principals.get(client);
        if (who && match(who)) {
          client.close();
          n++;
        }
      }
      return n;
    },
    connectedClients: () => live.size,
    async close() {
      const closed = servers.map((s) => new Promise<void>((r) => s.close(() => r())));
      for (const client of [...live.values()]) client.close();
      await new Promise<void>((r) => broker.close(() => r()));
      for (const s of servers) if ('closeAllConnections' in s) s.closeAllConnections();
      await Promise.all(closed);
    },
  };
}
