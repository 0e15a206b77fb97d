// Group commit: many writers waiting for durability share one fsync.

/**
 * `sync()` resolves once a flush that started after the call has completed, so everything the
 * caller wrote before calling is covered. While one flush runs, all callers arriving meanwhile
 * share the next one: at most one flush runs and at most one is queued, whatever the concurrency.
 */
export class GroupCommit {
  private running = false;
  private waiting: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } | undefined;
  private flushes = 0;

  constructor(private readonly flush: () => Promise<void>) {}

  /** Number of flushes performed so far (for tests and benchmarks). */
  get flushCount(): number {
    return this.flushes;
  }

  sync(): Promise<void> {
    if (!this.waiting) {
      let resolve: () => void = () => {};
      let reject: (err: unknown) => void = () => {};
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.waiting = { promise, resolve, reject };
    }
    const { promise } = this.waiting;
    if (!this.running) this.runNext();
    return promise;
  }

  private runNext(): void {
    const batch = this.waiting;
    if (!batch) return;
    this.waiting = undefined;
    this.running = true;
    this.flushes++;
    this.flush().then(
      () => this.settle(batch.resolve),
      (err: unknown) => this.settle(() => batch.reject(err)),
    );
  }

  private settle(done: () => void): void {
    this.running = false;
    done();
    this.runNext();
  }
}
