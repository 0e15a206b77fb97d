// A whole simulated fleet in one process for controller tests and benchmarks: a store (MemoryStore
// unless given), the controller manager, the simulated kubelets and the test binder, all on one
// FakeClock. `settle()` lets every in-flight write and reconcile finish without moving time;
// `advance(ms)` moves time in steps, settling after each.

import pino from 'pino';
import { FakeClock } from '../../../shared/clock';
import { FakeEventSink } from '../../events/fake/fake-sink';
import type { EventSink } from '../../events/recorder';
import { MemoryStore } from '../../store/fake/memory-store';
import type { Store } from '../../store/types';
import { ControllerManager, type ControllerName } from '../manager';
import { TestBinder } from './binder';
import { SimKubelet, type PodOutcome, type SimNodeOptions } from './sim-kubelet';
import type { Pod } from '../../../shared/api/core';
import type { Cached } from '../../informer/informer';

export const SIM_EPOCH = Date.parse('2025-06-01T12:00:00Z');

export interface SimFleetOptions {
  store?: Store;
  clock?: FakeClock;
  controllers?: readonly ControllerName[];
  startDelayMs?: number;
  stopDelayMs?: number;
  runMs?: number;
  outcome?: (pod: Cached<Pod>) => PodOutcome;
  /** Run without the test binder (pods created already bound, e.g. DaemonSets, or a real scheduler). */
  noBinder?: boolean;
}

export class SimFleet {
  readonly clock: FakeClock;
  readonly store: Store;
  readonly events = new FakeEventSink();
  readonly manager: ControllerManager;
  readonly kubelet: SimKubelet;
  readonly binder: TestBinder | undefined;

  constructor(options: SimFleetOptions = {}) {
    this.clock = options.clock ?? new FakeClock(SIM_EPOCH);
    this.store = options.store ?? new MemoryStore({ now: () => new Date(this.clock.now()) });
    const sink: EventSink = this.events;
    this.manager = new ControllerManager({ store: this.store, logger: pino({ level: process.env.SIM_LOG ?? 'silent' }), clock: this.clock, events: () => sink, ...(options.controllers ? { controllers: options.controllers } : {}) });
    const { pods, nodes } = this.manager.informers;
    this.kubelet = new SimKubelet({
      store: this.store,
      clock: this.clock,
      pods,
      nodes,
      ...(options.startDelayMs !== undefined ? { startDelayMs: options.startDelayMs } : {}),
      ...(options.stopDelayMs !== undefined ? { stopDelayMs: options.stopDelayMs } : {}),
      ...(options.runMs !== undefined ? { runMs: options.runMs } : {}),
      ...(options.outcome ? { outcome: options.outcome } : {}),
    });
    this.binder = options.noBinder ? undefined : new TestBinder({ store: this.store, pods, nodes });
  }

  async start(): Promise<void> {
    await this.manager.start();
    await this.kubelet.start();
    await this.binder?.start();
  }

  async stop(): Promise<void> {
    this.binder?.stop();
    this.kubelet.stop();
    await this.manager.stop();
  }

  async addNodes(count: number, prefix = 'node', options: SimNodeOptions = {}): Promise<string[]> {
    const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(String(count - 1).length, '0')}`);
    for (const n of names) await this.kubelet.addNode(n, options);
    return names;
  }

  /** Waits (without moving time) until no write, reconcile or binding is in flight. */
  async settle(maxRounds = 100_000): Promise<void> {
    let last = '';
    let stable = 0;
    for (let i = 0; i < maxRounds; i++) {
      await new Promise((r) => setImmediate(r));
      const rv = this.store.currentResourceVersion();
      const quiet = this.manager.idle && this.kubelet.inFlight === 0 && (this.binder?.inFlight ?? 0) === 0;
      if (rv === last && quiet) {
        if (++stable >= 3) return;
      } else {
        stable = 0;
        last = rv;
      }
    }
    throw new Error(`fleet did not settle in ${maxRounds} rounds`);
  }

  /** Moves the clock `ms` forward in `stepMs` steps, settling after each. */
  async advance(ms: number, stepMs = 250): Promise<void> {
    for (let t = 0; t < ms; t += stepMs) {
      this.clock.advance(Math.min(stepMs, ms - t));
      await this.settle();
    }
  }

  /** Advances until `check` holds; fails after `maxMs` of simulated time. */
  async until(check: () => boolean | Promise<boolean>, what: string, maxMs = 120_000, stepMs = 250): Promise<number> {
    await this.settle();
    for (let t = 0; t <= maxMs; t += stepMs) {
      if (await check()) return t;
      this.clock.advance(stepMs);
      await this.settle();
    }
    throw new Error(`simulated fleet: never happened within ${maxMs} ms: ${what}`);
  }
}
