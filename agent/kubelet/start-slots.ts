// How many new pods the kubelet brings up at once. Starting a pod is CPU work in Podman (runc,
// CNI, iptables: ≈ 0.2 CPU-seconds a pod here, see bench/README.agent.md); started all at once, ten
// pods share the CPU and all finish late, started a few at a time the first ones run sooner and
// the last ones no later. A pod that goes while it waits is dropped from the line; a start that
// hangs (a Podman call that never answers) gives its slot back after SLOT_HOLD_MS.

import { cpus } from 'node:os';

/**
 * Default: twice the CPUs, plus one (a Pi 4: 9; this 2-core test machine: 5, where ten pods at once
 * measured p50 1.18 s instead of 1.78 s unlimited, p99 2.14 s instead of 2.03 s: bench/pod-start.ts).
 */
export function defaultStartSlots(): number {
  return 2 * Math.max(1, cpus().length) + 1;
}

/** A start that takes longer than this (a hung Podman call) gives its slot back and goes on without it. */
export const SLOT_HOLD_MS = 120_000;

export class StartSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly limit: number,
    private readonly holdMs = SLOT_HOLD_MS,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`pod start slots must be a positive integer: got ${limit}`);
  }

  /**
   * Runs `fn` once a slot is free, in the order asked; resolves undefined without running it when
   * `signal` aborts first (the pod went while it waited).
   */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
    if (this.running >= this.limit) {
      const turn = await new Promise<boolean>((resolve) => {
        const next = (): void => {
          signal?.removeEventListener('abort', gone);
          resolve(true);
        };
        const gone = (): void => {
          this.waiting.splice(this.waiting.indexOf(next), 1);
          resolve(false);
        };
        this.waiting.push(next);
        signal?.addEventListener('abort', gone, { once: true });
      });
      if (!turn) return undefined;
    } else this.running++;
    if (signal?.aborted) {
      this.release();
      return undefined;
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.release();
    };
    const overdue = setTimeout(release, this.holdMs);
    overdue.unref?.();
    try {
      return await fn();
    } finally {
      clearTimeout(overdue);
      release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes on
    else this.running--;
  }
}
