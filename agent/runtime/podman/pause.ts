// Where Flotilla's pause image comes from: its tag, and the per-architecture archive built by images/pause/build.sh.

import * as path from 'node:path';

/** Must match images/pause/VERSION (a unit test checks it). */
export const PAUSE_VERSION = '1.0.0';
export const PAUSE_IMAGE = `localhost/flotilla/pause:${PAUSE_VERSION}`;
/** The command the infra container runs. */
export const PAUSE_COMMAND = ['/pause'];

const OCI_ARCH: Partial<Record<NodeJS.Architecture, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm' };

/** The OCI architecture name ("amd64", "arm64", "arm") for a Node.js `process.arch`. */
export function ociArch(arch: NodeJS.Architecture = process.arch): string {
  const oci = OCI_ARCH[arch];
  if (oci === undefined) throw new Error(`no pause image for architecture ${arch}: build one with images/pause/build.sh`);
  return oci;
}

/** The archive for `arch` in `dir` (images/pause/dist in a checkout; the package's share dir on a device). */
export function pauseArchivePath(dir: string, arch: NodeJS.Architecture = process.arch): string {
  return path.join(dir, `pause-${PAUSE_VERSION}-linux-${ociArch(arch)}.tar`);
}

/** images/pause/dist relative to this file, in the source tree and in dist/ alike. */
export function defaultPauseArchiveDir(): string {
  const root = path.resolve(__dirname, '..', '..', '..');
  const fromDist = path.basename(root) === 'dist' ? path.dirname(root) : root;
  return path.join(fromDist, 'images', 'pause', 'dist');
}
