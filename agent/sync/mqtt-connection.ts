// One MQTT connection of the agent (MQTT.js, protocol 3.1.1): no automatic reconnects — the
// supervisor decides when to dial again, with backoff and jitter. A persistent session keeps the
// device's subscription across flaps; its last will marks it offline the moment the link dies.

import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { subscribeAll, type ChannelTransport, type MessageHandler, type PublishOptions } from '../../shared/channel/transport';

export interface ConnectionOptions {
  url: string;
  clientId: string;
  username: string;
  password: string;
  caPem?: string;
  will?: { topic: string; payload: Buffer; retain: boolean };
  /** Persistent session (default true). */
  persistent?: boolean;
  keepaliveSeconds?: number;
  connectTimeoutMs?: number;
}

/** Why the broker refused a CONNECT: bad credentials and not-authorized are final for those credentials. */
export class ConnectRefused extends Error {
  override readonly name = 'ConnectRefused';
  constructor(
    message: string,
    readonly returnCode: number,
  ) {
    super(message);
  }
}

export class AgentConnection implements ChannelTransport {
  private readonly handlers = new Set<MessageHandler>();
  /** Resolves when the connection is gone (for whatever reason). */
  readonly closed: Promise<void>;

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload) => {
      for (const h of this.handlers) h(topic, payload);
    });
    this.closed = new Promise((resolve) => {
      client.once('close', () => resolve());
    });
  }

  static open(options: ConnectionOptions): Promise<AgentConnection> {
    const opts: IClientOptions = {
      clientId: options.clientId,
      username: options.username,
      password: options.password,
      protocolVersion: 4,
      clean: !(options.persistent ?? true),
      keepalive: options.keepaliveSeconds ?? 60,
      reconnectPeriod: 0,
      connectTimeout: options.connectTimeoutMs ?? 15_000,
      resubscribe: false,
      ...(options.caPem ? { ca: options.caPem } : {}),
      ...(options.will ? { will: { topic: options.will.topic, payload: options.will.payload, qos: 1, retain: options.will.retain } } : {}),
    };
    const client = connect(options.url, opts);
    return new Promise((resolve, reject) => {
      const fail = (err: Error & { code?: number }): void => {
        cleanup();
        client.end(true);
        const code = typeof err.code === 'number' ? err.code : 0;
        reject(code === 4 || code === 5 ? new ConnectRefused(`broker ${options.url} refused the connection: ${err.message}`, code) : err);
      };
      const closedEarly = (): void => fail(new Error(`connection to ${options.url} closed before the broker accepted it`));
      const ok = (): void => {
        cleanup();
        resolve(new AgentConnection(client));
      };
      const cleanup = (): void => {
        client.removeListener('error', fail);
        client.removeListener('close', closedEarly);
        client.removeListener('connect', ok);
      };
      client.once('error', fail);
      client.once('close', closedEarly);
      client.once('connect', ok);
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  publish(topic: string, payload: string | Buffer, options: PublishOptions = {}): Promise<void> {
    if (!this.client.connected) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      this.client.publish(topic, payload, { qos: options.qos ?? 1, retain: options.retain ?? false }, (err) => (err ? reject(err) : resolve()));
    });
  }

  subscribe(filters: string[], options: { qos?: 0 | 1 } = {}): Promise<void> {
    return subscribeAll(this.client, filters, options.qos ?? 1);
  }

  onMessage(handler: MessageHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Bytes written to the socket so far (for the uplink benchmark). */
  bytesWritten(): number {
    const stream = (this.client as unknown as { stream?: { bytesWritten?: number } }).stream;
    return stream?.bytesWritten ?? 0;
  }

  /** Ends the connection; `force` drops it without DISCONNECT (the will then fires, as on a broken link). */
  end(force = false): Promise<void> {
    return new Promise((resolve) => this.client.end(force, {}, () => resolve()));
  }
}
