// Checks that the pause image constants agree with images/pause and that archive names follow the build script.

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PAUSE_IMAGE, PAUSE_VERSION, defaultPauseArchiveDir, ociArch, pauseArchivePath } from './pause';

describe('pause image', () => {
  it('has the version written in images/pause/VERSION', () => {
    const version = readFileSync(path.join(__dirname, '..', '..', '..', 'images', 'pause', 'VERSION'), 'utf8').trim();
    expect(PAUSE_VERSION).toBe(version);
    expect(PAUSE_IMAGE).toBe(`localhost/flotilla/pause:${version}`);
  });

  it.each([
    ['x64', 'amd64'],
    ['arm64', 'arm64'],
    ['arm', 'arm'],
  ] as const)('maps node arch %s to %s', (node, oci) => {
    expect(ociArch(node)).toBe(oci);
    expect(pauseArchivePath('/d', node)).toBe(`/d/pause-${PAUSE_VERSION}-linux-${oci}.tar`);
  });

  it('refuses an architecture it has no image for', () => {
    expect(() => ociArch('s390x')).toThrow(/s390x/);
  });

  it('finds images/pause/dist from the source tree', () => {
    expect(defaultPauseArchiveDir()).toBe(path.resolve(__dirname, '..', '..', '..', 'images', 'pause', 'dist'));
  });
});
