// Per-key mutual exclusion: writes to one object run one at a time, writes to different ones overlap.

/** FIFO lock per string key. Entries exist only while a key is held, so memory follows concurrency. */
export class KeyLock {
  private readonly queues = new Map<string, (() => void)[]>();

  isHeld(key: string): boolean {
    return this.queues.has(key);
  }

  /** Resolves when `key` is held by the caller; pair every acquire with exactly one release. */
  acquire(key: string): Promise<void> {
    const queue = this.queues.get(key);
    if (!queue) {
      this.queues.set(key, []);
      return Promise.resolve();
    }
    return new Promise((resolve) => queue.push(resolve));
  }

  release(key: string): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    const next = queue.shift();
    if (next) next();
    else this.queues.delete(key);
  }

  /** Runs `fn` holding `key`. */
  async with<T>(key: string, fn: () => Promise<T>): Promise<T> {
    await this.acquire(key);
    try {
      return await fn();
    } finally {
      this.release(key);
    }
  }
}
