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

/** The subscribe call of an MQTT client (MQTT.js), as far as `subscribeAll` needs it. */
export interface SubscribingClient {
  subscribe(filters: string[], options: { qos: 0 | 1 }, callback: (err: Error | null, granted?: Array<{ topic: string; qos: number }>) => void): unknown;
}

/** Subscribes to every filter; rejects when the broker refuses any of them (granted QoS 128). */
export function subscribeAll(client: SubscribingClient, filters: string[], qos: 0 | 1 = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    client.subscribe(filters, { qos }, (err, granted) => {
      if (err) return reject(err);
      const refused = (granted ?? []).filter((g) => g.qos === 128);
      if (refused.length > 0) return reject(new Error(`broker refused subscriptions: ${refused.map((g) => g.topic).join(', ')}`));
      resolve();
    });
  });
}
