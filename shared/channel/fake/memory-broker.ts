// An in-memory MQTT broker for unit tests of both ends of the node channel: retained messages,
// wildcard subscriptions, last wills, and links that can be cut and restored. Delivery is
// asynchronous (a microtask), like a real broker's, so tests `await flush()`.

import type { ChannelTransport, MessageHandler, PublishOptions } from '../transport';
import { topicMatches } from '../topics';

export interface Will {
  topic: string;
  payload: string | Buffer;
  retain?: boolean;
}

export class MemoryBroker {
  readonly retained = new Map<string, Buffer>();
  readonly clients = new Set<MemoryConnection>();
  /** Every publish that reached the broker, in order (for assertions). */
  readonly log: Array<{ clientId: string; topic: string; payload: Buffer; retain: boolean }> = [];

  connect(clientId: string, options: { will?: Will } = {}): MemoryConnection {
    for (const c of this.clients) if (c.clientId === clientId) c.drop();
    const conn = new MemoryConnection(this, clientId, options.will);
    this.clients.add(conn);
    return conn;
  }

  /** @internal */
  route(from: string, topic: string, payload: Buffer, retain: boolean): void {
    this.log.push({ clientId: from, topic, payload, retain });
    if (retain) {
      if (payload.length === 0) this.retained.delete(topic);
      else this.retained.set(topic, payload);
    }
    for (const c of this.clients) if (c.wants(topic)) c.deliver(topic, payload);
  }

  /** Waits until every queued delivery (and what it triggered, a few rounds deep) has run. */
  async flush(rounds = 20): Promise<void> {
    for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
  }

  publishedOn(topic: string): Buffer[] {
    return this.log.filter((e) => e.topic === topic).map((e) => e.payload);
  }
}

export class MemoryConnection implements ChannelTransport {
  private readonly filters = new Set<string>();
  private readonly handlers = new Set<MessageHandler>();
  connected = true;
  private markClosed: () => void = () => undefined;
  /** Resolves when the connection is gone (dropped, ended or taken over). */
  readonly closed = new Promise<void>((r) => (this.markClosed = r));

  constructor(
    private readonly broker: MemoryBroker,
    readonly clientId: string,
    private readonly will: Will | undefined,
  ) {}

  async publish(topic: string, payload: string | Buffer, options: PublishOptions = {}): Promise<void> {
    if (!this.connected) throw new Error(`client ${this.clientId} is not connected`);
    this.broker.route(this.clientId, topic, Buffer.from(payload), options.retain ?? false);
  }

  async subscribe(filters: string[]): Promise<void> {
    if (!this.connected) throw new Error(`client ${this.clientId} is not connected`);
    for (const f of filters) {
      this.filters.add(f);
      for (const [topic, payload] of this.broker.retained) if (topicMatches(f, topic)) this.deliver(topic, payload);
    }
  }

  onMessage(handler: MessageHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  wants(topic: string): boolean {
    if (!this.connected) return false;
    for (const f of this.filters) if (topicMatches(f, topic)) return true;
    return false;
  }

  deliver(topic: string, payload: Buffer): void {
    queueMicrotask(() => {
      if (!this.connected) return;
      for (const h of this.handlers) h(topic, payload);
    });
  }

  /** The link breaks: the broker publishes the will. */
  drop(): void {
    if (!this.connected) return;
    this.connected = false;
    this.broker.clients.delete(this);
    this.markClosed();
    if (this.will) this.broker.route(this.clientId, this.will.topic, Buffer.from(this.will.payload), this.will.retain ?? false);
  }

  /** A clean disconnect: no will. */
  end(): void {
    this.connected = false;
    this.broker.clients.delete(this);
    this.markClosed();
  }
}
