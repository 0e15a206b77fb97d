// The server's own MQTT connection, to the embedded broker or an external one (the same code path
// for both): a persistent session under a fixed client id, so that an external broker keeps what
// devices send while the server restarts. MQTT.js reconnects it on its own.

import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { subscribeAll, type ChannelTransport, type MessageHandler, type PublishOptions } from '../../shared/channel/transport';

export interface ServerClientOptions {
  url: string;
  username: string;
  password: string;
  /** CA to verify an mqtts:// or wss:// broker with. */
  caPem?: string;
  clientId?: string;
  logger: Logger;
}

export class ServerMqttClient implements ChannelTransport {
  private readonly handlers = new Set<MessageHandler>();
  private readonly connectListeners = new Set<() => void>();

  private constructor(
    private readonly client: MqttClient,
    private readonly log: Logger,
  ) {
    client.on('message', (topic, payload) => {
      for (const h of this.handlers) {
        try {
          h(topic, payload);
        } catch (err) {
          this.log.error({ err, topic }, 'node channel handler failed');
        }
      }
    });
    client.on('connect', () => {
      for (const l of this.connectListeners) l();
    });
    client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt connection error'));
    client.on('offline', () => this.log.warn('server lost its MQTT connection; reconnecting'));
  }

  /** Connects; resolves on the first CONNACK, rejects when the broker refuses or does not answer in `timeoutMs`. */
  static connect(options: ServerClientOptions, timeoutMs = 15_000): Promise<ServerMqttClient> {
    const opts: IClientOptions = {
      username: options.username,
      password: options.password,
      clientId: options.clientId ?? '_flotilla_server',
      clean: false,
      protocolVersion: 4,
      keepalive: 30,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      ...(options.caPem ? { ca: options.caPem } : {}),
    };
    const client = connect(options.url, opts);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`MQTT broker ${options.url} did not accept the server within ${timeoutMs} ms`)), timeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        client.end(true);
        reject(err);
      };
      client.once('connect', () => {
        clearTimeout(timer);
        client.removeListener('error', fail);
        resolve(new ServerMqttClient(client, options.logger));
      });
      client.once('error', fail);
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  publish(topic: string, payload: string | Buffer, options: PublishOptions = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.publish(topic, payload, { qos: options.qos ?? 1, retain: options.retain ?? false }, (err) => (err ? reject(err) : resolve()));
    });
  }

  subscribe(filters: string[]): Promise<void> {
    return subscribeAll(this.client, filters);
  }

  onMessage(handler: MessageHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Called after every (re)connect. */
  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.client.end(false, {}, () => resolve()));
  }
}
