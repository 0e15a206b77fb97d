// One worker per pod (kubelet's pod_workers.go): a pod's syncs never overlap, triggers during a sync fold
// into one more sync (which reads the newest desired spec, so intermediate specs are skipped), a sync may
// ask to run again after a delay (back-off, probes), and a failing sync retries with capped back-off.

import type { Clock, TimerHandle } from '../../shared/clock';

export interface SyncResult {
  /** Run again after this long unless triggered sooner. */
  requeueAfterMs?: number;
  /** Nothing is left to do for this pod: the worker goes away (a later trigger makes a new one). */
  done?: boolean;
}

export interface PodWorkersOptions {
  clock: Clock;
  sync(uid: string): Promise<SyncResult>;
  onError(uid: string, err: unknown): void;
  /** First retry delay after a failed sync, doubling to `maxErrorDelayMs`. Default 500 ms → 30 s. */
  errorDelayMs?: number;
  maxErrorDelayMs?: number;
}

interface Worker {
  running: boolean;
  pending: boolean;
  timer?: TimerHandle;
  failures: number;
}

export class PodWorkers {
  private readonly workers = new Map<string, Worker>();
  private idleWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly options: PodWorkersOptions) {}

  /** Makes the pod's worker sync (again) as soon as it can. */
  trigger(uid: string): void {
    if (this.stopped) return;
    let w = this.workers.get(uid);
    if (!w) this.workers.set(uid, (w = { running: false, pending: false, failures: 0 }));
    w.pending = true;
    if (!w.running) void this.run(uid, w);
  }

  has(uid: string): boolean {
    return this.workers.has(uid);
  }

  uids(): string[] {
    return [...this.workers.keys()];
  }

  /** Resolves once no sync runs or is pending (scheduled re-syncs aside). For tests and orderly shutdown. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** No new syncs; cancels scheduled ones and waits for running ones to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.workers.values()) {
      w.pending = false;
      w.timer?.cancel();
    }
    await this.idle();
  }

  private async run(uid: string, w: Worker): Promise<void> {
    w.running = true;
    while (w.pending && !this.stopped) {
      w.pending = false;
      w.timer?.cancel();
      w.timer = undefined;
      let result: SyncResult;
      try {
        result = await this.options.sync(uid);
        w.failures = 0;
      } catch (err) {
        this.options.onError(uid, err);
        const first = this.options.errorDelayMs ?? 500;
        result = { requeueAfterMs: Math.min(first * 2 ** w.failures, this.options.maxErrorDelayMs ?? 30_000) };
        w.failures++;
      }
      if (w.pending || this.stopped) continue;
      if (result.done) {
        this.workers.delete(uid);
      } else if (result.requeueAfterMs !== undefined) {
        w.timer = this.options.clock.setTimeout(() => this.trigger(uid), Math.max(0, result.requeueAfterMs));
      }
    }
    w.running = false;
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private isIdle(): boolean {
    for (const w of this.workers.values()) if (w.running || (w.pending && !this.stopped)) return false;
    return true;
  }
}
