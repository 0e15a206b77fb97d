// Starts the real `flotilla sim` (dist/, built by `npm test`) as a child process for end-to-end tests
// and benchmarks: waits for "sim ready", keeps its status lines, and can pause (SIGSTOP) and resume
// (SIGCONT) the whole simulated fleet. Every process started here is killed in `killAllSims`.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { FLOTILLA_BIN } from './server-process';

export interface SimStatus {
  connected: number;
  nodes: number;
  running: number;
  starts: number;
  stops: number;
  sessions: number;
  uplinkBytes: number;
}

const started = new Set<ChildProcess>();

export class SimProcess {
  readonly raw: string[] = [];
  readonly statuses: SimStatus[] = [];
  readonly exited: Promise<number | null>;

  private constructor(readonly proc: ChildProcess) {
    let buf = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.raw.push(line);
        try {
          const rec = JSON.parse(line) as { msg?: string } & SimStatus;
          if (rec.msg === 'sim status') this.statuses.push(rec);
        } catch {
          /* not a log line */
        }
      }
    });
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code) => {
        started.delete(proc);
        resolve(code);
      }),
    );
  }

  /**
   * `flotilla sim --token TOKEN --data-dir DIR ARGS…` (status every second); resolves once every node
   * has joined ("sim ready"), rejects when it exits first or takes longer than `timeoutMs`.
   */
  static async start(token: string, dataDir: string, args: string[], options: { timeoutMs?: number; nodeOptions?: string[] } = {}): Promise<SimProcess> {
    if (!existsSync(FLOTILLA_BIN)) throw new Error(`${FLOTILLA_BIN} missing: run \`npm run build\` (npm test does)`);
    const proc = spawn(process.execPath, [...(options.nodeOptions ?? []), FLOTILLA_BIN, 'sim', '--token', token, '--data-dir', dataDir, '--status-every', '1', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    started.add(proc);
    const sim = new SimProcess(proc);
    const timeoutMs = options.timeoutMs ?? 60_000;
    const end = Date.now() + timeoutMs;
    while (!sim.raw.some((l) => l.includes('"sim ready"'))) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`flotilla sim exited (${proc.exitCode ?? proc.signalCode}) before ready:\n${sim.raw.slice(-20).join('\n')}`);
      if (Date.now() > end) {
        proc.kill('SIGKILL');
        throw new Error(`flotilla sim not ready within ${timeoutMs} ms:\n${sim.raw.slice(-20).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return sim;
  }

  /** The newest status line (undefined before the first). */
  last(): SimStatus | undefined {
    return this.statuses.at(-1);
  }

  pause(): void {
    this.proc.kill('SIGSTOP');
  }

  resume(): void {
    this.proc.kill('SIGCONT');
  }

  /** SIGTERM (resuming it first, a paused process cannot exit), SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGCONT');
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export function killAllSims(): void {
  for (const p of started) {
    p.kill('SIGCONT');
    p.kill('SIGKILL');
  }
  started.clear();
}
