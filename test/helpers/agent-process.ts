// Starts the real `flotilla agent` (dist/, built by `npm test`) as a child process for end-to-end tests,
// collects its JSON log lines, and waits on them. Every process started here is killed in `killAllAgents`.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { FLOTILLA_BIN } from './server-process';

export interface AgentLogLine {
  level: number;
  msg: string;
  pod?: string;
  reason?: string;
  phase?: string;
  ready?: string;
  restarts?: number;
  containers?: Record<string, string>;
  terminated?: boolean;
  message?: string;
  time: string;
  [field: string]: unknown;
}

const started = new Set<ChildProcess>();

export class AgentProcess {
  readonly lines: AgentLogLine[] = [];
  readonly raw: string[] = [];
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  private constructor(readonly proc: ChildProcess) {
    let buf = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.raw.push(line);
        try {
          this.lines.push(JSON.parse(line) as AgentLogLine);
        } catch {
          /* not a log line */
        }
        for (const w of this.waiters) w();
      }
    });
    proc.stdout?.on('data', (chunk: Buffer) => this.raw.push(chunk.toString('utf8')));
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code) => {
        started.delete(proc);
        for (const w of this.waiters) w();
        resolve(code);
      }),
    );
  }

  /** `node`: the Node.js command to run it with (default this process's; e.g. Node 18 under qemu-user). */
  static start(args: string[], env: NodeJS.ProcessEnv, node: string = process.execPath): AgentProcess {
    if (!existsSync(FLOTILLA_BIN)) throw new Error(`${FLOTILLA_BIN} missing: run \`npm run build\` (npm test does)`);
    const proc = spawn(node, [FLOTILLA_BIN, 'agent', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    started.add(proc);
    return new AgentProcess(proc);
  }

  /** Resolves with the first log line (from the start) matching `pred`; rejects after `timeoutMs`. */
  waitFor(what: string, pred: (l: AgentLogLine) => boolean, timeoutMs = 30_000): Promise<AgentLogLine> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = this.lines.find(pred);
        if (hit) {
          done();
          resolve(hit);
        } else if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
          done();
          reject(new Error(`agent exited (${this.proc.exitCode ?? this.proc.signalCode}) before ${what}:\n${this.raw.slice(-30).join('\n')}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}:\n${this.raw.slice(-30).join('\n')}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The latest "pod status" line of a pod (by name), if any. */
  status(pod: string): AgentLogLine | undefined {
    return [...this.lines].reverse().find((l) => l.msg === 'pod status' && l.pod === pod);
  }

  /** Waits for a "pod status" line of `pod` matching `pred`. */
  waitForStatus(pod: string, pred: (l: AgentLogLine) => boolean, timeoutMs = 30_000): Promise<AgentLogLine> {
    return this.waitFor(`a status of ${pod}`, (l) => l.msg === 'pod status' && l.pod === pod && pred(l), timeoutMs);
  }

  events(reason?: string, pod?: string): AgentLogLine[] {
    return this.lines.filter((l) => typeof l.reason === 'string' && l.msg !== 'pod status' && (reason === undefined || l.reason === reason) && (pod === undefined || l.pod === pod));
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    await this.exited;
  }
}

export function killAllAgents(): void {
  for (const proc of started) proc.kill('SIGKILL');
}
