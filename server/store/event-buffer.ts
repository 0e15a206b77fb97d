// The in-memory ring of recent store events that watches replay from (etcd's revision history).

import type { StoreEvent } from './types';

/**
 * A fixed-capacity ring of events in resourceVersion order. `startRv` is the version after which
 * the buffer is complete: every event with rv > startRv is in it. A watch from rv R can be served
 * iff R ≥ startRv; after a restart the buffer is empty and startRv is the current version.
 */
export class EventBuffer {
  private readonly ring: (StoreEvent | undefined)[];
  private head = 0;
  private count = 0;
  private start: number;

  constructor(
    readonly capacity: number,
    startRv: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`eventBufferSize must be an integer ≥ 1: got ${capacity}`);
    this.ring = new Array<StoreEvent | undefined>(capacity).fill(undefined);
    this.start = startRv;
  }

  get size(): number {
    return this.count;
  }

  /** Every event with rv > startRv is buffered. */
  get startRv(): number {
    return this.start;
  }

  /** Appends an event; the caller guarantees rv order. Evicts the oldest one when full. */
  push(event: StoreEvent): void {
    if (this.count === this.ring.length) {
      const evicted = this.ring[this.head];
      if (evicted) this.start = evicted.rv;
      this.ring[this.head] = event;
      this.head = (this.head + 1) % this.ring.length;
      return;
    }
    this.ring[(this.head + this.count) % this.ring.length] = event;
    this.count++;
  }

  /** The buffered events with rv > `rv` that pass `keep`, oldest first. Caller checked rv ≥ startRv. */
  since(rv: number, keep: (event: StoreEvent) => boolean): StoreEvent[] {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.at(mid);
      if (e && e.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    const out: StoreEvent[] = [];
    for (let i = lo; i < this.count; i++) {
      const e = this.at(i);
      if (e && keep(e)) out.push(e);
    }
    return out;
  }

  private at(i: number): StoreEvent | undefined {
    return this.ring[(this.head + i) % this.ring.length];
  }
}
