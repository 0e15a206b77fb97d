// Finds the device nodes a board exposes to pods (GPIO, I2C, SPI, camera, serial) under /dev and turns
// them into what a Node advertises: extended resources `flotilla.io/<class>` and labels.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceClass } from './profiles/types';

export interface DeviceResource {
  class: DeviceClass;
  /** The extended resource name, e.g. "flotilla.io/camera". */
  resource: string;
  /** Device nodes of this class, sorted ("/dev/video0", "/dev/video1"). */
  paths: string[];
}

const CLASSES: { class: DeviceClass; pattern: RegExp }[] = [
  { class: 'gpio', pattern: /^(gpiochip\d+|gpiomem)$/ },
  { class: 'i2c', pattern: /^i2c-\d+$/ },
  { class: 'spi', pattern: /^spidev\d+\.\d+$/ },
  { class: 'camera', pattern: /^(video\d+|media\d+)$/ },
  { class: 'serial', pattern: /^(ttyAMA\d+|ttyUSB\d+|ttyACM\d+|serial\d+)$/ },
];

/** Device classes present under `${root}/dev`; classes with no device are left out. */
export function detectDevices(options: { root?: string } = {}): DeviceResource[] {
  const dev = join(options.root ?? '/', 'dev');
  let names: string[];
  try {
    names = readdirSync(dev);
  } catch {
    return [];
  }
  const out: DeviceResource[] = [];
  for (const c of CLASSES) {
    const paths = names.filter((n) => c.pattern.test(n)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((n) => `/dev/${n}`);
    if (paths.length > 0) out.push({ class: c.class, resource: `flotilla.io/${c.class}`, paths });
  }
  return out;
}

/**
 * What a Node reports for its devices: one unit of `flotilla.io/<class>` per device node (a pod asks
 * for the class, the agent mounts that class's nodes), and a `flotilla.io/device.<class>=true` label
 * so that a DaemonSet can select "every device with a camera".
 */
export function deviceCapacity(devices: DeviceResource[]): { capacity: Record<string, string>; labels: Record<string, string> } {
  const capacity: Record<string, string> = {};
  const labels: Record<string, string> = {};
  for (const d of devices) {
    capacity[d.resource] = String(d.paths.length);
    labels[`flotilla.io/device.${d.class}`] = 'true';
  }
  return { capacity, labels };
}
