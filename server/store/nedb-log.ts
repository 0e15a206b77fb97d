// The durable log under the store: one NeDB datafile holding one record per live object plus a
// meta record with the resourceVersion counter. The only file that touches nedb-promises.

import { open as openFile } from 'node:fs/promises';
import { repairTornTail } from './torn-tail';
import Datastore from 'nedb-promises';
import { GroupCommit } from './group-commit';

/** A record as stored: the object key, its resourceVersion, its JSON (dotted label keys are safe in a string). */
interface LogDoc {
  _id: string;
  v: number;
  o?: string;
}

/** Holds the counter so it never goes back, also when the newest write was a delete. */
const META_ID = '!meta';

export interface LoadedRecord {
  key: string;
  rv: number;
  json: string;
}

/**
 * Methods of the underlying @seald-io/nedb Datastore that the nedb-promises proxy forwards but does
 * not type: compaction with a promise (NeDB ≥ 4) and the live documents without NeDB's deep copy.
 */
interface NedbInternals {
  compactDatafileAsync?: () => Promise<void>;
  getAllData?: () => LogDoc[];
}

/**
 * Every method resolves only after NeDB's append (fs.appendFile) resolved, i.e. the record is in
 * the OS page cache and survives kill -9. With `durable`, it also waits for an fsync of the
 * datafile shared with concurrent writers (group commit), so the record survives power loss.
 * NeDB runs operations one at a time in call order, so records reach the file in call order.
 */
export class NedbLog {
  private readonly groupCommit: GroupCommit;

  private constructor(
    private readonly db: Datastore<LogDoc>,
    readonly filename: string,
    private readonly durable: boolean,
  ) {
    this.groupCommit = new GroupCommit(() => this.fsyncDatafile());
  }

  /** Loads the datafile (NeDB rewrites it compacted on load, with fsync and atomic rename). */
  static async open(filename: string, options: { durable: boolean }): Promise<NedbLog> {
    await repairTornTail(filename);
    const db = Datastore.create({ filename, autoload: false, corruptAlertThreshold: 0.1 }) as Datastore<LogDoc>;
    await db.load();
    return new NedbLog(db, filename, options.durable);
  }

  get fsyncCount(): number {
    return this.groupCommit.flushCount;
  }

  /** Every live record and the highest resourceVersion ever persisted (meta record included). */
  async loadAll(): Promise<{ records: LoadedRecord[]; maxRv: number }> {
    // getAllData hands out NeDB's own documents (read only here): no 100k-document copy at start-up.
    const getAllData = (this.db as unknown as NedbInternals).getAllData;
    const docs = typeof getAllData === 'function' ? getAllData.call(this.db) : await this.db.find({});
    const records: LoadedRecord[] = [];
    let maxRv = 0;
    for (const doc of docs) {
      if (doc.v > maxRv) maxRv = doc.v;
      if (doc._id !== META_ID && typeof doc.o === 'string') records.push({ key: doc._id, rv: doc.v, json: doc.o });
    }
    return { records, maxRv };
  }

  /** Creates or replaces the record of `key`. Call synchronously after taking the rv: order matters. */
  put(key: string, rv: number, json: string): Promise<void> {
    const written = this.db.update({ _id: key }, { _id: key, v: rv, o: json }, { upsert: true });
    return this.afterWrite(written);
  }

  /** Persists the counter first, then removes `key`: a crash between the two loses only the unacknowledged delete. */
  remove(key: string, rv: number): Promise<void> {
    const meta = this.db.update({ _id: META_ID }, { _id: META_ID, v: rv }, { upsert: true });
    const removed = this.db.remove({ _id: key }, { multi: false });
    return this.afterWrite(Promise.all([meta, removed]));
  }

  /** Rewrites the datafile with only live records. Queued behind pending writes; writes queue behind it. */
  async compact(): Promise<void> {
    const asyncCompaction = (this.db as unknown as NedbInternals).compactDatafileAsync;
    if (typeof asyncCompaction === 'function') {
      await asyncCompaction.call(this.db);
      return;
    }
    await new Promise<void>((resolve) => {
      this.db.once('compactionDone', () => resolve());
      this.db.persistence.compactDatafile();
    });
  }

  /** Waits for an fsync covering everything written so far (a no-op unless durable). */
  async sync(): Promise<void> {
    if (this.durable) await this.groupCommit.sync();
  }

  private async afterWrite(written: Promise<unknown>): Promise<void> {
    await written;
    if (this.durable) await this.groupCommit.sync();
  }

  /**
   * Opened per flush rather than kept open: compaction renames a new file over the datafile, and
   * a fresh open always reaches the current one (compaction itself fsyncs the file it writes).
   */
  private async fsyncDatafile(): Promise<void> {
    const handle = await openFile(this.filename, 'r+');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }
}
