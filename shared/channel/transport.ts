// The seam between the node channel's logic and an MQTT connection: the server and the agent each
// wrap MQTT.js in it, tests use the in-memory broker in fake/. Delivery is at-least-once for
// QoS 1, and handlers must tolerate duplicates and reordering across reconnects.

export interface PublishOptions {
  qos?: 0 | 1;
  retain?: boolean;
}

export type MessageHandler = (topic: string, payload: Buffer) => void;

export interface ChannelTransport {
  /** Resolves once the broker has the message (QoS 1) or it was written (QoS 0). Rejects when not connected. */
  publish(topic: string, payload: string | Buffer, options?: PublishOptions): Promise<void>;
  /**
   * Subscribes at QoS 1 (or `qos`). Retained messages on matching topics are delivered to the handlers. At QoS 0 a
   * broker keeps nothing for the client while it is offline, even in a persistent session.
   */
  subscribe(filters: string[], options?: { qos?: 0 | 1 }): Promise<void>;
  /** Every message arriving on this connection's subscriptions. Returns unsubscribe. */
  onMessage(handler: MessageHandler): () => void;
}
