// The committed pause archives (what devices load) are byte for byte what build.sh builds from
// pause.c, for every architecture, and each holds one static, stripped /pause for that architecture.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HERE = __dirname;
const VERSION = readFileSync(join(HERE, 'VERSION'), 'utf8').trim();
const ARCHES = ['amd64', 'arm64', 'arm'];

jest.setTimeout(120_000);

let out: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'flotilla-pause-'));
  const r = spawnSync('sh', [join(HERE, 'build.sh'), ...ARCHES], { env: { ...process.env, PAUSE_OUT: out }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build.sh failed: ${r.stderr}`);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

it.each(ARCHES)('the committed %s archive is what build.sh builds', (arch) => {
  const name = `pause-${VERSION}-linux-${arch}.tar`;
  expect(readFileSync(join(HERE, 'dist', name)).equals(readFileSync(join(out, name)))).toBe(true);
});

it('commits nothing else', () => {
  expect(readdirSync(join(HERE, 'dist')).sort()).toEqual(ARCHES.map((a) => `pause-${VERSION}-linux-${a}.tar`).sort());
});

it.each([
  ['amd64', /x86-64/],
  ['arm64', /ARM aarch64/],
  ['arm', /ARM, EABI5/],
])('the %s archive holds a static, stripped pause for that architecture', (arch, machine) => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-pause-x-'));
  try {
    expect(spawnSync('tar', ['-xf', join(HERE, 'dist', `pause-${VERSION}-linux-${arch}.tar`), '-C', dir]).status).toBe(0);
    const layer = readdirSync(dir).find((f) => /^[0-9a-f]{64}$/.test(f));
    expect(layer).toBeDefined();
    expect(spawnSync('tar', ['-xf', join(dir, layer ?? '', 'layer.tar'), '-C', dir]).status).toBe(0);
    const file = spawnSync('file', ['-b', join(dir, 'pause')], { encoding: 'utf8' }).stdout;
    expect(file).toMatch(machine);
    expect(file).toMatch(/statically linked/);
    expect(file).toMatch(/stripped/);
    expect(file).not.toMatch(/not stripped/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
