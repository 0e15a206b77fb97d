// Fallback profiles for boards Flotilla has no specific profile for, chosen by architecture.

import type { BoardProfile } from './types';

const MiB = 1024 * 1024;

function generic(arch: BoardProfile['arch'], reservedMiB: number): BoardProfile {
  return { id: `generic-${arch === 'arm' ? 'armhf' : arch}`, name: `Generic ${arch === 'arm' ? 'armhf' : arch}`, arch, matches: () => false, systemReservedMemoryBytes: reservedMiB * MiB, reportsThrottling: false };
}

export const genericProfiles: Record<BoardProfile['arch'], BoardProfile> = {
  arm64: generic('arm64', 256),
  arm: generic('arm', 128),
  amd64: generic('amd64', 512),
};
