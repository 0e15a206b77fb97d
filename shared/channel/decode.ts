// Decodes what arrives on a channel topic into a typed message, or says why not. Never throws:
// garbage, wrong types, unknown kinds, the wrong kind for the topic and oversized payloads all
// come back as `{ ok: false, reason }` for the caller to log and drop.

import type { ConfigMap, NodeCondition, Pod, PodStatus, Secret } from '../api/core';
import * as c from './check';
import type * as M from './messages';
import { parseTopic, type ParsedTopic } from './topics';

export type Decoded<T extends M.ChannelMessage = M.ChannelMessage> = { ok: true; topic: ParsedTopic; message: T } | { ok: false; reason: string };

/** Payload ceilings per topic leaf, in bytes. The desired state is the only big one. */
export const MAX_PAYLOAD_BYTES: Record<string, number> = {
  desired: 8 * 1024 * 1024,
  pods: 1024 * 1024,
  response: 256 * 1024,
  metrics: 256 * 1024,
  events: 256 * 1024,
  status: 64 * 1024,
  request: 16 * 1024,
  execInput: 64 * 1024,
  join: 64 * 1024,
  joinReply: 64 * 1024,
  default: 4 * 1024,
};

const ID_MAX = 128;

function meta(v: unknown, path: string, namespaced: boolean): c.Json {
  const m = c.object(v, path);
  c.string(m.name, `${path}.name`, 253);
  if (namespaced) c.string(m.namespace, `${path}.namespace`, 63);
  return m;
}

function pod(v: unknown, path: string): Pod {
  const o = c.object(v, path);
  const m = meta(o.metadata, `${path}.metadata`, true);
  c.string(m.uid, `${path}.metadata.uid`, 128);
  const spec = c.object(o.spec, `${path}.spec`);
  c.array(spec.containers, `${path}.spec.containers`, (x, p) => c.string(c.object(x, p).name, `${p}.name`, 253), 64);
  if (o.kind !== 'Pod') c.fail(`${path}.kind`, '"Pod"', o.kind);
  return o as unknown as Pod;
}

function configMap(v: unknown, path: string): ConfigMap {
  const o = c.object(v, path);
  meta(o.metadata, `${path}.metadata`, true);
  if (o.data !== undefined) c.stringMap(o.data, `${path}.data`, 10_000);
  if (o.kind !== 'ConfigMap') c.fail(`${path}.kind`, '"ConfigMap"', o.kind);
  return o as unknown as ConfigMap;
}

function secret(v: unknown, path: string): Secret {
  const o = c.object(v, path);
  meta(o.metadata, `${path}.metadata`, true);
  if (o.data !== undefined) c.stringMap(o.data, `${path}.data`, 10_000);
  if (o.kind !== 'Secret') c.fail(`${path}.kind`, '"Secret"', o.kind);
  return o as unknown as Secret;
}

function podStatus(v: unknown, path: string): PodStatus {
  const o = c.object(v, path);
  if (o.phase !== undefined) c.oneOf(o.phase, `${path}.phase`, ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
  if (o.conditions !== undefined) c.array(o.conditions, `${path}.conditions`, (x, p) => c.object(x, p), 32);
  if (o.containerStatuses !== undefined) c.array(o.containerStatuses, `${path}.containerStatuses`, (x, p) => c.string(c.object(x, p).name, `${p}.name`), 64);
  return o as PodStatus;
}

function condition(v: unknown, path: string): NodeCondition {
  const o = c.object(v, path);
  c.string(o.type, `${path}.type`, 64);
  c.oneOf(o.status, `${path}.status`, ['True', 'False', 'Unknown']);
  return o as unknown as NodeCondition;
}

function facts(o: c.Json, path: string): M.JoinFacts {
  const nodeInfo = c.stringMap(o.nodeInfo, `${path}.nodeInfo`, 32) as unknown as M.JoinFacts['nodeInfo'];
  const addresses = c.array(o.addresses, `${path}.addresses`, (x, p) => {
    const a = c.object(x, p);
    return { type: c.oneOf(a.type, `${p}.type`, ['Hostname', 'InternalIP', 'ExternalIP', 'InternalDNS', 'ExternalDNS']), address: c.string(a.address, `${p}.address`, 253) };
  }, 64);
  return { labels: c.stringMap(o.labels, `${path}.labels`), capacity: c.quantityMap(o.capacity, `${path}.capacity`), nodeInfo, addresses };
}

function nodeMetrics(v: unknown, path: string): M.NodeMetrics {
  const o = c.object(v, path);
  for (const k of ['cpuNanoCores', 'memoryWorkingSetBytes', 'memoryAvailableBytes', 'fsUsedBytes', 'fsCapacityBytes', 'networkRxBytes', 'networkTxBytes']) c.finite(o[k], `${path}.${k}`);
  if (o.temperatureCelsius !== undefined) c.finite(o.temperatureCelsius, `${path}.temperatureCelsius`);
  if (o.throttledFlags !== undefined) c.integer(o.throttledFlags, `${path}.throttledFlags`, 0, 0xffffffff);
  return o as unknown as M.NodeMetrics;
}

function containerMetrics(v: unknown, path: string): M.ContainerMetrics {
  const o = c.object(v, path);
  c.string(o.name, `${path}.name`, 253);
  c.finite(o.cpuNanoCores, `${path}.cpuNanoCores`);
  c.finite(o.memoryWorkingSetBytes, `${path}.memoryWorkingSetBytes`);
  return o as unknown as M.ContainerMetrics;
}

type Body = c.Json & { kind: string };

/** A streamed response's flow-control window: 1 to 1,024 chunks in flight. */
function flowWindow(v: unknown): void {
  c.optInteger(v, 'window', 1, 1024);
}

function terminalSize(v: unknown, path: string): M.TerminalSize {
  const o = c.object(v, path);
  return { width: c.integer(o.width, `${path}.width`, 0, 10_000), height: c.integer(o.height, `${path}.height`, 0, 10_000) };
}

/** A base64 string of at most `max` characters. */
function base64(v: unknown, path: string, max: number): string {
  const s = c.string(v, path, max);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) c.fail(path, 'base64', s.slice(0, 20));
  return s;
}

const DECODERS: Record<string, (o: Body) => M.ChannelMessage> = {
  desired: (o) => ({
    kind: 'desired',
    version: c.integer(o.version, 'version', 1),
    pods: c.array(o.pods, 'pods', pod, 5000),
    configMaps: c.array(o.configMaps, 'configMaps', configMap, 5000),
    secrets: c.array(o.secrets, 'secrets', secret, 5000),
  }),
  logs: (o) => {
    c.string(o.id, 'id', ID_MAX);
    c.string(o.namespace, 'namespace', 63);
    c.string(o.pod, 'pod', 253);
    c.optString(o.container, 'container', 253);
    c.optBoolean(o.follow, 'follow');
    c.optInteger(o.tailLines, 'tailLines');
    if (o.sinceTime !== undefined && !Number.isFinite(Date.parse(c.string(o.sinceTime, 'sinceTime', 64)))) c.fail('sinceTime', 'an RFC 3339 time', o.sinceTime);
    c.optBoolean(o.timestamps, 'timestamps');
    c.optBoolean(o.previous, 'previous');
    c.optInteger(o.limitBytes, 'limitBytes');
    flowWindow(o.window);
    return o as unknown as M.LogsRequest;
  },
  exec: (o) => {
    c.string(o.id, 'id', ID_MAX);
    c.string(o.namespace, 'namespace', 63);
    c.string(o.pod, 'pod', 253);
    c.optString(o.container, 'container', 253);
    c.array(o.command, 'command', (x, p) => c.string(x, p), 256);
    if ((o.command as unknown[]).length === 0) c.fail('command', 'a non-empty array', o.command);
    c.optInteger(o.timeoutMs, 'timeoutMs');
    c.optBoolean(o.stdin, 'stdin');
    c.optBoolean(o.tty, 'tty');
    if (o.size !== undefined) terminalSize(o.size, 'size');
    flowWindow(o.window);
    return o as unknown as M.ExecRequest;
  },
  execInput: (o) => {
    const data = o.data === undefined ? undefined : base64(o.data, 'data', 48 * 1024);
    const eof = c.optBoolean(o.eof, 'eof');
    const resize = o.resize === undefined ? undefined : terminalSize(o.resize, 'resize');
    return {
      kind: 'execInput',
      id: c.string(o.id, 'id', ID_MAX),
      seq: c.integer(o.seq, 'seq'),
      ...(data !== undefined ? { data } : {}),
      ...(eof !== undefined ? { eof } : {}),
      ...(resize ? { resize } : {}),
    };
  },
  cancel: (o) => ({ kind: 'cancel', id: c.string(o.id, 'id', ID_MAX) }),
  credit: (o) => ({ kind: 'credit', id: c.string(o.id, 'id', ID_MAX), seq: c.integer(o.seq, 'seq') }),
  heartbeat: (o) => ({ kind: 'heartbeat', seq: c.integer(o.seq, 'seq') }),
  status: (o) => ({
    kind: 'status',
    ...facts(o, 'status'),
    allocatable: c.quantityMap(o.allocatable, 'allocatable'),
    conditions: c.array(o.conditions, 'conditions', condition, 16),
  }),
  pods: (o) => ({
    kind: 'pods',
    full: c.boolean(o.full, 'full'),
    statuses: c.array(o.statuses, 'statuses', (x, p) => {
      const s = c.object(x, p);
      const terminated = c.optBoolean(s.terminated, `${p}.terminated`);
      return {
        namespace: c.string(s.namespace, `${p}.namespace`, 63),
        name: c.string(s.name, `${p}.name`, 253),
        uid: c.string(s.uid, `${p}.uid`, 128),
        version: c.integer(s.version, `${p}.version`),
        status: podStatus(s.status, `${p}.status`),
        ...(terminated !== undefined ? { terminated } : {}),
      };
    }, 5000),
  }),
  ack: (o) => {
    const error = c.optString(o.error, 'error');
    return { kind: 'ack', version: c.integer(o.version, 'version'), applied: c.boolean(o.applied, 'applied'), ...(error !== undefined ? { error } : {}) };
  },
  events: (o) => ({
    kind: 'events',
    events: c.array(o.events, 'events', (x, p) => {
      const e = c.object(x, p);
      c.string(e.namespace, `${p}.namespace`, 63);
      c.string(e.pod, `${p}.pod`, 253);
      c.string(e.uid, `${p}.uid`, 128);
      c.oneOf(e.type, `${p}.type`, ['Normal', 'Warning']);
      c.string(e.reason, `${p}.reason`, 128);
      c.string(e.message, `${p}.message`, 4096);
      c.optString(e.fieldPath, `${p}.fieldPath`, 256);
      c.string(e.time, `${p}.time`, 64);
      return e as unknown as M.EventReport;
    }, 500),
  }),
  presence: (o) => ({ kind: 'presence', online: c.boolean(o.online, 'online'), since: c.integer(o.since, 'since') }),
  metrics: (o) => ({
    kind: 'metrics',
    time: c.string(o.time, 'time', 64),
    windowSeconds: c.finite(o.windowSeconds, 'windowSeconds'),
    node: nodeMetrics(o.node, 'node'),
    pods: c.array(o.pods, 'pods', (x, p) => {
      const m = c.object(x, p);
      return { namespace: c.string(m.namespace, `${p}.namespace`, 63), name: c.string(m.name, `${p}.name`, 253), containers: c.array(m.containers, `${p}.containers`, containerMetrics, 64) };
    }, 1000),
  }),
  logChunk: (o) => ({ kind: 'logChunk', id: c.string(o.id, 'id', ID_MAX), seq: c.integer(o.seq, 'seq'), data: c.string(o.data, 'data', 200 * 1024) }),
  execResult: (o) => ({
    kind: 'execResult',
    id: c.string(o.id, 'id', ID_MAX),
    exitCode: c.integer(o.exitCode, 'exitCode', -1, 255),
    stdout: c.string(o.stdout, 'stdout', 100 * 1024),
    stderr: c.string(o.stderr, 'stderr', 100 * 1024),
  }),
  execOutput: (o) => ({
    kind: 'execOutput',
    id: c.string(o.id, 'id', ID_MAX),
    seq: c.integer(o.seq, 'seq'),
    stream: c.oneOf(o.stream, 'stream', ['stdout', 'stderr'] as const),
    data: base64(o.data, 'data', 48 * 1024),
  }),
  done: (o) => {
    const e = o.error === undefined ? undefined : c.object(o.error, 'error');
    const exitCode = o.exitCode === undefined ? undefined : c.integer(o.exitCode, 'exitCode', -1, 255);
    return {
      kind: 'done',
      id: c.string(o.id, 'id', ID_MAX),
      seq: c.integer(o.seq, 'seq'),
      ...(e ? { error: { code: c.string(e.code, 'error.code', 64), message: c.string(e.message, 'error.message') } } : {}),
      ...(exitCode !== undefined ? { exitCode } : {}),
    };
  },
  join: (o) => ({
    kind: 'join',
    tokenId: c.string(o.tokenId, 'tokenId', 64),
    tokenSecret: c.string(o.tokenSecret, 'tokenSecret', 128),
    nodeName: c.string(o.nodeName, 'nodeName', 253),
    publicKey: c.string(o.publicKey, 'publicKey', 256),
    facts: facts(c.object(o.facts, 'facts'), 'facts'),
  }),
  joinReply: (o) =>
    c.boolean(o.ok, 'ok')
      ? { kind: 'joinReply', ok: true, serverKey: c.string(o.serverKey, 'serverKey', 256), iv: c.string(o.iv, 'iv', 64), sealed: c.string(o.sealed, 'sealed', 32 * 1024) }
      : { kind: 'joinReply', ok: false, reason: c.string(o.reason, 'reason') },
};

/** Which kinds each topic leaf carries. */
const KINDS_BY_LEAF: Record<string, readonly string[]> = {
  'down/desired': ['desired'],
  'down/request': ['logs', 'exec', 'execInput', 'cancel', 'credit'],
  'up/heartbeat': ['heartbeat'],
  'up/status': ['status'],
  'up/pods': ['pods'],
  'up/ack': ['ack'],
  'up/events': ['events'],
  'up/metrics': ['metrics'],
  'up/response': ['logChunk', 'execResult', 'execOutput', 'done'],
  'up/presence': ['presence'],
  'provision/request': ['join'],
  'provision/reply': ['joinReply'],
};

/** The ceiling of a topic leaf: its own, or that of the biggest kind it carries (execInput on down/request). */
function limitFor(leaf: string, kinds: readonly string[]): number {
  const fallback = MAX_PAYLOAD_BYTES.default ?? 4096;
  return Math.max(MAX_PAYLOAD_BYTES[leaf] ?? fallback, ...kinds.map((k) => MAX_PAYLOAD_BYTES[k] ?? fallback));
}

/** Decodes `payload` received on `topic`. Rejects anything off-scheme or malformed, with a reason. */
export function decodeMessage(topic: string, payload: Uint8Array | string): Decoded {
  const parsed = parseTopic(topic);
  if (!parsed) return { ok: false, reason: `topic ${JSON.stringify(topic.slice(0, 200))} is not part of the ${'flotilla/v1'} scheme` };
  const kinds = KINDS_BY_LEAF[`${parsed.scope}/${parsed.leaf}`] ?? [];
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  const limit = limitFor(parsed.leaf, kinds);
  if (size > limit) return { ok: false, reason: `payload on ${topic} is ${size} bytes: more than the ${limit} allowed` };
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `payload on ${topic} is not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    const body = c.object(json, 'message');
    const kind = c.string(body.kind, 'kind', 32);
    if (!kinds.includes(kind)) return { ok: false, reason: `kind ${JSON.stringify(kind)} is not allowed on ${topic} (expected ${kinds.join(' or ')})` };
    const decoder = DECODERS[kind];
    if (!decoder) return { ok: false, reason: `unknown kind ${JSON.stringify(kind)}` };
    return { ok: true, topic: parsed, message: decoder(body as Body) };
  } catch (err) {
    if (err instanceof c.ChannelDecodeError) return { ok: false, reason: `bad ${kinds.join('/')} message on ${topic}: ${err.message}` };
    return { ok: false, reason: `cannot decode message on ${topic}: ${err instanceof Error ? err.message : String(err)}` };
  }
}
