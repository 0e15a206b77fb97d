// An external mosquitto's password and ACL files: every device credential, every usable join token
// and the server's own account, written atomically (0640 to group mosquitto, else 0600), and the
// command that makes mosquitto reload them (e.g. `systemctl reload mosquitto`, which sends SIGHUP).
// When to write and reload is mosquitto-sync.ts's job.

import { execFile } from 'node:child_process';
import { chownSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { mosquittoAcl } from './acl';

export interface PasswordEntry {
  username: string;
  /** mosquitto `$7$` hash (credentials.ts mosquittoHash). */
  hash: string;
}

export interface MosquittoFilesOptions {
  passwordFile: string;
  aclFile: string;
  serverUsername: string;
  /** Shell command run after each rewrite; undefined = none (mosquitto then sees changes only on its next reload). */
  reloadCommand?: string;
  logger: Logger;
}

export function renderPasswordFile(entries: readonly PasswordEntry[]): string {
  const lines = [...entries].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0)).map((e) => {
    if (/[:\s]/.test(e.username)) throw new Error(`mosquitto username may not contain ':' or spaces: got "${e.username}"`);
    return `${e.username}:${e.hash}`;
  });
  return lines.join('\n') + '\n';
}

/** The gid of the "mosquitto" group when it exists: the files are then readable by mosquitto (0640). */
function mosquittoGid(): number | undefined {
  try {
    const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith('mosquitto:'));
    const gid = Number(line?.split(':')[2]);
    return Number.isInteger(gid) ? gid : undefined;
  } catch {
    return undefined;
  }
}

function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const gid = mosquittoGid();
  writeFileSync(tmp, content, { mode: gid === undefined ? 0o600 : 0o640 });
  if (gid !== undefined) {
    try {
      chownSync(tmp, process.getuid?.() ?? 0, gid);
    } catch {
      /* not allowed to: the file stays the server user's own */
    }
  }
  renameSync(tmp, path);
}

export class MosquittoFiles {
  constructor(private readonly options: MosquittoFilesOptions) {}

  /** Rewrites both files, each atomically. */
  write(entries: readonly PasswordEntry[]): void {
    writeAtomic(this.options.aclFile, mosquittoAcl(this.options.serverUsername));
    writeAtomic(this.options.passwordFile, renderPasswordFile(entries));
  }

  /** True when there is a reload command: without one mosquitto sees changes only on its next reload. */
  get reloads(): boolean {
    return !!this.options.reloadCommand;
  }

  /** Runs the reload command; resolves when it ended (a failure is logged, not thrown). */
  reload(): Promise<void> {
    const cmd = this.options.reloadCommand;
    if (!cmd) return Promise.resolve();
    return new Promise((resolve) => {
      execFile('/bin/sh', ['-c', cmd], { timeout: 10_000 }, (err, _stdout, stderr) => {
        if (err) this.options.logger.error({ cmd, err: err.message, stderr }, 'mosquitto reload command failed');
        resolve();
      });
    });
  }
}
