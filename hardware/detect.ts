// Recognises the board the agent runs on (device-tree model on ARM boards, DMI on PCs) and picks its
// profile; falls back to a generic profile for the architecture. Reads a few small files, no processes.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { genericProfiles } from './profiles/generic';
import { raspberryPiProfiles } from './profiles/raspberry-pi';
import type { BoardProfile } from './profiles/types';

export interface BoardFacts {
  profile: BoardProfile;
  /** The model string as the firmware reports it ("Raspberry Pi 4 Model B Rev 1.4"); "" when unknown. */
  model: string;
  /** Board serial number where the firmware exposes one. */
  serial?: string;
}

export interface DetectOptions {
  /** Filesystem root to read from; tests point it at a fake tree. Default "/". */
  root?: string;
  /** Node's process.arch; default the running process's. */
  nodeArch?: string;
}

const PROFILES: BoardProfile[] = [...raspberryPiProfiles];

function readTrimmed(path: string): string | undefined {
  try {
    // Device-tree strings end in NUL.
    const text = readFileSync(path, 'utf8').replace(/\0+$/, '').trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

/** Kubernetes' name for a Node.js architecture: x64 → amd64, arm64 → arm64, arm → arm. */
export function kubernetesArch(nodeArch: string): BoardProfile['arch'] {
  if (nodeArch === 'x64') return 'amd64';
  if (nodeArch === 'arm64') return 'arm64';
  if (nodeArch === 'arm') return 'arm';
  throw new Error(`unsupported architecture "${nodeArch}": Flotilla runs on amd64, arm64 and arm (armhf)`);
}

export function detectBoard(options: DetectOptions = {}): BoardFacts {
  const root = options.root ?? '/';
  const arch = kubernetesArch(options.nodeArch ?? process.arch);
  const model =
    readTrimmed(join(root, 'proc/device-tree/model')) ??
    readTrimmed(join(root, 'sys/firmware/devicetree/base/model')) ??
    readTrimmed(join(root, 'sys/class/dmi/id/product_name')) ??
    '';
  const serial = readTrimmed(join(root, 'proc/device-tree/serial-number')) ?? readTrimmed(join(root, 'sys/firmware/devicetree/base/serial-number'));
  const matched = PROFILES.find((p) => p.matches(model));
  // A Pi running a 32-bit OS is still that Pi, but its pods need armhf images.
  const profile = matched ? { ...matched, arch } : genericProfiles[arch];
  return { profile, model, ...(serial ? { serial } : {}) };
}
