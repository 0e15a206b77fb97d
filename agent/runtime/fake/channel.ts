// A push-to-pull bridge: producers push values, one consumer iterates them; ends on close() or abort.

export class Channel<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | undefined;
  private closed = false;

  constructor(signal?: AbortSignal, private readonly onClose?: () => void) {
    if (signal?.aborted) this.close();
    else signal?.addEventListener('abort', () => this.close(), { once: true });
  }

  push(value: T): void {
    if (this.closed) return;
    const waiter = this.waiting;
    this.waiting = undefined;
    if (waiter) waiter({ value, done: false });
    else this.buffer.push(value);
  }

  /** Ends the iteration once buffered values are consumed. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.();
    const waiter = this.waiting;
    this.waiting = undefined;
    waiter?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ value: this.buffer.shift() as T, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    this.buffer.length = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
