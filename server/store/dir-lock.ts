// Keeps a store directory to one store: a LOCK file holding the owner's pid.

import { readFile, realpath, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FlotillaError } from '../../shared/errors';

/** Directories held by stores of this process (the pid check cannot tell them apart). */
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of `dir` (which must exist) and returns its release function. A LOCK file left
 * by a dead process — kill -9, power loss — is taken over; one whose pid is alive is refused.
 * Known limit: after a reboot a recycled pid can make a stale lock look alive; delete LOCK then.
 */
export async function lockDir(dir: string): Promise<() => Promise<void>> {
  const real = await realpath(dir);
  if (heldHere.has(real)) throw new FlotillaError('InternalError', `store directory ${real} is already open in this process`);
  const file = join(real, 'LOCK');
  try {
    await writeFile(file, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
      throw new FlotillaError('InternalError', `store directory ${real} is locked by running process ${owner}`);
    }
    await writeFile(file, String(process.pid));
  }
  heldHere.add(real);
  return async () => {
    heldHere.delete(real);
    await unlink(file).catch(() => undefined);
  };
}
