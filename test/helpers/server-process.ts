// Starts the real `flotilla server` (dist/, built by `npm test`) as a child process for end-to-end
// tests, and stops or kill -9s it. Every process started here is killed in `stopAll`.

import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';

const ROOT = resolve(__dirname, '..', '..');
export const FLOTILLA_BIN = join(ROOT, 'dist', 'bin', 'flotilla.js');

export interface ServerProcess {
  proc: ChildProcess;
  port: number;
  /** The node channel's embedded broker ports (absent with --mqtt-url). */
  mqtt: { port?: number; tlsPort?: number; wsPort?: number; advertiseUrl?: string };
  dataDir: string;
  kubeconfig: string;
  logs: string[];
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill9(): Promise<void>;
}

const started = new Set<ChildProcess>();

export async function startServerProcess(dataDir: string, extraArgs: string[] = [], timeoutMs = 30_000): Promise<ServerProcess> {
  if (!existsSync(FLOTILLA_BIN)) throw new Error(`${FLOTILLA_BIN} missing: run \`npm run build\` (npm test does)`);
  const proc = spawn(process.execPath, [FLOTILLA_BIN, 'server', '--data-dir', dataDir, '--port', '0', '--bind-address', '127.0.0.1', '--mqtt-port', '0', '--mqtts-port', '0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(proc);
  const logs: string[] = [];
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => {
    started.delete(proc);
    r(code);
  }));
  let mqtt: ServerProcess['mqtt'] = {};
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not become ready in ${timeoutMs} ms:\n${logs.join('\n')}`)), timeoutMs);
    let buf = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        logs.push(line);
        try {
          const rec = JSON.parse(line) as { msg?: string; port?: number; mqtt?: ServerProcess['mqtt'] };
          if (rec.msg === 'flotilla server ready' && typeof rec.port === 'number') {
            mqtt = rec.mqtt ?? {};
            clearTimeout(timer);
            resolvePort(rec.port);
          }
        } catch {
          /* not a JSON log line */
        }
      }
    });
    proc.stdout?.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before ready:\n${logs.join('\n')}`));
    });
  });
  return {
    proc,
    port,
    mqtt,
    dataDir,
    kubeconfig: join(dataDir, 'kubeconfig.yaml'),
    logs,
    async stop() {
      proc.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

export function stopAll(): void {
  for (const p of started) p.kill('SIGKILL');
  started.clear();
}
