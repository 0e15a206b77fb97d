// The one message envelope of the node channel: every payload on every topic is one of these,
// told apart by `kind`. Encoded as JSON; decode.ts validates what arrives before anyone reads it.

import type { ConfigMap, NodeAddress, NodeCondition, NodeSystemInfo, Pod, PodStatus, ResourceList, Secret } from '../api/core';
import type { Labels } from '../api/types';

// ---- server → device ----

/** The node's whole desired state: its pods plus exactly the ConfigMaps and Secrets they reference. Retained, QoS 1. */
export interface DesiredMessage {
  kind: 'desired';
  /** Grows with every state published for this node (the store's resourceVersion when it was computed). */
  version: number;
  pods: Pod[];
  configMaps: ConfigMap[];
  secrets: Secret[];
}

export interface LogsRequest {
  kind: 'logs';
  /** Correlation id; every response to this request carries it. */
  id: string;
  namespace: string;
  pod: string;
  container?: string;
  follow?: boolean;
  tailLines?: number;
  /** RFC 3339: only lines at or after it. */
  sinceTime?: string;
  timestamps?: boolean;
  previous?: boolean;
  /** Stop after this many bytes of log text. */
  limitBytes?: number;
  /** Flow control: at most this many logChunks beyond the last `credit`ed one in flight (unset: none). */
  window?: number;
}

export interface ExecRequest {
  kind: 'exec';
  id: string;
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  timeoutMs?: number;
  /**
   * Interactive (`kubectl exec -i` / `-t`): stdin follows in execInput messages, output goes up in
   * execOutput messages as it comes (the first, empty, says "started"), the exit code in `done`.
   */
  stdin?: boolean;
  tty?: boolean;
  /** The terminal's size from the start (tty). */
  size?: TerminalSize;
  /** Flow control of an interactive exec's execOutput, as LogsRequest.window. */
  window?: number;
}

export interface TerminalSize {
  width: number;
  height: number;
}

/** Stdin and terminal changes of an interactive exec, applied in `seq` order (from 0). */
export interface ExecInputMessage {
  kind: 'execInput';
  id: string;
  seq: number;
  /** Bytes for stdin, base64. */
  data?: string;
  /** Closes stdin: the command reads EOF. */
  eof?: boolean;
  resize?: TerminalSize;
}

/** Ends a running request (e.g. `kubectl logs -f` went away). */
export interface CancelRequest {
  kind: 'cancel';
  id: string;
}

/**
 * Flow control of a streamed response: the server has passed on every response chunk of request
 * `id` up to `seq` (its reader took them), so the device may send up to `seq + window`.
 */
export interface CreditRequest {
  kind: 'credit';
  id: string;
  seq: number;
}

export type RequestMessage = LogsRequest | ExecRequest | ExecInputMessage | CancelRequest | CreditRequest;

// ---- device → server ----

/** Small and frequent (≈ every 10 s): renews the node's Lease. */
export interface HeartbeatMessage {
  kind: 'heartbeat';
  seq: number;
}

/** Full node status: sent on change and on a slow resync. */
export interface NodeStatusMessage {
  kind: 'status';
  labels: Labels;
  capacity: ResourceList;
  allocatable: ResourceList;
  nodeInfo: NodeSystemInfo;
  addresses: NodeAddress[];
  /** Pressure conditions the device computes (MemoryPressure, DiskPressure, PIDPressure). */
  conditions: NodeCondition[];
}

export interface PodStatusReport {
  namespace: string;
  name: string;
  uid: string;
  /** Grows per pod with every change on the device. */
  version: number;
  status: PodStatus;
  /** The pod has stopped and left the device: the server may finish deleting it. */
  terminated?: boolean;
}

export interface PodStatusesMessage {
  kind: 'pods';
  /** true: this is every pod the device knows (sent after each connect). */
  full: boolean;
  statuses: PodStatusReport[];
}

/** The device persisted (applied: true) or refused a desired state. */
export interface AckMessage {
  kind: 'ack';
  version: number;
  applied: boolean;
  error?: string;
}

export interface EventReport {
  namespace: string;
  pod: string;
  uid: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  fieldPath?: string;
  /** RFC 3339 */
  time: string;
}

export interface EventsMessage {
  kind: 'events';
  events: EventReport[];
}

/** Connected or gone. Retained; the offline form is the device's MQTT last will. */
export interface PresenceMessage {
  kind: 'presence';
  online: boolean;
  /** Epoch ms of the connect (online) or of the will's registration (offline). */
  since: number;
}

export interface NodeMetrics {
  /** CPU in use, in nanocores (1e9 = one core busy), since the previous sample. */
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
  memoryAvailableBytes: number;
  fsUsedBytes: number;
  fsCapacityBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  temperatureCelsius?: number;
  /** Raspberry Pi firmware flags (get_throttled): under-voltage and throttling now and since boot. */
  throttledFlags?: number;
}

export interface ContainerMetrics {
  name: string;
  cpuNanoCores: number;
  memoryWorkingSetBytes: number;
  networkRxBytes?: number;
  networkTxBytes?: number;
}

export interface PodMetricsReport {
  namespace: string;
  name: string;
  containers: ContainerMetrics[];
}

export interface MetricsMessage {
  kind: 'metrics';
  /** RFC 3339 of the sample. */
  time: string;
  /** Sampling window in seconds. */
  windowSeconds: number;
  node: NodeMetrics;
  pods: PodMetricsReport[];
}

/** Text of a log stream, in order (`seq` from 0); lines end in "\n". */
export interface LogChunkMessage {
  kind: 'logChunk';
  id: string;
  seq: number;
  data: string;
}

export interface ExecResultMessage {
  kind: 'execResult';
  id: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Output of an interactive exec as it comes, in `seq` order (from 0) with its final `done`. */
export interface ExecOutputMessage {
  kind: 'execOutput';
  id: string;
  seq: number;
  stream: 'stdout' | 'stderr';
  /** base64 */
  data: string;
}

/** The last response to a request. `error.code` is an ErrorCode of shared/errors. */
export interface DoneMessage {
  kind: 'done';
  id: string;
  seq: number;
  error?: { code: string; message: string };
  /** An interactive exec's exit code. */
  exitCode?: number;
}

export type ResponseMessage = LogChunkMessage | ExecResultMessage | ExecOutputMessage | DoneMessage;

// ---- provisioning ----

/** What a device knows about itself when it joins. */
export interface JoinFacts {
  labels: Labels;
  capacity: ResourceList;
  nodeInfo: NodeSystemInfo;
  addresses: NodeAddress[];
}

export interface JoinRequestMessage {
  kind: 'join';
  tokenId: string;
  /** The join token's secret: the request is authenticated by it, whatever the broker. */
  tokenSecret: string;
  nodeName: string;
  /** The claimant's ephemeral X25519 public key (base64 DER/SPKI): the reply is sealed to it. */
  publicKey: string;
  facts: JoinFacts;
}

export type JoinReplyMessage =
  | { kind: 'joinReply'; ok: true; serverKey: string; iv: string; sealed: string }
  | { kind: 'joinReply'; ok: false; reason: string };

/** The sealed content of a successful join reply. */
export interface JoinGrant {
  nodeName: string;
  username: string;
  password: string;
  /** The CA that signs the broker's TLS certificate (PEM). */
  caPem: string;
}

export type DownMessage = DesiredMessage | RequestMessage;
export type UpMessage = HeartbeatMessage | NodeStatusMessage | PodStatusesMessage | AckMessage | EventsMessage | PresenceMessage | MetricsMessage | ResponseMessage;
export type ProvisionMessage = JoinRequestMessage | JoinReplyMessage;

/** The envelope: every message on the channel. */
export type ChannelMessage = DownMessage | UpMessage | ProvisionMessage;

export function encodeMessage(message: ChannelMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}
