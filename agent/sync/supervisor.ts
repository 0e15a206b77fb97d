// Keeps a long-running module alive (KubeEdge beehive's core, Deno std's retry): `run(signal)`
// runs until it fails or ends; the supervisor starts it again after a capped exponential backoff
// with jitter, and forgets past failures once a run has lasted `resetAfterMs`. stop() aborts the
// current run and waits for it.

import { backoffDelay, type BackoffOptions } from '../../shared/backoff';
import type { Clock, TimerHandle } from '../../shared/clock';

export interface SupervisedModule {
  readonly name: string;
  /** Runs until the work ends (resolve) or breaks (reject); must return soon after `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

export interface SupervisorOptions {
  clock: Clock;
  backoff?: BackoffOptions;
  /** A run that lasted this long resets the backoff. Default 60 s. */
  resetAfterMs?: number;
  random?: () => number;
  /** Told about every end of a run and the delay before the next. */
  onRestart?: (info: { module: string; error: unknown; attempt: number; delayMs: number }) => void;
}

export const RECONNECT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.5 };

export class Supervisor {
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private wakeTimer: TimerHandle | undefined;
  private wake: (() => void) | undefined;
  attempts = 0;
  runs = 0;

  constructor(
    private readonly module: SupervisedModule,
    private readonly options: SupervisorOptions,
  ) {}

  start(): void {
    this.loop ??= this.supervise();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    this.wakeTimer?.cancel();
    this.wake?.();
    await this.loop;
  }

  private async supervise(): Promise<void> {
    const { clock } = this.options;
    const signal = this.controller.signal;
    while (!signal.aborted) {
      const started = clock.now();
      let error: unknown;
      this.runs++;
      try {
        await this.module.run(signal);
      } catch (err) {
        error = err;
      }
      if (signal.aborted) return;
      if (clock.now() - started >= (this.options.resetAfterMs ?? 60_000)) this.attempts = 0;
      const delayMs = backoffDelay(this.attempts, this.options.backoff ?? RECONNECT_BACKOFF, this.options.random);
      this.options.onRestart?.({ module: this.module.name, error, attempt: this.attempts, delayMs });
      this.attempts++;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.wakeTimer = clock.setTimeout(resolve, delayMs);
      });
      this.wake = undefined;
    }
  }
}
