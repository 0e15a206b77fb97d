import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repairTornTail } from './torn-tail';

describe('repairTornTail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-torn-'));
  const file = join(dir, 'objects.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['intact file', 'a\nb\n', 'a\nb\n'],
    ['torn last record', 'a\nb\n{"_id":"x","o":"{\\"ap', 'a\nb\n'],
    ['only a torn record', '{"_id":"x"', ''],
    ['empty file', '', ''],
    ['torn record longer than a read chunk', `a\n${'x'.repeat(200_000)}`, 'a\n'],
  ])('%s', async (_name, content, want) => {
    writeFileSync(file, content);
    const removed = await repairTornTail(file);
    expect(readFileSync(file, 'utf8')).toBe(want);
    expect(removed).toBe(content.length - want.length);
  });

  it('ignores a missing file', async () => {
    await expect(repairTornTail(join(dir, 'missing.db'))).resolves.toBe(0);
  });
});
