// Board detection against fake filesystem trees, one per board kind.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { detectBoard, kubernetesArch } from './detect';
import { detectDevices, deviceCapacity } from './devices';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-hw-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

it.each([
  ['Raspberry Pi Zero 2 W Rev 1.0\0', 'arm64', 'rpi-zero-2w', 'arm64'],
  ['Raspberry Pi 3 Model B Plus Rev 1.3\0', 'arm', 'rpi-3', 'arm'],
  ['Raspberry Pi 4 Model B Rev 1.4\0', 'arm64', 'rpi-4', 'arm64'],
  ['Raspberry Pi Compute Module 4 Rev 1.1\0', 'arm64', 'rpi-cm4', 'arm64'],
  ['Raspberry Pi 5 Model B Rev 1.0\0', 'arm64', 'rpi-5', 'arm64'],
  ['Pine64 RockPro64 v2.1\0', 'arm64', 'generic-arm64', 'arm64'],
  ['Some ARMv7 board\0', 'arm', 'generic-armhf', 'arm'],
])('device-tree model %j on %s → %s', (model, nodeArch, id, arch) => {
  const root = tree({ 'proc/device-tree/model': model, 'proc/device-tree/serial-number': '10000000abcdef\0' });
  const facts = detectBoard({ root, nodeArch });
  expect(facts.profile.id).toBe(id);
  expect(facts.profile.arch).toBe(arch);
  expect(facts.model).toBe(model.replace(/\0$/, ''));
  expect(facts.serial).toBe('10000000abcdef');
});

it('falls back to DMI on PCs and to the generic profile when nothing is known', () => {
  expect(detectBoard({ root: tree({ 'sys/class/dmi/id/product_name': 'Standard PC (Q35 + ICH9, 2009)\n' }), nodeArch: 'x64' })).toMatchObject({ profile: { id: 'generic-amd64', arch: 'amd64' }, model: 'Standard PC (Q35 + ICH9, 2009)' });
  expect(detectBoard({ root: tree({}), nodeArch: 'x64' })).toMatchObject({ profile: { id: 'generic-amd64' }, model: '' });
});

it('names an unsupported architecture', () => {
  expect(() => kubernetesArch('ia32')).toThrow('unsupported architecture "ia32"');
});

it('finds device nodes by class and advertises them', () => {
  const root = tree({ 'dev/gpiochip0': '', 'dev/gpiochip1': '', 'dev/i2c-1': '', 'dev/spidev0.0': '', 'dev/video10': '', 'dev/video2': '', 'dev/ttyAMA0': '', 'dev/tty1': '', 'dev/null': '' });
  const devices = detectDevices({ root });
  expect(devices).toEqual([
    { class: 'gpio', resource: 'flotilla.io/gpio', paths: ['/dev/gpiochip0', '/dev/gpiochip1'] },
    { class: 'i2c', resource: 'flotilla.io/i2c', paths: ['/dev/i2c-1'] },
    { class: 'spi', resource: 'flotilla.io/spi', paths: ['/dev/spidev0.0'] },
    { class: 'camera', resource: 'flotilla.io/camera', paths: ['/dev/video2', '/dev/video10'] },
    { class: 'serial', resource: 'flotilla.io/serial', paths: ['/dev/ttyAMA0'] },
  ]);
  expect(deviceCapacity(devices)).toEqual({
    capacity: { 'flotilla.io/gpio': '2', 'flotilla.io/i2c': '1', 'flotilla.io/spi': '1', 'flotilla.io/camera': '2', 'flotilla.io/serial': '1' },
    labels: { 'flotilla.io/device.gpio': 'true', 'flotilla.io/device.i2c': 'true', 'flotilla.io/device.spi': 'true', 'flotilla.io/device.camera': 'true', 'flotilla.io/device.serial': 'true' },
  });
  expect(detectDevices({ root: tree({ 'dev/null': '' }) })).toEqual([]);
});
