// The boards a simulated fleet is made of (`flotilla sim --sizes pi-zero-2w:10,pi-4-4g:30`): per size
// the board profile of hardware/ (its label and the memory it keeps back for the OS and the agent),
// CPUs, memory and storage — a node's capacity, and its allocatable as capacity minus the reserve.

import { raspberryPiProfiles } from '../../hardware/profiles/raspberry-pi';
import type { BoardProfile } from '../../hardware/profiles/types';

export interface SimSize {
  /** "pi-4-4g" */
  name: string;
  board: BoardProfile;
  cpus: number;
  memoryMiB: number;
  storageGiB: number;
}

export const DEFAULT_SIZE = 'pi-4-4g';

const board = (id: string): BoardProfile => {
  const found = raspberryPiProfiles.find((p) => p.id === id);
  if (!found) throw new Error(`no board profile ${id}`);
  return found;
};

const sizes = new Map<string, SimSize>();
const add = (name: string, boardId: string, memoryMiB: number, storageGiB: number): void => void sizes.set(name, { name, board: board(boardId), cpus: 4, memoryMiB, storageGiB });
add('pi-zero-2w', 'rpi-zero-2w', 512, 16);
add('pi-3', 'rpi-3', 1024, 16);
for (const gb of [1, 2, 4, 8]) add(`pi-4-${gb}g`, 'rpi-4', gb * 1024, 32);
for (const gb of [1, 2, 4, 8]) add(`cm4-${gb}g`, 'rpi-cm4', gb * 1024, 32);
for (const gb of [2, 4, 8, 16]) add(`pi-5-${gb}g`, 'rpi-5', gb * 1024, 64);

export const SIZE_NAMES: readonly string[] = [...sizes.keys()];

export function simSize(name: string): SimSize {
  const size = sizes.get(name);
  if (!size) throw new Error(`unknown simulated board size "${name}": use one of ${SIZE_NAMES.join(', ')}`);
  return size;
}

/** capacity and allocatable as a real agent reports them (Ki units; allocatable memory = capacity − the board's reserve). */
export function sizeResources(size: SimSize): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const memoryKi = size.memoryMiB * 1024;
  const capacity = { cpu: String(size.cpus), memory: `${memoryKi}Ki`, 'ephemeral-storage': `${size.storageGiB * 1024 * 1024}Ki`, pods: '110' };
  const reservedKi = Math.ceil(size.board.systemReservedMemoryBytes / 1024);
  return { capacity, allocatable: { ...capacity, memory: `${Math.max(0, memoryKi - reservedKi)}Ki` } };
}

/**
 * The size of every node, in node order: "pi-zero-2w:10,pi-4-4g:30" gives ten Zero 2 W then thirty
 * Pi 4; a size without a count takes the nodes left of `nodes`. Without `text`, every node is a
 * Pi 4 with 4 GB. `nodes` (when given) must match the counts.
 */
export function parseSizes(text: string | undefined, nodes?: number): SimSize[] {
  if (!text) return Array.from({ length: nodes ?? 1 }, () => simSize(DEFAULT_SIZE));
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  const counted = parts.map((part) => {
    const [name = '', count, extra] = part.split(':');
    if (extra !== undefined || (count !== undefined && !/^\d+$/.test(count))) throw new Error(`--sizes must be SIZE[:COUNT] items separated by commas: got "${part}"`);
    return { size: simSize(name), count: count === undefined ? undefined : Number(count) };
  });
  const open = counted.filter((c) => c.count === undefined);
  if (open.length > 1) throw new Error(`--sizes may leave out the count of one size only: got "${text}"`);
  const fixed = counted.reduce((n, c) => n + (c.count ?? 0), 0);
  if (open.length === 1 && nodes === undefined) throw new Error(`--sizes "${text}" leaves a count out: give --nodes too`);
  const total = nodes ?? fixed;
  if (open.length === 0 && fixed !== total) throw new Error(`--sizes counts add up to ${fixed}, but --nodes is ${total}`);
  if (fixed > total) throw new Error(`--sizes counts add up to ${fixed}, more than --nodes ${total}`);
  return counted.flatMap((c) => Array.from({ length: c.count ?? total - fixed }, () => c.size));
}
