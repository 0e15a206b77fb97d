// Kubernetes' AtomicWriter for configMap and secret volumes: the files live in a timestamped directory that a
// `..data` symlink points to, and each top-level name is a symlink through `..data`, so a container sees an
// update all at once (one rename) and never a half-written set.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FlotillaError } from '../../shared/errors';

export interface ProjectedFile {
  /** Relative path inside the volume, e.g. "app.conf" or "certs/ca.pem". */
  path: string;
  data: Buffer;
  mode: number;
}

export interface ProjectOptions {
  dirMode: number;
  uid?: number;
  gid?: number;
}

const DATA = '..data';

/** Makes `dir` show exactly `files`. Resolves true if anything changed. */
export async function project(dir: string, files: ProjectedFile[], options: ProjectOptions): Promise<boolean> {
  for (const f of files) checkPath(f.path);
  await fs.mkdir(dir, { recursive: true });
  await fs.chmod(dir, options.dirMode);
  await chown(dir, options);
  const current = await fs.readlink(path.join(dir, DATA)).catch(() => undefined);
  if (current !== undefined && (await same(path.join(dir, current), files))) {
    await removeStale(dir, current);
    return false;
  }

  const stamp = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${randomBytes(4).toString('hex')}`;
  const target = path.join(dir, stamp);
  try {
    await fs.mkdir(target, { mode: options.dirMode });
    await fs.chmod(target, options.dirMode);
    await chown(target, options);
    for (const f of files) {
      const file = path.join(target, f.path);
      await mkdirs(target, path.dirname(f.path), options);
      await fs.writeFile(file, f.data, { mode: f.mode });
      await fs.chmod(file, f.mode);
      await chown(file, options);
    }
    const tmpLink = path.join(dir, `${DATA}_tmp`);
    await fs.rm(tmpLink, { force: true });
    await fs.symlink(stamp, tmpLink);
    await fs.rename(tmpLink, path.join(dir, DATA));
  } catch (err) {
    // The old copy stays in place; a half-written new one would only fill a full disk further at every retry.
    await fs.rm(target, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }

  const top = new Set(files.map((f) => f.path.split('/')[0] ?? f.path));
  for (const name of top) {
    const link = path.join(dir, name);
    if ((await fs.readlink(link).catch(() => undefined)) !== `${DATA}/${name}`) {
      await fs.rm(link, { force: true, recursive: true });
      await fs.symlink(`${DATA}/${name}`, link);
    }
  }
  for (const entry of await fs.readdir(dir)) {
    if (entry === stamp || entry === DATA) continue;
    if (entry.startsWith('..') || !top.has(entry)) await fs.rm(path.join(dir, entry), { force: true, recursive: true });
  }
  return true;
}

/** Removes timestamped copies other than `current` (a crash between writing one and swapping it in leaves one). */
async function removeStale(dir: string, current: string): Promise<void> {
  for (const entry of await fs.readdir(dir)) {
    if (entry.startsWith('..') && entry !== current && entry !== DATA) await fs.rm(path.join(dir, entry), { force: true, recursive: true });
  }
}

function checkPath(p: string): void {
  if (p === '' || path.isAbsolute(p) || p.split('/').some((part) => part === '..' || part === '') || p.startsWith('..')) {
    throw new FlotillaError('Invalid', `volume item path must be relative, without "..": got ${JSON.stringify(p)}`);
  }
}

async function mkdirs(root: string, rel: string, options: ProjectOptions): Promise<void> {
  if (rel === '.' || rel === '') return;
  let at = root;
  for (const part of rel.split('/')) {
    at = path.join(at, part);
    await fs.mkdir(at, { mode: options.dirMode }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await chown(at, options);
  }
}

async function chown(p: string, options: ProjectOptions): Promise<void> {
  if (options.uid === undefined && options.gid === undefined) return;
  await fs.chown(p, options.uid ?? 0, options.gid ?? 0);
}

/** True when `dir` holds exactly `files` with the same bytes and modes. */
async function same(dir: string, files: ProjectedFile[]): Promise<boolean> {
  try {
    if ((await countFiles(dir)) !== files.length) return false;
    for (const f of files) {
      const file = path.join(dir, f.path);
      const stat = await fs.stat(file);
      if ((stat.mode & 0o7777) !== f.mode) return false;
      if (!(await fs.readFile(file)).equals(f.data)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    n += entry.isDirectory() ? await countFiles(path.join(dir, entry.name)) : 1;
  }
  return n;
}
