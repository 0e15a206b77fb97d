// The agent's end of the node channel as one supervised module: joins with a token when the device
// has no credentials yet, then keeps one MQTT session up — dialling again with capped, jittered
// backoff after every drop, so a network flap heals by itself without restarting anything. The
// kubelet keeps running its pods from its local desired state the whole time.

import { hostname } from 'node:os';
import { realClock, type Clock } from '../../shared/clock';
import { encodeMessage } from '../../shared/channel/messages';
import { parseJoinToken } from '../../shared/channel/join-token';
import { isNodeName, upTopic } from '../../shared/channel/topics';
import type { ChannelTransport } from '../../shared/channel/transport';
import type { KubeletApi } from '../kubelet/api';
import { loadCredentials, saveCredentials, type DeviceCredentials } from './device-credentials';
import { JoinRefused, joinWithToken } from './join';
import { AgentConnection, ConnectRefused, type ConnectionOptions } from './mqtt-connection';
import { Session } from './session';
import { RECONNECT_BACKOFF, Supervisor } from './supervisor';
import { DEFAULT_INTERVALS, type ChannelIntervals, type ChannelLog, type MetricsSource, type NodeInfoSource } from './types';

/** An open link, as the channel agent needs it (AgentConnection, or a fake in tests). */
export interface Link {
  transport: ChannelTransport;
  closed: Promise<void>;
  end(force?: boolean): Promise<void>;
  /** Bytes written to the socket so far, MQTT framing included (absent for fakes). */
  bytesWritten?(): number;
}

export type Dialer = (options: ConnectionOptions) => Promise<Link>;

/** How long a stopping agent waits for the broker to acknowledge its goodbye, and then for a clean disconnect. */
export const GOODBYE_MS = 2_000;

/** `work`'s result, or false when it has not settled after `ms`. */
function within(clock: Clock, ms: number, work: Promise<boolean>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve(false), ms);
    void work.then((ok) => {
      timer.cancel();
      resolve(ok);
    });
  });
}

export const mqttDialer: Dialer = async (options) => {
  const c = await AgentConnection.open(options);
  return { transport: c, closed: c.closed, end: (force) => c.end(force), bytesWritten: () => c.bytesWritten() };
};

export interface ChannelAgentOptions {
  dataDir: string;
  kubelet: KubeletApi;
  info: NodeInfoSource;
  metrics?: MetricsSource;
  log: ChannelLog;
  /** Join token, needed only until the device has credentials. */
  token?: string;
  /** Overrides the broker URL (of the token, or of the stored credentials). */
  broker?: string;
  /** Default: the host name. */
  nodeName?: string;
  clock?: Clock;
  random?: () => number;
  intervals?: Partial<ChannelIntervals>;
  dial?: Dialer;
  /** Joins through this instead of joinWithToken (tests, simulated fleets). */
  join?: typeof joinWithToken;
}

export function defaultNodeName(): string {
  const name = hostname().toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return isNodeName(name) ? name : 'flotilla-node';
}

export class NodeChannelAgent {
  private supervisor: Supervisor | undefined;
  private link: Link | undefined;
  private session: Session | undefined;
  credentials: DeviceCredentials | undefined;
  connected = false;
  /** Sessions opened so far (1 + reconnects). */
  sessions = 0;
  private bytesOfClosedLinks = 0;

  constructor(private readonly options: ChannelAgentOptions) {}

  /**
   * Finds the stored credentials or joins with the token, then starts the supervised link. Rejects when the join
   * is refused (JoinRefused, ConnectRefused) or cannot be tried (no token, a bad node name, a malformed token); a
   * broker that cannot be reached yet (a device booting on a flaky link) does not fail the agent and its kubelet:
   * the link retries the join with its backoff.
   */
  async start(): Promise<void> {
    const o = this.options;
    const creds = loadCredentials(o.dataDir);
    if (!creds) {
      if (!o.token) throw new Error(`no device credentials in ${o.dataDir} and no join token: run with --token TOKEN (from \`flotilla token create\`) once`);
      const nodeName = o.nodeName ?? defaultNodeName();
      if (!isNodeName(nodeName)) throw new Error(`node name must be a lowercase DNS name: got "${nodeName}"`);
      if (!o.join) parseJoinToken(o.token); // a malformed token is no reason to retry
    }
    this.credentials = creds && o.broker ? { ...creds, broker: o.broker } : creds;
    if (!this.credentials) {
      try {
        this.credentials = await this.join();
      } catch (err) {
        // Refused (bad token, or the broker says not authorized): say so now. Unreachable: the link retries it.
        if (err instanceof JoinRefused || err instanceof ConnectRefused) throw err;
        o.log.error({ err: (err as Error).message }, 'could not join the fleet yet; retrying');
      }
    }
    const clock = o.clock ?? realClock;
    this.supervisor = new Supervisor(
      { name: 'node-channel', run: (signal) => this.run(signal) },
      {
        clock,
        backoff: RECONNECT_BACKOFF,
        ...(o.random ? { random: o.random } : {}),
        onRestart: ({ error, delayMs }) => {
          const err = error === undefined ? undefined : (error as Error).message;
          if (!this.credentials) o.log.error({ err, retryInMs: delayMs }, 'could not join the fleet yet; retrying');
          else if (error instanceof ConnectRefused) o.log.error({ node: this.credentials.nodeName, reason: error.message }, 'the broker refused this device (was its Node deleted?); retrying');
          else o.log.warn({ err, retryInMs: delayMs }, 'node channel link down; reconnecting');
        },
      },
    );
    this.supervisor.start();
  }

  /** Joins with the token and stores the device's own credentials (0600): from then on the token is not needed. */
  private async join(): Promise<DeviceCredentials> {
    const o = this.options;
    const nodeName = o.nodeName ?? defaultNodeName();
    const creds = await (o.join ?? joinWithToken)({ token: o.token ?? '', nodeName, facts: await o.info.facts(), ...(o.broker ? { broker: o.broker } : {}) });
    saveCredentials(o.dataDir, creds);
    o.log.info({ node: creds.nodeName, broker: creds.broker }, 'joined the fleet; device credentials stored');
    return o.broker ? { ...creds, broker: o.broker } : creds;
  }

  async stop(): Promise<void> {
    await this.supervisor?.stop();
  }

  /** Uplink bytes on the wire (MQTT framing included) over all links so far. */
  bytesWritten(): number {
    return this.bytesOfClosedLinks + (this.link?.bytesWritten?.() ?? 0);
  }

  /** Breaks the current link without a goodbye (tests of flaps); the supervisor dials again. */
  async dropLink(): Promise<void> {
    await this.link?.end(true);
  }

  private async run(signal: AbortSignal): Promise<void> {
    const o = this.options;
    const creds = (this.credentials ??= await this.join());
    const clock = o.clock ?? realClock;
    const since = clock.now();
    const node = creds.nodeName;
    const link = await (o.dial ?? mqttDialer)({
      url: creds.broker,
      clientId: node,
      username: creds.username,
      password: creds.password,
      ...(creds.caPem ? { caPem: creds.caPem } : {}),
      will: { topic: upTopic(node, 'presence'), payload: encodeMessage({ kind: 'presence', online: false, since }), retain: true },
    });
    this.link = link;
    const session = new Session({ node, kubelet: o.kubelet, transport: link.transport, clock, info: o.info, ...(o.metrics ? { metrics: o.metrics } : {}), intervals: { ...DEFAULT_INTERVALS, ...o.intervals }, log: o.log });
    this.session = session;
    // stop() may have come while dialling: an abort that already happened fires no event.
    const aborted = new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
    try {
      await Promise.race([session.open(since), link.closed]);
      this.connected = true;
      this.sessions++;
      o.log.info({ node, broker: creds.broker, session: this.sessions }, 'node channel connected');
      await Promise.race([link.closed, aborted]);
    } finally {
      this.connected = false;
      session.close();
      if (signal.aborted) {
        // Goodbye, bounded: a broker that is going away or hangs never acknowledges it, and a stop must not wait for
        // that. Unacknowledged, the link is dropped instead: the retained last will then says offline just the same.
        const goodbye = link.transport.publish(upTopic(node, 'presence'), encodeMessage({ kind: 'presence', online: false, since: clock.now() }), { qos: 1, retain: true });
        const said = await within(clock, GOODBYE_MS, goodbye.then(() => true, () => false));
        if (!said || !(await within(clock, GOODBYE_MS, link.end().then(() => true)))) await link.end(true);
      } else await link.end(true);
      this.bytesOfClosedLinks += link.bytesWritten?.() ?? 0;
      this.link = undefined;
    }
    if (!signal.aborted) throw new Error('link closed');
  }
}
