// Starts a private Debian mosquitto for one test: a free loopback port, a generated config that
// points at the password and ACL files flotilla writes, and SIGHUP for reloads. Killed in stop().

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

export interface Mosquitto {
  port: number;
  passwordFile: string;
  aclFile: string;
  proc: ChildProcess;
  log: () => string;
  /** The reload command flotilla runs after rewriting the files. */
  reloadCommand: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/**
 * Starts mosquitto with empty password/ACL files in `dir` (flotilla fills them). `again` restarts
 * one that was stopped: the same port, the files as flotilla left them.
 */
export async function startMosquitto(dir: string, again?: { port: number }): Promise<Mosquitto> {
  // Installed by test/setup/environment.js under `npm test`; here too when a file runs alone.
  const setup = require('../setup/environment') as { mosquittoPackages(): string[]; aptInstall(p: string[]): void };
  setup.aptInstall(setup.mosquittoPackages());
  const port = again?.port ?? (await freePort());
  const passwordFile = join(dir, 'mosquitto.passwd');
  const aclFile = join(dir, 'mosquitto.acl');
  if (!again) {
    writeFileSync(passwordFile, '', { mode: 0o600 });
    writeFileSync(aclFile, '', { mode: 0o600 });
  }
  const conf = join(dir, 'mosquitto.conf');
  // `user root`: the files live in a private temp dir the mosquitto user cannot enter.
  writeFileSync(conf, ['user root', `listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${passwordFile}`, `acl_file ${aclFile}`, 'persistence false', 'log_dest stderr', 'log_type error', 'log_type warning', 'log_type notice', 'log_type information', ''].join('\n'));
  const proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  for (let i = 0; i < 100 && !(await listening(port)); i++) {
    if (proc.exitCode !== null) throw new Error(`mosquitto exited: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    passwordFile,
    aclFile,
    proc,
    log: () => out,
    reloadCommand: `kill -HUP ${proc.pid ?? 0}`,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}
