// Drops a record torn by a crash in the middle of an append, before NeDB reads the datafile.

import { open } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/**
 * Every record NeDB appends ends with "\\n", and a write is acknowledged only after its append
 * completed, so bytes after the last newline belong to a write nobody was told about: they are
 * cut off (and the cut fsynced). Without this, one torn line in a small datafile would exceed
 * NeDB's corruption threshold and the store would refuse to start. Returns the bytes removed.
 */
export async function repairTornTail(filename: string): Promise<number> {
  let handle;
  try {
    handle = await open(filename, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const buf = Buffer.alloc(CHUNK);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const { bytesRead } = await handle.read(buf, 0, end - start, start);
      const nl = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (nl >= 0) {
        end = start + nl + 1;
        break;
      }
      end = start;
    }
    if (end === size) return 0;
    await handle.truncate(end);
    await handle.sync();
    return size - end;
  } finally {
    await handle.close();
  }
}
