// Where Flotilla's pause image comes from: its tag, the per-architecture archive built by images/pause/build.sh, and loading it.

import * as path from 'node:path';
import { FlotillaError } from '../../../shared/errors';
import { splitRef, type ImagesApi } from './images';

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

/** Loads the archive if `image` is missing, tagging what it brought in as `image` if it came under another name. */
export async function loadPauseImage(images: ImagesApi, image: string, archive: string): Promise<void> {
  if (await images.exists(image)) return;
  const names = await images.load(archive).catch((err: unknown) => {
    throw new FlotillaError('ServiceUnavailable', `pause image ${image} is missing and ${archive} could not be loaded`, { cause: err });
  });
  const first = names[0];
  if (!names.includes(image) && first !== undefined) {
    const { repo, tag } = splitRef(image);
    await images.tag(first, repo, tag);
  }
}
