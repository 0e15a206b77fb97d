// Capped exponential backoff with jitter, shared by the work queue, reconnects and restarts.

export interface BackoffOptions {
  /** First delay in ms. */
  initialMs: number;
  /** Ceiling in ms. */
  maxMs: number;
  /** Multiplier per failure (default 2). */
  factor?: number;
  /** Fraction of the delay randomised, 0..1 (default 0: none). Full delay = d * (1 - jitter * random). */
  jitter?: number;
}

/** Delay before retry number `attempt` (0-based). `random` is injectable for tests. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const factor = options.factor ?? 2;
  const raw = Math.min(options.maxMs, options.initialMs * Math.pow(factor, Math.max(0, attempt)));
  const jitter = options.jitter ?? 0;
  return Math.round(raw * (1 - jitter * random()));
}
