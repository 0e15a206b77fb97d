// Bench (2): open() time and resident memory of a store holding 100k small ConfigMaps, measured in
// fresh child processes against one holding an empty store.
// Run: node -r ./test/setup/swc-register.js bench/store-load.ts

import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { openStore } from '../server/store';
import { fill, fmt, tempDir } from './store-fixtures';

const OBJECTS = 100_000;
const root = resolve(__dirname, '..');

interface Probe {
  openMs: number;
  rss: number;
  heapUsed: number;
  objects: number;
}

/** Child mode: open the store in `dir`, settle, report. */
async function probe(dir: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const start = performance.now();
  const store = await openStore({ dir });
  const openMs = performance.now() - start;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  const mem = process.memoryUsage();
  const result: Probe = { openMs, rss: mem.rss, heapUsed: mem.heapUsed, objects: store.stats().objects };
  await store.close();
  process.stdout.write(JSON.stringify(result));
}

function runProbe(dir: string): Probe {
  const out = execFileSync(process.execPath, ['--expose-gc', '-r', join(root, 'test/setup/swc-register.js'), __filename, '--probe', dir], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out) as Probe;
}

async function main(): Promise<void> {
  const empty = tempDir('empty');
  const full = tempDir('full');
  try {
    const s = await openStore({ dir: full.dir });
    const fillMs = await fill(s, OBJECTS);
    await s.close();
    console.log(`store open time and memory — ${fmt(OBJECTS)} small ConfigMaps (filled in ${fmt(fillMs / 1000, 1)} s)`);
    const e = runProbe(empty.dir);
    const probes = [runProbe(full.dir), runProbe(full.dir)];
    const f = probes.reduce((a, b) => (a.openMs < b.openMs ? a : b));
    const mb = (n: number): string => `${fmt(n / 1048576, 1)} MB`;
    console.log(`empty store:  open ${fmt(e.openMs)} ms   rss ${mb(e.rss)}   heap ${mb(e.heapUsed)}`);
    console.log(`100k store:   open ${fmt(f.openMs)} ms (best of 2: ${probes.map((p) => fmt(p.openMs)).join(', ')})  (goal ≤ 5,000 ms)   rss ${mb(f.rss)}   heap ${mb(f.heapUsed)}   objects ${fmt(f.objects)}`);
    console.log(`rss above empty:  ${mb(f.rss - e.rss)} = ${fmt((f.rss - e.rss) / OBJECTS)} bytes per object (goal ≤ 2,048)`);
    console.log(`heap above empty: ${mb(f.heapUsed - e.heapUsed)} = ${fmt((f.heapUsed - e.heapUsed) / OBJECTS)} bytes per object`);
  } finally {
    empty.remove();
    full.remove();
  }
}

const probeAt = process.argv.indexOf('--probe');
const probeDir = probeAt >= 0 ? process.argv[probeAt + 1] : undefined;
(probeDir ? probe(probeDir) : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
