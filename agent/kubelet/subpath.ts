// volumeMount subPaths (Kubernetes' subpath preparation): the path inside the volume is resolved with its
// symlinks and must stay inside the volume — a container can plant a symlink in a writable volume, and
// bind-mounting "<volume>/<subPath>" as written would hand another container the host's / (CVE-2017-1002101).
// A missing subPath is made as a directory, as the kubelet does.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Container } from '../../shared/api/core';
import { FlotillaError } from '../../shared/errors';
import type { VolumePaths } from './volumes';

/**
 * The real host path `subPath` names inside the volume at `volumeRoot`, made (as directories) where missing.
 * Throws FlotillaError naming the subPath when it is absolute, has "..", or resolves outside the volume.
 * The caller mounts the returned path, which has no symlinks left for the runtime to follow.
 */
export async function resolveSubPath(volumeRoot: string, subPath: string, volume = ''): Promise<string> {
  const what = `subPath ${JSON.stringify(subPath)}${volume ? ` of volume "${volume}"` : ''}`;
  const parts = subPath.split('/').filter((p) => p !== '' && p !== '.');
  if (path.isAbsolute(subPath) || parts.includes('..')) throw new FlotillaError('Invalid', `${what} must be a relative path without ".."`);
  const root = await fs.realpath(volumeRoot);
  const inside = (p: string): boolean => {
    const rel = path.relative(root, p);
    return rel === '' || (rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel));
  };
  // Made with the volume's own mode (an emptyDir's 0777), so that the containers that may write the volume may write these too.
  const mode = (await fs.stat(root)).mode & 0o7777;
  let at = root;
  for (const part of parts) {
    const next = path.join(at, part);
    if (!(await exists(next))) await makeDir(next, mode);
    // Follow what is there now, link or not, and check every step: a link is never trusted to stay inside.
    const real = await fs.realpath(next);
    if (!inside(real)) throw new FlotillaError('Invalid', `${what} resolves to ${real}, outside the volume`);
    at = real;
  }
  return at;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function makeDir(p: string, mode: number): Promise<void> {
  try {
    await fs.mkdir(p, { mode });
    await fs.chmod(p, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Resolves the subPaths of a container's volumeMounts, by mount index; throws as resolveSubPath does. */
export async function resolveSubPaths(container: Container, volumes: VolumePaths): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const mounts = container.volumeMounts ?? [];
  for (const [i, vm] of mounts.entries()) {
    const root = volumes.get(vm.name);
    if (!vm.subPath || root === undefined) continue;
    out.set(i, await resolveSubPath(root, vm.subPath, vm.name));
  }
  return out;
}
