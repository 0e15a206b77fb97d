// Keeps an external mosquitto's password and ACL files in step with the store: every device
// credential, every usable join token and the server's own account, written atomically (0600),
// then mosquitto is told to reload (e.g. `systemctl reload mosquitto`, which sends SIGHUP).

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
  const lines = [...entries].sort((a, b) => a.username.localeCompare(b.username)).map((e) => {
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
  private lastPasswd = '';
  private lastAcl = '';

  constructor(private readonly options: MosquittoFilesOptions) {}

  /** Rewrites both files when their content changed and reloads mosquitto; resolves when done. */
  async write(entries: readonly PasswordEntry[]): Promise<void> {
    const passwd = renderPasswordFile(entries);
    const acl = mosquittoAcl(this.options.serverUsername);
    if (passwd === this.lastPasswd && acl === this.lastAcl) return;
    writeAtomic(this.options.aclFile, acl);
    writeAtomic(this.options.passwordFile, passwd);
    this.lastPasswd = passwd;
    this.lastAcl = acl;
    await this.reload();
  }

  private reload(): Promise<void> {
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
