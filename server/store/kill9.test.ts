// kill -9 in the middle of a burst of concurrent writes: every acknowledged write must be there
// after reopening. The child runs the TypeScript store through test/setup/swc-register.js.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore } from './index';

const root = resolve(__dirname, '..', '..');

/** 40 writers; each key goes create → update → (every third key) delete. One stdout line per ack. */
const CHILD = `
const { openStore } = require(${JSON.stringify(join(__dirname, 'index.ts'))});
(async () => {
  const s = await openStore({ dir: process.env.STORE_DIR, durable: process.env.DURABLE === '1' });
  const out = (line) => process.stdout.write(line + '\\n');
  out('ready');
  let next = 0;
  const writer = async () => {
    for (;;) {
      const i = next++;
      const name = 'k' + i;
      const meta = { name, namespace: 'default', labels: { 'kubernetes.io/arch': 'arm64' } };
      const c = await s.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { v: 'c' } });
      out('C ' + name + ' ' + c.metadata.resourceVersion);
      const u = await s.update('configmaps', { ...c, data: { v: 'u' } });
      out('U ' + name + ' ' + u.metadata.resourceVersion);
      if (i % 3 === 0) {
        const d = await s.delete({ resource: 'configmaps', namespace: 'default', name });
        out('D ' + name + ' ' + d.object.metadata.resourceVersion);
      }
    }
  };
  for (let w = 0; w < 40; w++) writer();
})().catch((e) => { console.error(e); process.exit(3); });
`;

interface Ack {
  op: 'C' | 'U' | 'D';
  rv: number;
}

function runUntilKilled(dir: string, durable: boolean, acksBeforeKill: number): Promise<Map<string, Ack>> {
  return new Promise((done, fail) => {
    const child: ChildProcess = spawn(process.execPath, ['-r', join(root, 'test/setup/swc-register.js'), '-e', CHILD], {
      cwd: root,
      env: { ...process.env, STORE_DIR: dir, DURABLE: durable ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<string, Ack>();
    let count = 0;
    let partial = '';
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const [op, name, rv] = line.split(' ');
        if ((op === 'C' || op === 'U' || op === 'D') && name && rv) {
          acked.set(name, { op, rv: Number(rv) });
          if (++count === acksBeforeKill) child.kill('SIGKILL');
        }
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') done(acked);
      else fail(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('kill -9 during a write burst', () => {
  it.each([
    ['default mode', false, 3000],
    ['durable mode', true, 1500],
  ])('%s: every acknowledged write survives', async (_mode, durable, acksBeforeKill) => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-kill9-'));
    try {
      const acked = await runUntilKilled(dir, durable, acksBeforeKill);
      expect(acked.size).toBeGreaterThan(500);
      const store = await openStore({ dir });
      try {
        const maxAcked = Math.max(...[...acked.values()].map((a) => a.rv));
        expect(Number(store.currentResourceVersion())).toBeGreaterThanOrEqual(maxAcked);
        for (const [name, ack] of acked) {
          const got = await store.get({ resource: 'configmaps', namespace: 'default', name });
          const index = Number(name.slice(1));
          if (ack.op === 'D') expect(got).toBeUndefined();
          else if (!got) expect([ack.op, index % 3]).toEqual(['U', 0]); // an unacknowledged delete may have landed
          else {
            expect(Number(got.metadata.resourceVersion)).toBeGreaterThanOrEqual(ack.rv);
            expect(got.metadata.labels).toEqual({ 'kubernetes.io/arch': 'arm64' });
          }
        }
        const fresh = await store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after', namespace: 'default' } });
        expect(Number(fresh.metadata.resourceVersion)).toBeGreaterThan(maxAcked);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
