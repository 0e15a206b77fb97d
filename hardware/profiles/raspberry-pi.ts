// Raspberry Pi boards, recognised by the device-tree model ("Raspberry Pi 4 Model B Rev 1.4").

import type { BoardProfile } from './types';

const MiB = 1024 * 1024;

function pi(id: string, name: string, pattern: RegExp, reservedMiB: number): BoardProfile {
  return { id, name, arch: 'arm64', matches: (model) => pattern.test(model), systemReservedMemoryBytes: reservedMiB * MiB, reportsThrottling: true };
}

/** Most specific first: "Compute Module 4" must win over "Raspberry Pi 4". */
export const raspberryPiProfiles: BoardProfile[] = [
  pi('rpi-zero-2w', 'Raspberry Pi Zero 2 W', /Raspberry Pi Zero 2 W/i, 96),
  pi('rpi-cm4', 'Raspberry Pi Compute Module 4', /Compute Module 4/i, 192),
  pi('rpi-5', 'Raspberry Pi 5', /Raspberry Pi 5/i, 256),
  pi('rpi-4', 'Raspberry Pi 4 Model B', /Raspberry Pi 4/i, 192),
  pi('rpi-3', 'Raspberry Pi 3', /Raspberry Pi 3/i, 128),
];
