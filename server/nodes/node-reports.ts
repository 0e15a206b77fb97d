// What devices report about themselves: full node status (on change and on a slow resync) and
// presence (online on connect; the retained last will says offline the moment the link dies).
// Presence sets Flotilla's "Connected" condition; readiness stays with the heartbeats.

import type { Logger } from 'pino';
import type { Clock } from '../../shared/clock';
import type { NodeStatusMessage, PresenceMessage } from '../../shared/channel/messages';
import { isFlotillaError } from '../../shared/errors';
import type { Store } from '../store/types';
import { CONDITION_CONNECTED, conditionOf, setCondition, withReportedStatus } from './node-object';

export class NodeReports {
  /** node → latest presence seen (by `since`, then offline after online of the same session). */
  private readonly presence = new Map<string, PresenceMessage>();

  constructor(private readonly deps: { store: Store; clock: Clock; logger: Logger }) {}

  /** Whether the device's MQTT session is up, as far as the server knows. */
  isOnline(node: string): boolean {
    return this.presence.get(node)?.online === true;
  }

  async status(node: string, msg: NodeStatusMessage): Promise<void> {
    await this.update(node, (n) => withReportedStatus(n, msg, this.deps.clock.now()));
  }

  async presenceChanged(node: string, msg: PresenceMessage): Promise<void> {
    const known = this.presence.get(node);
    if (known && (msg.since < known.since || (msg.since === known.since && msg.online))) return;
    this.presence.set(node, msg);
    const now = this.deps.clock.now();
    await this.update(node, (n) => {
      const current = conditionOf(n, CONDITION_CONNECTED);
      const status = msg.online ? 'True' : 'False';
      if (current?.status === status) return n;
      const conditions = setCondition((n.status as { conditions?: [] } | undefined)?.conditions ?? [], {
        type: CONDITION_CONNECTED,
        status,
        reason: msg.online ? 'AgentConnected' : 'AgentDisconnected',
        message: msg.online ? 'the agent is connected to the broker' : 'the agent lost its connection to the broker (last will)',
      }, now);
      return { ...n, status: { ...(n.status as object), conditions } };
    });
  }

  forget(node: string): void {
    this.presence.delete(node);
  }

  private async update(node: string, mutate: Parameters<Store['guaranteedUpdate']>[1]): Promise<void> {
    try {
      await this.deps.store.guaranteedUpdate({ resource: 'nodes', name: node }, mutate);
    } catch (err) {
      if (isFlotillaError(err, 'NotFound')) return; // the Node was deleted; its credentials are revoked
      throw err;
    }
  }
}
