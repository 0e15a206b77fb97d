// Shared helpers of the store benchmarks: temp dirs, small ConfigMaps, concurrent drivers, percentiles.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../shared/api/types';
import type { NedbStore } from '../server/store';

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), `flotilla-bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A small ConfigMap with a few keys and a dotted label, ≈ 300 bytes of JSON once stored. */
export function configMap(name: string, namespace = 'default', value = '0'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/name': 'bench', 'kubernetes.io/arch': 'arm64' } },
    data: { mode: 'fast', level: value, endpoint: 'mqtt://broker.local:1883' },
  };
}

/** Runs `total` jobs with `concurrency` of them in flight; returns the wall time in ms. */
export async function runConcurrent(total: number, concurrency: number, job: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return performance.now() - start;
}

/** Creates `count` ConfigMaps spread over 10 namespaces. */
export async function fill(store: NedbStore, count: number, concurrency = 100): Promise<number> {
  return runConcurrent(count, concurrency, (i) => store.create('configmaps', configMap(`cm-${i}`, `ns-${i % 10}`)));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
