// Bench (3): how long a compaction of a 100k-object store stalls the API. Writers keep updating
// while it runs; reports the event-loop block (what every request, reads included, waits) and the
// write latency (writes queue behind NeDB's compaction).
// Run: node -r ./test/setup/swc-register.js bench/store-compaction.ts

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openStore } from '../server/store';
import { configMap, fill, fmt, percentile, tempDir } from './store-fixtures';

const OBJECTS = 100_000;
const WRITERS = 10;

interface Window {
  writes: number[];
  loopMaxMs: number;
  getMaxMs: number;
}

async function main(): Promise<void> {
  const t = tempDir('compaction');
  try {
    let store = await openStore({ dir: t.dir });
    await fill(store, OBJECTS);
    await store.close();
    store = await openStore({ dir: t.dir }); // datafile compacted by the load: live data only
    const s = store;
    console.log(`compaction stall — ${fmt(OBJECTS)} ConfigMaps, ${WRITERS} writers updating during the run`);

    let running = true;
    let window: Window = { writes: [], loopMaxMs: 0, getMaxMs: 0 };
    let n = 0;
    const writer = async (): Promise<void> => {
      while (running) {
        const i = n++ % OBJECTS;
        const t0 = performance.now();
        await s.update('configmaps', configMap(`cm-${i}`, `ns-${i % 10}`, String(n)));
        window.writes.push(performance.now() - t0);
      }
    };
    const reader = setInterval(() => {
      const t0 = performance.now();
      void s.get({ resource: 'configmaps', namespace: 'ns-3', name: 'cm-13' }).then(() => {
        window.getMaxMs = Math.max(window.getMaxMs, performance.now() - t0);
      });
    }, 2);
    const loop = monitorEventLoopDelay({ resolution: 1 });
    const measure = async (run: () => Promise<void>): Promise<Window & { ms: number }> => {
      window = { writes: [], loopMaxMs: 0, getMaxMs: 0 };
      loop.reset();
      loop.enable();
      const t0 = performance.now();
      await run();
      const ms = performance.now() - t0;
      loop.disable();
      return { ...window, loopMaxMs: loop.max / 1e6, ms };
    };

    const writers = Array.from({ length: WRITERS }, writer);
    const before = await measure(() => new Promise((r) => setTimeout(r, 2000)));
    const during = await measure(() => s.compact());
    running = false;
    clearInterval(reader);
    await Promise.all(writers);
    await s.close();

    const row = (name: string, w: Window & { ms: number }): string => {
      const sorted = [...w.writes].sort((a, b) => a - b);
      return `${name.padEnd(22)} ${fmt(w.ms).padStart(6)} ms  writes ${fmt(sorted.length).padStart(6)}  write p50 ${fmt(percentile(sorted, 50), 1)} ms  p99 ${fmt(percentile(sorted, 99), 1)} ms  max ${fmt(sorted[sorted.length - 1] ?? 0, 1)} ms  event-loop max block ${fmt(w.loopMaxMs, 1)} ms  get max ${fmt(w.getMaxMs, 1)} ms`;
    };
    console.log(row('steady (2 s window)', before));
    console.log(row('during compaction', during));
    console.log(`compaction took ${fmt(during.ms)} ms; writes stall at most ${fmt(Math.max(0, ...during.writes), 0)} ms, reads/API at most ${fmt(during.loopMaxMs, 0)} ms (event-loop block)`);
  } finally {
    t.remove();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
