// Process plumbing shared by the fleet benchmarks (node-fleet, sim-footprint, deployment-scaleup
// --fleet): the built `flotilla` CLI as child processes with their JSON log lines, polling with a
// bound, CPU and RSS of a process from /proc, and the server's Prometheus figures.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { resolve } from 'node:path';
import { readKubeconfig } from '../server/auth/kubeconfig';

export const BIN = resolve(__dirname, '..', 'dist', 'bin', 'flotilla.js');

/** A child process of the CLI and its JSON log lines (stderr) so far. */
export interface Proc {
  proc: ChildProcess;
  lines: Array<Record<string, unknown>>;
  exited: Promise<void>;
}

/** `node --max-old-space-size=4096 dist/bin/flotilla.js ARGS…` */
export function start(args: string[]): Proc {
  const proc = spawn(process.execPath, ['--max-old-space-size=4096', BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let buf = '';
  proc.stderr?.on('data', (c: Buffer) => {
    buf += c.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        /* not JSON */
      }
    }
  });
  return { proc, lines, exited: new Promise((r) => proc.once('exit', () => r())) };
}

/** SIGTERM, up to `graceMs` to exit, then SIGKILL. */
export async function stopProc(p: Proc | undefined, graceMs: number): Promise<void> {
  if (!p) return;
  p.proc.kill('SIGTERM');
  await Promise.race([p.exited, new Promise((r) => setTimeout(r, graceMs))]);
  p.proc.kill('SIGKILL');
}

/** Polls `f` every 500 ms until it gives a value; throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, f: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** CPU seconds (user+sys) and RSS bytes of a process, from /proc. */
export function usage(pid: number): { cpuS: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]);
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  return { cpuS: ticks / 100, rss };
}

/** The server's flotilla_* figures from GET /metrics. */
export async function metrics(kubeconfig: string, port: number): Promise<Record<string, number>> {
  const kc = readKubeconfig(kubeconfig);
  const text = await new Promise<string>((res, rej) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', ca: kc.caPem, headers: { Authorization: `Bearer ${kc.token}` } }, (r) => {
      let body = '';
      r.on('data', (c: Buffer) => (body += c.toString()));
      r.on('end', () => res(body));
    });
    req.on('error', rej);
    req.end();
  });
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(flotilla_[a-z0-9_]+) ([-0-9.e+]+)$/.exec(line);
    if (m?.[1] && m[2]) out[m[1]] = Number(m[2]);
  }
  return out;
}

/** `flotilla server` on ephemeral loopback ports, resolved once ready. */
export async function startServer(dataDir: string, extra: string[]): Promise<{ p: Proc; port: number; mqttPort?: number }> {
  const p = start(['server', '--data-dir', dataDir, '--port', '0', '--bind-address', '127.0.0.1', '--mqtts-port', 'off', ...extra]);
  const ready = await waitFor('server ready', 60_000, () => p.lines.find((l) => l.msg === 'flotilla server ready')).catch((err: unknown) => {
    p.proc.kill('SIGKILL');
    throw err;
  });
  const mqtt = ready.mqtt as { port?: number } | undefined;
  return { p, port: Number(ready.port), ...(mqtt?.port !== undefined ? { mqttPort: mqtt.port } : {}) };
}
