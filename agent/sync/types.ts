// What the agent's end of the node channel needs from the rest of the agent: a log, the device's
// facts and status (agent/node), and metrics samples. Implemented for real devices in agent/node
// and cheaply for simulated fleets.

import type { JoinFacts, MetricsMessage, NodeStatusMessage } from '../../shared/channel/messages';

/** Structured logging, (fields, message): the agent's own logger and pino both fit. */
export interface ChannelLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface NodeInfoSource {
  /** Facts for the join request (may call into systeminformation once). */
  facts(): Promise<JoinFacts>;
  /** The node status to report; called about once a minute, so it must use cheap reads only. */
  status(): Promise<Omit<NodeStatusMessage, 'kind'>>;
}

export interface MetricsSource {
  /** One sample since the previous call; undefined while there is no previous sample to diff against. */
  sample(): Promise<Omit<MetricsMessage, 'kind'> | undefined>;
}

export interface ChannelIntervals {
  /** Lease heartbeat. Default 10 s. */
  heartbeatMs: number;
  /** How often node status is recomputed (sent only when it changed). Default 60 s. */
  statusCheckMs: number;
  /** Node status is resent at least this often. Default 10 min. */
  statusResyncMs: number;
  /** Metrics uplink. Default 60 s; 0 = off. */
  metricsMs: number;
  /** Pod status coalescing window. Default 250 ms. */
  podStatusMs: number;
}

export const DEFAULT_INTERVALS: ChannelIntervals = { heartbeatMs: 10_000, statusCheckMs: 60_000, statusResyncMs: 600_000, metricsMs: 60_000, podStatusMs: 250 };
