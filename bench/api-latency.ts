// API single-object write latency under a sustained write rate with many objects stored.
// Goal (issue 2): p99 ≤ 50 ms at 500 writes/s with 100k objects (Kubernetes' SLO: 1 s).
// Usage: node -r ./test/setup/swc-register.js bench/api-latency.ts [objects=100000] [rate=500] [seconds=20]

import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { readKubeconfig } from '../server/auth/kubeconfig';
import { startServer } from '../server/main';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const objects = Number(process.argv[2] ?? 100_000);
  const rate = Number(process.argv[3] ?? 500);
  const seconds = Number(process.argv[4] ?? 20);
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-api-'));
  const server = await startServer({ dataDir: dir, port: 0, bindAddress: '127.0.0.1' }, pino({ level: 'warn' }));
  try {
    const t0 = Date.now();
    const batch = 500;
    for (let i = 0; i < objects; i += batch) {
      const writes: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(objects, i + batch); j++) {
        writes.push(server.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `pre-${j}`, namespace: 'default' }, data: { a: 'alpha', b: 'beta', c: String(j) } }));
      }
      await Promise.all(writes);
    }
    console.log(`preloaded ${objects} ConfigMaps in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const kc = readKubeconfig(server.kubeconfigPath);
    const agent = new Agent({ keepAlive: true, maxSockets: 64, ca: kc.caPem });
    const post = (i: number): Promise<number> =>
      new Promise((resolve, reject) => {
        const body = Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `w-${i}`, namespace: 'default' }, data: { k: String(i) } }));
        const start = process.hrtime.bigint();
        const req = request(
          { host: '127.0.0.1', port: server.port, path: '/api/v1/namespaces/default/configmaps', method: 'POST', agent, headers: { Authorization: `Bearer ${kc.token}`, 'Content-Type': 'application/json', 'Content-Length': body.length } },
          (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 201 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`status ${res.statusCode}`))));
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    const latencies: number[] = [];
    const pending: Promise<void>[] = [];
    const total = rate * seconds;
    const startAt = Date.now();
    for (let i = 0; i < total; i++) {
      const due = startAt + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(post(i).then((ms) => void latencies.push(ms)));
    }
    await Promise.all(pending);
    const elapsed = (Date.now() - startAt) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(`writes: ${latencies.length} in ${elapsed.toFixed(1)} s (${(latencies.length / elapsed).toFixed(0)}/s offered ${rate}/s) with ${objects} objects stored`);
    console.log(`latency ms: p50 ${percentile(latencies, 50).toFixed(2)}  p90 ${percentile(latencies, 90).toFixed(2)}  p99 ${percentile(latencies, 99).toFixed(2)}  max ${(latencies[latencies.length - 1] ?? NaN).toFixed(2)}`);
    console.log(`goal p99 ≤ 50 ms: ratio p99/goal ${(percentile(latencies, 99) / 50).toFixed(2)}; vs Kubernetes' 1 s SLO: ${(percentile(latencies, 99) / 1000).toFixed(3)}`);
    agent.destroy();
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
