// The compact type codes of the schema table, parsed into a typed description of one field. Used
// by unknown-field detection, the strategic merge patch and the server's OpenAPI expansion.
//
//   s string · i integer · b boolean · n number · t date-time · ios int-or-string · q quantity
//   o free-form object (its inside is not checked) · ms map of strings · mq map of quantities
//   Name   reference to another schema of the table (Name! = patch strategy retainKeys)
//   []X    list of X, replaced as a whole by a strategic merge patch (Kubernetes' atomic lists)
//   []X@k  list merged by the key field `k` (x-kubernetes-patch-merge-key); @k! adds retainKeys
//   []s+   list of scalars merged as a set (x-kubernetes-patch-strategy: merge)

export type FieldTable = Record<string, string>;

export type ScalarCode = 's' | 'i' | 'b' | 'n' | 't' | 'ios' | 'q';

export type FieldType =
  | { kind: 'scalar'; code: ScalarCode }
  /** `o`: any JSON object; nothing inside is known. */
  | { kind: 'free' }
  | { kind: 'map'; values: 'string' | 'quantity' }
  /** A reference to the named schema (short name, e.g. "PodSpec"). */
  | { kind: 'object'; schema: string; retainKeys: boolean }
  /**
   * `strategy` "merge": a strategic merge patch merges the list (by `mergeKey` for objects, as a
   * set for scalars); "replace": the patch's list replaces the whole list.
   */
  | { kind: 'list'; item: FieldType; strategy: 'merge' | 'replace'; mergeKey?: string; retainKeys: boolean };

const SCALARS = new Set<string>(['s', 'i', 'b', 'n', 't', 'ios', 'q']);
const parsed = new Map<string, FieldType>();

function parse(code: string): FieldType {
  if (code.startsWith('[]')) {
    const m = /^\[\](\w+)(\+)?(?:@(\w+)(!)?)?$/.exec(code);
    if (!m || !m[1]) throw new Error(`schema table: bad list code "${code}"`);
    const [, item = '', set, key, retain] = m;
    const merge = set !== undefined || key !== undefined;
    return { kind: 'list', item: fieldType(item), strategy: merge ? 'merge' : 'replace', ...(key ? { mergeKey: key } : {}), retainKeys: retain !== undefined };
  }
  if (SCALARS.has(code)) return { kind: 'scalar', code: code as ScalarCode };
  if (code === 'o') return { kind: 'free' };
  if (code === 'ms') return { kind: 'map', values: 'string' };
  if (code === 'mq') return { kind: 'map', values: 'quantity' };
  if (!/^[A-Z]\w*!?$/.test(code)) throw new Error(`schema table: bad type code "${code}"`);
  return code.endsWith('!') ? { kind: 'object', schema: code.slice(0, -1), retainKeys: true } : { kind: 'object', schema: code, retainKeys: false };
}

/** The parsed form of a type code (memoized). Throws on a malformed code: the table is static data. */
export function fieldType(code: string): FieldType {
  let t = parsed.get(code);
  if (!t) {
    t = parse(code);
    parsed.set(code, t);
  }
  return t;
}
