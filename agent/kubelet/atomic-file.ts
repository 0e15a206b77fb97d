// Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over the target,
// fsync the directory. After a crash or power cut the file holds either the old or the new content, whole.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Rejects (leaving the old content and no temp file) when any step fails, e.g. ENOSPC on a full disk. */
export async function writeFileAtomic(file: string, data: string | Buffer, options: { mode?: number } = {}): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const mode = options.mode ?? 0o644;
  try {
    const handle = await fs.open(tmp, 'w', mode);
    try {
      await handle.writeFile(data);
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    // A partial temp file on a full disk would only make it fuller with every retry.
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** Removes the temp files writeFileAtomic left beside `file` when the process died mid-write. */
export async function removeStaleTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(entries.filter((e) => e.startsWith(prefix) && e.endsWith('.tmp')).map((e) => fs.rm(path.join(dir, e), { force: true })));
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
