// A stand-in for an external mosquitto and its files, for mosquitto-sync tests: a written file is
// loaded only by a reload, a reload takes `reloadMs` on the fake clock, and a reload signal can be
// lost (as mosquitto 2.0 loses a SIGHUP that arrives while it reloads).

import type { Clock } from '../../../shared/clock';
import type { PasswordEntry } from '../mosquitto';

export const fakeHash = (password: string): string => `hash(${password})`;

export class FakeMosquitto {
  /** Content of the password file on disk. */
  file: PasswordEntry[] = [];
  /** What mosquitto has loaded. */
  loaded: PasswordEntry[] = [];
  writes = 0;
  signals = 0;
  /** The next this many reload signals are lost. */
  loseSignals = 0;
  reloadMs = 10;
  /** A login is answered this long after it is sent, and never before a reload under way has finished (one thread). */
  loginMs = 15;
  private reloadingUntil = 0;

  constructor(private readonly clock: Clock) {}

  write(entries: readonly PasswordEntry[]): void {
    this.file = [...entries];
    this.writes++;
  }

  /** Like `kill -HUP`: returns at once; mosquitto reads the file `reloadMs` later. */
  reload(): Promise<void> {
    this.signals++;
    if (this.loseSignals > 0) this.loseSignals--;
    else {
      const file = this.file;
      this.reloadingUntil = this.clock.now() + this.reloadMs;
      this.clock.setTimeout(() => (this.loaded = file), this.reloadMs);
    }
    return Promise.resolve();
  }

  accepts(username: string, password: string): boolean {
    return this.loaded.some((e) => e.username === username && e.hash === fakeHash(password));
  }

  /** One login attempt, answered `loginMs` later. */
  login(username: string, password: string): Promise<boolean> {
    const at = Math.max(this.clock.now() + this.loginMs, this.reloadingUntil + 1);
    return new Promise((resolve) => this.clock.setTimeout(() => resolve(this.accepts(username, password)), at - this.clock.now()));
  }

  knows(username: string): boolean {
    return this.loaded.some((e) => e.username === username);
  }
}
