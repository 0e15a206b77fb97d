// Versions of the desired states the server publishes. A device applies a desired state only when
// its version is newer than the one it holds, and keeps that version across restarts. Versions
// follow the store's resourceVersion, which persists — but in the default (non-durable) mode a
// power cut can lose the store's last writes, and its resourceVersion then goes back: the states
// published afterwards would carry versions the devices already saw, and be ignored (and
// acknowledged) until the store caught up, leaving devices running what the store no longer says.
//
// So versions are resourceVersion + an offset fixed at start, and a high-water mark is kept on
// disk with fsync (reserved ahead in chunks, one small write per `chunk` versions): after any
// restart the offset puts every new version above every one handed out before.

import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

const DEFAULT_CHUNK = 100_000;

export class DesiredVersions {
  private reserved: number;
  private reserving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly offset: number,
    previous: number,
    private readonly chunk: number,
  ) {
    this.reserved = previous;
  }

  /** Reads the high-water mark in `file` (missing or unreadable: a first start) for a store at `currentRv`. */
  static async open(file: string, currentRv: number, options: { chunk?: number } = {}): Promise<DesiredVersions> {
    let previous = 0;
    try {
      const n = Number((await readFile(file, 'utf8')).trim());
      if (Number.isSafeInteger(n) && n > 0) previous = n;
    } catch {
      /* first start */
    }
    const offset = Math.max(0, previous + 1 - currentRv);
    return new DesiredVersions(file, offset, previous, options.chunk ?? DEFAULT_CHUNK);
  }

  /** The version of a desired state built at store resourceVersion `rv`. */
  version(rv: number): number {
    return rv + this.offset;
  }

  /** Resolves once `version` is below the durable high-water mark: call before publishing it. */
  reserve(version: number): Promise<void> {
    if (version <= this.reserved) return Promise.resolve();
    // Reservations run one after the other; a failed one (disk full) fails its callers only.
    const run = this.reserving.then(async () => {
      if (version <= this.reserved) return;
      const mark = version + this.chunk;
      await this.write(mark);
      this.reserved = mark;
    });
    this.reserving = run.catch(() => undefined);
    return run;
  }

  /** Temp file, fsync, rename: the mark on disk is always a whole number. */
  private async write(mark: number): Promise<void> {
    const tmp = `${this.file}.tmp`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(`${mark}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.file);
    const dir = await open(dirname(this.file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
