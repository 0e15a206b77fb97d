// Deterministic short hashes for pod templates (pod-template-hash, controller-revision-hash), in
// Kubernetes' alphabet (no vowels, so a hash never spells a word).

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted, so equal templates hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(text, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character of the decimal form mapped into ALPHANUMS. */
function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length] ?? 'b';
  return out;
}

/** controller.ComputeHash: FNV-32a of the template (and the collision count, when set), safe-encoded. */
export function computeHash(template: unknown, collisionCount?: number): string {
  const text = canonicalJson(template) + (collisionCount !== undefined && collisionCount !== 0 ? String(collisionCount) : '');
  return safeEncode(String(fnv32a(text)));
}
