// Watch fan-out through the HTTP API, as clients see it: 1,000 concurrent `?watch=true` streams over
// HTTPS each receive every event of a 1,000-write burst. The server runs in this process; watchers
// and the writer run in a child process (as real clients would), so each side has its own event loop.
// Reports completeness, order and delivery latency (write sent → event parsed by the watcher).
// Usage: node -r ./test/setup/swc-register.js bench/api-watch.ts [watchers=1000] [writes=1000]

import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { readKubeconfig, type KubeconfigParts } from '../server/auth/kubeconfig';
import { startServer } from '../server/main';

const PATH = '/api/v1/namespaces/default/configmaps';

interface Result {
  watchers: number;
  writes: number;
  complete: number;
  inOrder: boolean;
  latencies: number[];
  burstMs: number;
  cpuMs: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Child: opens the watchers, waits until all are connected, writes the burst, collects deliveries. */
async function client(kc: KubeconfigParts, port: number, watchers: number, writes: number, fromRv: string): Promise<Result> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const counts = new Array<number>(watchers).fill(0);
  let inOrder = true;
  let connected = 0;
  let allConnected: () => void = () => undefined;
  const ready = new Promise<void>((r) => (allConnected = r));
  let finished = 0;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (allDone = r));
  const watchAgent = new Agent({ keepAlive: false, maxSockets: Infinity, ca: kc.caPem });
  const requests: ReturnType<typeof request>[] = [];

  for (let w = 0; w < watchers; w++) {
    const req = request({ host: '127.0.0.1', port, path: `${PATH}?watch=true&resourceVersion=${fromRv}&labelSelector=bench%3Dwatch`, agent: watchAgent, headers: { Authorization: `Bearer ${kc.token}` } }, (res) => {
      if (++connected === watchers) allConnected();
      let buf = '';
      let lastRv = 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const ev = JSON.parse(line) as { object: { metadata: { name: string; resourceVersion: string } } };
          const rv = Number(ev.object.metadata.resourceVersion);
          if (rv <= lastRv) inOrder = false;
          lastRv = rv;
          const t = sentAt.get(ev.object.metadata.name);
          if (t !== undefined) latencies.push(performance.now() - t);
          if (++counts[w]! === writes && ++finished === watchers) allDone();
        }
      });
    });
    req.end();
    requests.push(req);
  }
  await ready;
  const writeAgent = new Agent({ keepAlive: true, maxSockets: 50, ca: kc.caPem });
  const post = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const name = `burst-${i}`;
      const body = Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { bench: 'watch' } }, data: { i: String(i) } }));
      sentAt.set(name, performance.now());
      const req = request({ host: '127.0.0.1', port, path: PATH, method: 'POST', agent: writeAgent, headers: { Authorization: `Bearer ${kc.token}`, 'Content-Type': 'application/json', 'Content-Length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`POST ${name}: ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (next < writes) await post(next++);
  }));
  const burstMs = performance.now() - t0;
  const timeout = setTimeout(allDone, 60_000);
  await done;
  clearTimeout(timeout);
  for (const r of requests) r.destroy();
  writeAgent.destroy();
  watchAgent.destroy();
  const cpu = process.cpuUsage();
  return { watchers, writes, complete: counts.filter((c) => c === writes).length, inOrder, latencies, burstMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function main(): Promise<void> {
  const watchers = Number(process.argv[2] ?? 1000);
  const writes = Number(process.argv[3] ?? 1000);
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-watch-'));
  const server = await startServer({ dataDir: dir, port: 0, bindAddress: '127.0.0.1' }, pino({ level: 'warn' }));
  try {
    const kc = readKubeconfig(server.kubeconfigPath);
    const cpu0 = process.cpuUsage();
    const child = fork(__filename, ['--client'], { execArgv: ['-r', join(__dirname, '..', 'test', 'setup', 'swc-register.js')] });
    const result = await new Promise<Result>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Result));
      child.once('exit', (code) => reject(new Error(`client exited with ${code}`)));
      child.send({ kc, port: server.port, watchers, writes, fromRv: server.store.currentResourceVersion() });
    });
    child.kill();
    const cpu = process.cpuUsage(cpu0);
    const sorted = result.latencies.sort((a, b) => a - b);
    console.log(`API watch fan-out — ${watchers} HTTPS watch streams, ${writes}-write burst (50 concurrent POSTs), node ${process.version}`);
    console.log(`burst: ${result.burstMs.toFixed(0)} ms (${((writes / result.burstMs) * 1000).toFixed(0)} writes/s while feeding ${watchers} watchers)`);
    console.log(`deliveries: ${sorted.length.toLocaleString('en-US')} (expected ${(watchers * writes).toLocaleString('en-US')}); watchers complete ${result.complete}/${watchers}; in order: ${result.inOrder}`);
    console.log(`CPU: server ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, clients (watchers + writer) ${result.cpuMs.toFixed(0)} ms`);
    console.log(`delivery latency (POST sent → event parsed by the watcher): p50 ${percentile(sorted, 50).toFixed(1)} ms  p99 ${percentile(sorted, 99).toFixed(1)} ms  max ${(sorted[sorted.length - 1] ?? NaN).toFixed(1)} ms`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--client')) {
  process.once('message', (m) => {
    const { kc, port, watchers, writes, fromRv } = m as { kc: KubeconfigParts; port: number; watchers: number; writes: number; fromRv: string };
    void client(kc, port, watchers, writes, fromRv).then((r) => process.send?.(r, () => process.exit(0)));
  });
} else {
  void main();
}
