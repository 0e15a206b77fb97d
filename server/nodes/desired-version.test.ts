// Desired-state versions never go back, also when the store's resourceVersion does (a server
// power cut in the default, non-durable mode loses the last writes; devices keep the newest version
// they saw and ignore anything not newer).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DesiredVersions } from './desired-version';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-desired-version-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('DesiredVersions', () => {
  it('follows the store resourceVersion on a first start', async () => {
    const v = await DesiredVersions.open(join(dir, 'v'), 50, { chunk: 1000 });
    expect(v.version(50)).toBe(50);
    expect(v.version(51)).toBe(51);
    await v.reserve(51);
    expect(Number(readFileSync(join(dir, 'v'), 'utf8'))).toBeGreaterThanOrEqual(51);
  });

  it('after a restart whose store lost its last writes, every version is above every one handed out before', async () => {
    const file = join(dir, 'v');
    const before = await DesiredVersions.open(file, 100, { chunk: 10 });
    let last = 0;
    for (let rv = 100; rv <= 1000; rv += 7) {
      last = before.version(rv);
      await before.reserve(last);
    }
    // The store comes back at rv 990 (writes 991…1000 were in the page cache only).
    const after = await DesiredVersions.open(file, 990, { chunk: 10 });
    expect(after.version(990)).toBeGreaterThan(last);
    expect(after.version(991)).toBe(after.version(990) + 1);
  });

  it('a restart with nothing lost keeps versions increasing', async () => {
    const file = join(dir, 'v');
    const before = await DesiredVersions.open(file, 10, { chunk: 5 });
    await before.reserve(before.version(20));
    const after = await DesiredVersions.open(file, 20, { chunk: 5 });
    expect(after.version(20)).toBeGreaterThan(before.version(20));
  });

  it('fails a reservation it cannot make durable, and makes the next one once it can', async () => {
    const file = join(dir, 'missing-dir', 'v');
    const v = await DesiredVersions.open(file, 1, { chunk: 10 });
    await expect(v.reserve(5)).rejects.toThrow();
    require('node:fs').mkdirSync(join(dir, 'missing-dir'));
    await v.reserve(5);
    expect(Number(readFileSync(file, 'utf8'))).toBe(15);
  });

  it('treats an unreadable file as a first start', async () => {
    const file = join(dir, 'v');
    require('node:fs').writeFileSync(file, 'garbage');
    const v = await DesiredVersions.open(file, 7);
    expect(v.version(7)).toBe(7);
  });
});
