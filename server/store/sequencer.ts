// Turns writes into a gap-free, ordered stream: assigns resourceVersions, hands writes to the log
// in that order, and applies each one only when it and every earlier one are persisted.

import type { KubeObject, ObjectRef } from '../../shared/api/types';
import type { NedbLog } from './nedb-log';
import { recordBytes } from './object-index';
import { storeFailed } from './preconditions';
import type { StoreEventType } from './types';

export interface Write {
  type: StoreEventType;
  key: string;
  ref: ObjectRef;
  /** The object as stored; the sequencer stamps metadata.resourceVersion. */
  object: KubeObject;
  /** true: the key leaves the store (the event is DELETED). */
  remove: boolean;
  rv: number;
  json: string;
  /** The stored JSON this write replaces (updates and deletes), for the watch event's prevJson. */
  prevJson?: string;
}

interface Slot {
  write: Write;
  persisted: boolean;
  error: { cause: unknown } | undefined;
  resolve: (json: string) => void;
  reject: (err: unknown) => void;
}

/** Bytes a delete appends: the meta record and NeDB's `$$deleted` tombstone. */
const DELETE_BYTES = 96;

/**
 * Fail-stop on persistence errors: NeDB has already changed its memory when an append fails, so
 * after the first failed write every later one is rejected too (`failure` is set) and the
 * process must restart from the datafile. Events never skip a version.
 */
export class Sequencer {
  /** Highest rv applied (index updated, watchers told): what readers see. */
  committedRv: number;
  private assignedRv: number;
  private failed: { cause: unknown } | undefined;
  private readonly slots = new Map<number, Slot>();

  constructor(
    startRv: number,
    private readonly log: NedbLog,
    private readonly apply: (write: Write) => void,
    private readonly afterApply: () => void,
  ) {
    this.committedRv = startRv;
    this.assignedRv = startRv;
  }

  get failure(): { cause: unknown } | undefined {
    return this.failed;
  }

  /** Writes in flight (assigned, not yet applied or rejected). */
  get inFlight(): number {
    return this.slots.size;
  }

  /** Must be called synchronously with the decision to write: rv order is call order. */
  submit(w: Omit<Write, 'rv' | 'json'>): { promise: Promise<string>; bytes: number } {
    const rv = ++this.assignedRv;
    w.object.metadata.resourceVersion = String(rv);
    const json = JSON.stringify(w.object);
    const write: Write = { ...w, rv, json };
    const persisted = w.remove ? this.log.remove(w.key, rv) : this.log.put(w.key, rv, json);
    const promise = new Promise<string>((resolve, reject) => {
      const slot: Slot = { write, persisted: false, error: undefined, resolve, reject };
      this.slots.set(rv, slot);
      persisted.then(
        () => this.persistedOne(slot),
        (cause: unknown) => {
          slot.error = { cause };
          this.persistedOne(slot);
        },
      );
    });
    return { promise, bytes: w.remove ? w.key.length + DELETE_BYTES : recordBytes(w.key, json) };
  }

  private persistedOne(slot: Slot): void {
    slot.persisted = true;
    for (;;) {
      const next = this.slots.get(this.committedRv + 1);
      if (!next || !next.persisted) break;
      this.slots.delete(next.write.rv);
      this.committedRv = next.write.rv;
      if (next.error && !this.failed) this.failed = next.error;
      if (this.failed) {
        next.reject(storeFailed(this.failed.cause));
        continue;
      }
      this.apply(next.write);
      next.resolve(next.write.json);
    }
    this.afterApply();
  }
}
