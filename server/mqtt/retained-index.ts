// Retained messages indexed by topic level, for the embedded broker. aedes' memory persistence scans
// every retained message for every SUBSCRIBE: with a retained desired state and presence per device
// that is O(devices²) when a fleet (re)connects. Walking a trie costs only the matching branches.

interface TrieNode<T> {
  children: Map<string, TrieNode<T>>;
  value?: T;
}

export class RetainedIndex<T> {
  private readonly root: TrieNode<T> = { children: new Map() };
  private count = 0;

  get size(): number {
    return this.count;
  }

  set(topic: string, value: T): void {
    let node = this.root;
    for (const level of topic.split('/')) {
      let next = node.children.get(level);
      if (!next) node.children.set(level, (next = { children: new Map() }));
      node = next;
    }
    if (node.value === undefined) this.count++;
    node.value = value;
  }

  delete(topic: string): void {
    const path: Array<[TrieNode<T>, string]> = [];
    let node: TrieNode<T> | undefined = this.root;
    for (const level of topic.split('/')) {
      const next: TrieNode<T> | undefined = node.children.get(level);
      if (!next) return;
      path.push([node, level]);
      node = next;
    }
    if (node.value === undefined) return;
    node.value = undefined;
    this.count--;
    // Prune empty branches.
    for (let i = path.length - 1; i >= 0; i--) {
      const entry = path[i];
      if (!entry) break;
      const [parent, level] = entry;
      const child = parent.children.get(level);
      if (!child || child.value !== undefined || child.children.size > 0) break;
      parent.children.delete(level);
    }
  }

  /** Every retained value whose topic matches the MQTT filter (`+`, `#`; `$` topics need an explicit first level). */
  *match(filter: string): Generator<T> {
    yield* this.walk(this.root, filter.split('/'), 0);
  }

  private *walk(node: TrieNode<T>, levels: string[], i: number): Generator<T> {
    if (i === levels.length) {
      if (node.value !== undefined) yield node.value;
      return;
    }
    const level = levels[i];
    if (level === '#') {
      yield* this.all(node, i === 0);
      return;
    }
    if (level === '+') {
      for (const [name, child] of node.children) if (!(i === 0 && name.startsWith('$'))) yield* this.walk(child, levels, i + 1);
      return;
    }
    const child = level === undefined ? undefined : node.children.get(level);
    if (child) yield* this.walk(child, levels, i + 1);
  }

  /** The node's own value (`a/#` matches `a`) and its whole subtree. */
  private *all(node: TrieNode<T>, topLevel: boolean): Generator<T> {
    if (node.value !== undefined && !topLevel) yield node.value;
    for (const [name, child] of node.children) {
      if (topLevel && name.startsWith('$')) continue;
      if (child.value !== undefined) yield child.value;
      for (const grand of child.children.values()) yield* this.all(grand, false);
    }
  }
}
