// Bench (4): watch fan-out. 1,000 watchers each receive every event of a 1,000-write burst
// (50 concurrent writers); latency from the write call to each watcher's callback.
// Run: node -r ./test/setup/swc-register.js bench/store-watch.ts

import { openStore } from '../server/store';
import { configMap, fmt, percentile, runConcurrent, tempDir } from './store-fixtures';

const WATCHERS = 1_000;
const WRITES = 1_000;
const CONCURRENCY = 50;

async function burst(watchers: number): Promise<{ ms: number; latencies: number[]; fanout: number[]; complete: boolean; stringifyMs: number }> {
  const t = tempDir('watch');
  try {
    const s = await openStore({ dir: t.dir });
    const started = new Map<string, number>();
    const latencies: number[] = [];
    const firstSeen = new Map<number, number>();
    const fanout: number[] = [];
    const seen: number[][] = Array.from({ length: watchers }, () => []);
    for (let w = 0; w < watchers; w++) {
      const mine = seen[w] ?? [];
      s.watch({ resource: 'configmaps', resourceVersion: s.currentResourceVersion() }, (e) => {
        mine.push(e.rv);
        const now = performance.now();
        latencies.push(now - (started.get(e.object.metadata.name ?? '') ?? 0));
        if (w === 0) firstSeen.set(e.rv, now);
        if (w === watchers - 1) fanout.push(now - (firstSeen.get(e.rv) ?? now));
      });
    }
    const ms = await runConcurrent(WRITES, CONCURRENCY, (i) => {
      const name = `cm-${i}`;
      started.set(name, performance.now());
      return s.create('configmaps', configMap(name));
    });
    const expected = Array.from({ length: WRITES }, (_, i) => i + 1).join(',');
    const complete = seen.every((rvs) => rvs.join(',') === expected);
    // What the API layer pays to serialize each event once per watcher vs once per event (StoreEvent.json).
    const { items } = await s.list('configmaps');
    const t0 = performance.now();
    for (const o of items) for (let w = 0; w < Math.min(watchers, 100); w++) JSON.stringify({ type: 'ADDED', object: o });
    const stringifyMs = ((performance.now() - t0) / Math.min(watchers, 100)) * watchers;
    await s.close();
    return { ms, latencies, fanout, complete, stringifyMs };
  } finally {
    t.remove();
  }
}

async function main(): Promise<void> {
  console.log(`watch fan-out — ${fmt(WATCHERS)} watchers, ${fmt(WRITES)}-write burst, ${CONCURRENCY} concurrent writers`);
  const base = await burst(0);
  const fan = await burst(WATCHERS);
  const sorted = [...fan.latencies].sort((a, b) => a - b);
  console.log(`burst without watchers: ${fmt(base.ms)} ms (${fmt((WRITES / base.ms) * 1000)} writes/s)`);
  console.log(`burst with ${fmt(WATCHERS)} watchers: ${fmt(fan.ms)} ms (${fmt((WRITES / fan.ms) * 1000)} writes/s), ratio ${fmt(base.ms / fan.ms, 2)}`);
  console.log(`deliveries: ${fmt(sorted.length)} (expected ${fmt(WATCHERS * WRITES)}), every watcher complete and in order: ${fan.complete}`);
  console.log(`delivery latency (write call → callback): p50 ${fmt(percentile(sorted, 50), 1)} ms  p99 ${fmt(percentile(sorted, 99), 1)} ms  max ${fmt(sorted[sorted.length - 1] ?? 0, 1)} ms`);
  const fan1 = [...fan.fanout].sort((a, b) => a - b);
  console.log(`fan-out only (first → last of ${fmt(WATCHERS)} watchers, per event): p50 ${fmt(percentile(fan1, 50), 3)} ms  p99 ${fmt(percentile(fan1, 99), 3)} ms`);
  console.log(`for scale: JSON.stringify per watcher per event would cost ≈ ${fmt(fan.stringifyMs)} ms for this burst; StoreEvent.json makes it once per event`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
