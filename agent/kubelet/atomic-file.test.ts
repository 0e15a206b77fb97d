// Crash-safe file replacement: the target holds the old or the new content, and a failed write (a full
// SD card) leaves no partial temp file behind to fill the disk further with every retry.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeStaleTemps, writeFileAtomic } from './atomic-file';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-atomic-'))));
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the file with the given mode', async () => {
    const file = path.join(dir, 'state.json');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new', { mode: 0o600 });
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('leaves the old content and no temp file when the write fails (disk full)', async () => {
    const file = path.join(dir, 'state.json');
    writeFileSync(file, 'old');
    const open = fsp.open.bind(fsp);
    jest.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      const handle = await open(...args);
      if (String(args[0]).endsWith('.tmp')) {
        handle.writeFile = async () => {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        };
      }
      return handle;
    });
    await expect(writeFileAtomic(file, 'x'.repeat(10_000))).rejects.toThrow(/ENOSPC/);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});

describe('removeStaleTemps', () => {
  it("removes the temp files a crash left beside a file, and nothing else", async () => {
    const file = path.join(dir, 'server.json');
    writeFileSync(file, '{}');
    writeFileSync(path.join(dir, '.server.json.123.1700000000000.tmp'), 'half');
    writeFileSync(path.join(dir, '.static.json.9.1.tmp'), 'other file');
    writeFileSync(path.join(dir, 'notes.tmp'), 'not ours');
    await removeStaleTemps(file);
    expect(readdirSync(dir).sort()).toEqual(['.static.json.9.1.tmp', 'notes.tmp', 'server.json']);
  });
});
