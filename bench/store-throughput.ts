// Bench (1): store write throughput, default and durable, as a ratio to raw nedb-promises inserts.
// Run: node -r ./test/setup/swc-register.js bench/store-throughput.ts

import { join } from 'node:path';
import Datastore from 'nedb-promises';
import { openStore } from '../server/store';
import { configMap, fmt, runConcurrent, tempDir } from './store-fixtures';

const CONCURRENCY = 50;
const WRITES = 20_000;
const DURABLE_WRITES = 10_000;

async function rawNedb(n: number): Promise<number> {
  const t = tempDir('raw');
  try {
    const db = Datastore.create({ filename: join(t.dir, 'raw.db'), autoload: false });
    await db.load();
    const ms = await runConcurrent(n, CONCURRENCY, (i) => {
      const json = JSON.stringify({ ...configMap(`cm-${i}`), metadata: { ...configMap(`cm-${i}`).metadata, uid: crypto.randomUUID(), resourceVersion: String(i + 1) } });
      return db.insert({ _id: `configmaps/default/cm-${i}`, v: i + 1, o: json });
    });
    return (n / ms) * 1000;
  } finally {
    t.remove();
  }
}

async function store(n: number, durable: boolean): Promise<{ creates: number; updates: number; fsyncs: number }> {
  const t = tempDir(durable ? 'durable' : 'default');
  try {
    const s = await openStore({ dir: t.dir, durable });
    const createMs = await runConcurrent(n, CONCURRENCY, (i) => s.create('configmaps', configMap(`cm-${i}`)));
    const updateMs = await runConcurrent(n, CONCURRENCY, (i) => s.update('configmaps', configMap(`cm-${i}`, 'default', 'v2')));
    const fsyncs = s.stats().fsyncs;
    await s.close();
    return { creates: (n / createMs) * 1000, updates: (n / updateMs) * 1000, fsyncs };
  } finally {
    t.remove();
  }
}

async function main(): Promise<void> {
  console.log(`store write throughput — ${CONCURRENCY} concurrent writers, node ${process.version}`);
  await rawNedb(2_000); // warm-up
  const raw = await rawNedb(WRITES);
  const def = await store(WRITES, false);
  const dur = await store(DURABLE_WRITES, true);
  console.log(`raw nedb-promises insert      ${fmt(raw).padStart(8)} writes/s  (${fmt(WRITES)} writes)`);
  console.log(`store default   create        ${fmt(def.creates).padStart(8)} writes/s  ratio to raw ${fmt(def.creates / raw, 2)}  (goal ≥ 0.5)`);
  console.log(`store default   update        ${fmt(def.updates).padStart(8)} writes/s  ratio to raw ${fmt(def.updates / raw, 2)}`);
  console.log(`store durable   create        ${fmt(dur.creates).padStart(8)} writes/s  ratio to raw ${fmt(dur.creates / raw, 2)}  (goal ≥ 2,000/s)`);
  console.log(`store durable   update        ${fmt(dur.updates).padStart(8)} writes/s  ratio to raw ${fmt(dur.updates / raw, 2)}`);
  console.log(`durable fsyncs: ${fmt(dur.fsyncs)} for ${fmt(2 * DURABLE_WRITES)} writes (${fmt((2 * DURABLE_WRITES) / Math.max(1, dur.fsyncs), 1)} writes per fsync)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
