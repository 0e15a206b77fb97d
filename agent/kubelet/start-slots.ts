// How many new pods the kubelet brings up at once. Starting a pod is CPU work in Podman (runc,
// CNI, iptables: ≈ 0.2 CPU-seconds a pod here, see bench/README.agent.md); started all at once, ten
// pods share the CPU and all finish late, started a few at a time the first ones run sooner and
// the last ones no later.

import { cpus } from 'node:os';

/**
 * Default: twice the CPUs, plus one (a Pi 4: 9; this 2-core test machine: 5, where ten pods at once
 * measured p50 1.18 s instead of 1.78 s unlimited, p99 2.14 s instead of 2.03 s: bench/pod-start.ts).
 */
export function defaultStartSlots(): number {
  return 2 * Math.max(1, cpus().length) + 1;
}

export class StartSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`pod start slots must be a positive integer: got ${limit}`);
  }

  /** Runs `fn` once a slot is free, in the order asked. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes on
      else this.running--;
    }
  }
}
