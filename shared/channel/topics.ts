// The MQTT topic scheme of the node channel, versioned under one prefix. Every device owns one
// subtree, `flotilla/v1/nodes/<node>/`, split into `down/` (server → device, the device may only
// read) and `up/` (device → server, the device may only write). Claimants joining with a token use
// `flotilla/v1/provision/<clientId>/` only, keyed by their MQTT client id.

export const TOPIC_PREFIX = 'flotilla/v1';

/** What the server sends a device. `desired` is retained. */
export type DownLeaf = 'desired' | 'request';
/** What a device sends the server. `presence` is retained (and is the device's last will). */
export type UpLeaf = 'heartbeat' | 'status' | 'pods' | 'ack' | 'events' | 'metrics' | 'response' | 'presence';
export type ProvisionLeaf = 'request' | 'reply';

export const DOWN_LEAVES: readonly DownLeaf[] = ['desired', 'request'];
export const UP_LEAVES: readonly UpLeaf[] = ['heartbeat', 'status', 'pods', 'ack', 'events', 'metrics', 'response', 'presence'];

export type ParsedTopic =
  | { scope: 'down'; node: string; leaf: DownLeaf }
  | { scope: 'up'; node: string; leaf: UpLeaf }
  | { scope: 'provision'; clientId: string; leaf: ProvisionLeaf };

/**
 * Node names are Kubernetes object names (DNS-1123 subdomains); MQTT forbids `+`, `#` and `/`
 * inside a level anyway. Client ids of claimants: letters, digits, `-` and `_`, up to 64.
 */
const NODE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isNodeName(name: string): boolean {
  return NODE_NAME.test(name);
}

export function isClaimClientId(id: string): boolean {
  return CLIENT_ID.test(id);
}

export function downTopic(node: string, leaf: DownLeaf): string {
  return `${TOPIC_PREFIX}/nodes/${node}/down/${leaf}`;
}

export function upTopic(node: string, leaf: UpLeaf): string {
  return `${TOPIC_PREFIX}/nodes/${node}/up/${leaf}`;
}

export function provisionTopic(clientId: string, leaf: ProvisionLeaf): string {
  return `${TOPIC_PREFIX}/provision/${clientId}/${leaf}`;
}

/** Subscription filters: the server listens to every device's `up/` and every claimant's request. */
export const SERVER_FILTERS = {
  up: `${TOPIC_PREFIX}/nodes/+/up/+`,
  provisionRequests: `${TOPIC_PREFIX}/provision/+/request`,
} as const;

/** The filter a device subscribes to. */
export function deviceDownFilter(node: string): string {
  return `${TOPIC_PREFIX}/nodes/${node}/down/+`;
}

/** Parses a concrete topic; undefined for anything outside the scheme. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  if (`${parts[0]}/${parts[1]}` !== TOPIC_PREFIX) return undefined;
  const [, , area, id, a, b] = parts;
  if (area === 'nodes' && parts.length === 6 && id !== undefined && isNodeName(id)) {
    if (a === 'down' && (DOWN_LEAVES as readonly string[]).includes(b ?? '')) return { scope: 'down', node: id, leaf: b as DownLeaf };
    if (a === 'up' && (UP_LEAVES as readonly string[]).includes(b ?? '')) return { scope: 'up', node: id, leaf: b as UpLeaf };
    return undefined;
  }
  if (area === 'provision' && parts.length === 5 && id !== undefined && isClaimClientId(id) && (a === 'request' || a === 'reply')) {
    return { scope: 'provision', clientId: id, leaf: a };
  }
  return undefined;
}

/**
 * MQTT topic filter matching (`+` one level, `#` the rest), as brokers do it; `$`-topics never
 * match wildcards at the first level.
 */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (t[0]?.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
