// The server's end of the node channel: subscribes to every device's `up/` topics and to the
// provisioning requests, decodes each message (dropping bad ones with a logged reason) and hands
// it to the handler for its kind. The topic names the sender: the broker's ACL guarantees that
// only device <node> can publish under nodes/<node>/up/.

import type { Logger } from 'pino';
import { decodeMessage } from '../../shared/channel/decode';
import type * as M from '../../shared/channel/messages';
import { SERVER_FILTERS } from '../../shared/channel/topics';
import type { ChannelTransport } from '../../shared/channel/transport';

/** One handler per message kind. Each may be async; failures are logged, never thrown back. */
export interface UpHandlers {
  join(clientId: string, msg: M.JoinRequestMessage): Promise<void> | void;
  heartbeat(node: string, msg: M.HeartbeatMessage): Promise<void> | void;
  status(node: string, msg: M.NodeStatusMessage): Promise<void> | void;
  pods(node: string, msg: M.PodStatusesMessage): Promise<void> | void;
  ack(node: string, msg: M.AckMessage): Promise<void> | void;
  events(node: string, msg: M.EventsMessage): Promise<void> | void;
  presence(node: string, msg: M.PresenceMessage): Promise<void> | void;
  metrics(node: string, msg: M.MetricsMessage): Promise<void> | void;
  response(node: string, msg: M.ResponseMessage): Promise<void> | void;
}

export class ChannelDispatcher {
  /** Messages dropped because they did not decode. */
  rejected = 0;
  private stop: (() => void) | undefined;

  constructor(
    private readonly transport: ChannelTransport,
    private readonly handlers: UpHandlers,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.stop = this.transport.onMessage((topic, payload) => this.receive(topic, payload));
    await this.transport.subscribe([SERVER_FILTERS.up, SERVER_FILTERS.provisionRequests]);
  }

  close(): void {
    this.stop?.();
  }

  receive(topic: string, payload: Buffer): void {
    const decoded = decodeMessage(topic, payload);
    if (!decoded.ok) {
      this.rejected++;
      this.log.warn({ topic: topic.slice(0, 200), bytes: payload.length, reason: decoded.reason }, 'node channel: message rejected');
      return;
    }
    const { topic: t, message: m } = decoded;
    let result: Promise<void> | void;
    try {
      result = this.route(t.scope === 'provision' ? t.clientId : t.node, m);
    } catch (err) {
      this.log.error({ err, topic }, 'node channel: handler failed');
      return;
    }
    if (result) result.catch((err: unknown) => this.log.error({ err, topic }, 'node channel: handler failed'));
  }

  private route(from: string, m: M.ChannelMessage): Promise<void> | void {
    const h = this.handlers;
    switch (m.kind) {
      case 'join':
        return h.join(from, m);
      case 'heartbeat':
        return h.heartbeat(from, m);
      case 'status':
        return h.status(from, m);
      case 'pods':
        return h.pods(from, m);
      case 'ack':
        return h.ack(from, m);
      case 'events':
        return h.events(from, m);
      case 'presence':
        return h.presence(from, m);
      case 'metrics':
        return h.metrics(from, m);
      case 'logChunk':
      case 'execResult':
      case 'execOutput':
      case 'done':
        return h.response(from, m);
      case 'desired':
      case 'logs':
      case 'exec':
      case 'execInput':
      case 'cancel':
      case 'joinReply':
        // Server-to-device kinds never arrive on the subscribed topics (decodeMessage checks kind per topic).
        return;
    }
  }
}
