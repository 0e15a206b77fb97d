// The in-memory index of live objects (resource → namespace → name), serving every get and list.

/** One live object: its numeric resourceVersion and its serialized form (shared with NeDB's copy). */
export interface IndexEntry {
  rv: number;
  json: string;
}

/** Bytes a stored entry costs in the datafile, estimated: the JSON plus the record's framing. */
export function recordBytes(key: string, json: string): number {
  return key.length + json.length + 32;
}

/**
 * Maps keyed by resource, then namespace ("" for cluster-scoped), then name: get is three lookups,
 * a namespaced list touches only that namespace. `liveBytes` tracks the datafile size of the live
 * set for the compaction policy.
 */
export class ObjectIndex {
  private readonly byResource = new Map<string, Map<string, Map<string, IndexEntry>>>();
  private objects = 0;
  private bytes = 0;

  get size(): number {
    return this.objects;
  }

  get liveBytes(): number {
    return this.bytes;
  }

  get(resource: string, namespace: string, name: string): IndexEntry | undefined {
    return this.byResource.get(resource)?.get(namespace)?.get(name);
  }

  set(key: string, resource: string, namespace: string, name: string, entry: IndexEntry): void {
    let namespaces = this.byResource.get(resource);
    if (!namespaces) this.byResource.set(resource, (namespaces = new Map()));
    let names = namespaces.get(namespace);
    if (!names) namespaces.set(namespace, (names = new Map()));
    const old = names.get(name);
    if (old) this.bytes -= recordBytes(key, old.json);
    else this.objects++;
    names.set(name, entry);
    this.bytes += recordBytes(key, entry.json);
  }

  delete(key: string, resource: string, namespace: string, name: string): void {
    const namespaces = this.byResource.get(resource);
    const names = namespaces?.get(namespace);
    const old = names?.get(name);
    if (!namespaces || !names || !old) return;
    names.delete(name);
    this.objects--;
    this.bytes -= recordBytes(key, old.json);
    if (names.size === 0) namespaces.delete(namespace);
    if (namespaces.size === 0) this.byResource.delete(resource);
  }

  /** Entries of `resource`, in one namespace or all, sorted by namespace then name (etcd key order). */
  list(resource: string, namespace?: string): IndexEntry[] {
    const namespaces = this.byResource.get(resource);
    if (!namespaces) return [];
    const nsKeys = namespace === undefined ? [...namespaces.keys()].sort() : [namespace];
    const out: IndexEntry[] = [];
    for (const ns of nsKeys) {
      const names = namespaces.get(ns);
      if (!names) continue;
      for (const name of [...names.keys()].sort()) {
        const entry = names.get(name);
        if (entry) out.push(entry);
      }
    }
    return out;
  }
}
