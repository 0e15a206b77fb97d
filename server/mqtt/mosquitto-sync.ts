// Keeps an external mosquitto's password file in step with the store, built for join storms:
// - one rewrite + reload at a time; changes that arrive meanwhile share the next one, which starts
//   no sooner than `debounceMs` and `spacing` × the last reload's duration later (a reload costs
//   mosquitto time for every connected client, so reloads may not follow each other back to back);
// - every rewrite carries a fresh password for a probe account, and a reload counts as done only
//   when mosquitto accepts a login with it. mosquitto 2.0 drops a SIGHUP that arrives while it is
//   reloading, and reloads after the signal's turn of its loop: a probe that is refused means
//   "not yet", so the reload is asked for again, with backoff, until the probe gets in;
// - a join waits (`applied`) until a confirmed reload includes its device's credentials, so a
//   device dials only with credentials that mosquitto already accepts.

import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../shared/clock';
import type { PasswordEntry } from './mosquitto';

/** The account whose password changes with every rewrite. `_` never appears in a node name. */
export const PROBE_USERNAME = '_flotilla_probe';

export interface MosquittoSyncDeps {
  clock: Clock;
  /** Every account mosquitto must know now (server, devices, join tokens); read once per rewrite. */
  entries(): PasswordEntry[];
  /** Writes the password and ACL files with exactly these entries. */
  write(entries: readonly PasswordEntry[]): void;
  /** Asks mosquitto to reload (runs --mosquitto-reload); resolves when the command ended. */
  reload(): Promise<void>;
  /**
   * Logs in as PROBE_USERNAME with `password` once; true when accepted. Absent: no way to confirm
   * (no reload command) — a rewrite then counts as applied once written.
   */
  probe?(password: string): Promise<boolean>;
  /** A fresh random probe password and its mosquitto hash. */
  probeSecret(): { password: string; hash: string };
  log: Logger;
  /** Changes within this window share one rewrite. Default 200 ms. */
  debounceMs?: number;
  /** The next reload starts no sooner than this many times the last one's duration after it. Default 2. */
  spacing?: number;
  /** The longest `applied` waits before giving up (the device then retries). Default 20 s. */
  applyTimeoutMs?: number;
}

interface Waiter {
  username: string;
  resolve: () => void;
  timer: TimerHandle;
}

export interface MosquittoSyncStats {
  /** Confirmed rewrites + reloads. */
  reloads: number;
  /** Probes refused (the reload had not happened yet, or its signal was lost and is sent again). */
  retries: number;
  /** Time from asking for the last reload until the probe got in, ms. */
  lastReloadMs: number;
}

const signature = (entries: readonly PasswordEntry[]): string =>
  entries
    .map((e) => `${e.username}:${e.hash}`)
    .sort()
    .join('\n');

export class MosquittoSync {
  private waiters: Waiter[] = [];
  private dirty = false;
  private running: Promise<void> | undefined;
  private timer: TimerHandle | undefined;
  private closed = false;
  private confirmed: string | undefined;
  private nextAt = 0;
  readonly stats: MosquittoSyncStats = { reloads: 0, retries: 0, lastReloadMs: 0 };

  constructor(private readonly deps: MosquittoSyncDeps) {}

  /** Writes the files and has them loaded now (server start); resolves once confirmed or after `timeoutMs`. */
  async start(timeoutMs = 15_000): Promise<boolean> {
    this.dirty = true;
    const run = this.run();
    let timer: TimerHandle | undefined;
    const late = new Promise<false>((resolve) => (timer = this.deps.clock.setTimeout(() => resolve(false), timeoutMs)));
    const ok = await Promise.race([run.then(() => true), late]);
    timer?.cancel();
    return ok;
  }

  /** Something the files are made from changed (informer events). */
  changed(): void {
    this.dirty = true;
    this.schedule();
  }

  /**
   * Resolves once a reload that read the files after this call, and included `username`, is
   * confirmed — or after `applyTimeoutMs` (logged). Idempotent; any number may wait.
   */
  applied(username: string): Promise<void> {
    return new Promise((resolve) => {
      const timeoutMs = this.deps.applyTimeoutMs ?? 20_000;
      const waiter: Waiter = {
        username,
        resolve,
        timer: this.deps.clock.setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          this.deps.log.warn({ username, timeoutMs }, 'mosquitto did not confirm new credentials in time; answering the join anyway');
          resolve();
        }, timeoutMs),
      };
      this.waiters.push(waiter);
      this.changed();
    });
  }

  /** Stops scheduling; pending `applied` calls resolve. */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    for (const w of this.waiters.splice(0)) {
      w.timer.cancel();
      w.resolve();
    }
  }

  private schedule(): void {
    if (this.closed || this.running || this.timer || !this.dirty) return;
    const wait = Math.max(this.deps.debounceMs ?? 200, this.nextAt - this.deps.clock.now());
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, wait);
  }

  private run(): Promise<void> {
    this.running ??= this.cycle()
      .catch((err: unknown) => this.deps.log.error({ err }, 'rewriting mosquitto files failed'))
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
    return this.running;
  }

  /** One rewrite: read, write if changed, reload until the probe confirms, serve the waiters it covers. */
  private async cycle(): Promise<void> {
    const { clock, log } = this.deps;
    this.dirty = false;
    const serving = [...this.waiters];
    const entries = this.deps.entries();
    const sig = signature(entries);
    if (sig !== this.confirmed) {
      const probe = this.deps.probeSecret();
      this.deps.write([...entries, { username: PROBE_USERNAME, hash: probe.hash }]);
      const started = clock.now();
      for (let attempt = 0; !this.closed; attempt++) {
        // A refused probe may just have overtaken the reload: probe once more before signalling again.
        if (attempt % 2 === 0) await this.deps.reload();
        if (!this.deps.probe || (await this.deps.probe(probe.password))) break;
        this.stats.retries++;
        if (attempt === 5) log.warn({ waitedMs: clock.now() - started }, 'mosquitto has not loaded the rewritten password file yet; asking again');
        await new Promise<void>((resolve) => clock.setTimeout(resolve, Math.min(2000, 25 * 2 ** attempt)));
      }
      if (this.closed) return;
      this.stats.reloads++;
      this.stats.lastReloadMs = clock.now() - started;
      this.nextAt = clock.now() + (this.deps.spacing ?? 2) * this.stats.lastReloadMs;
      this.confirmed = sig;
      log.debug({ entries: entries.length, ms: this.stats.lastReloadMs, served: serving.length }, 'mosquitto reloaded');
    }
    const live = new Set(entries.map((e) => e.username));
    const done = new Set(serving.filter((w) => live.has(w.username)));
    this.waiters = this.waiters.filter((w) => !done.has(w));
    for (const w of done) {
      w.timer.cancel();
      w.resolve();
    }
  }
}
