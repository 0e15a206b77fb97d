// Test harness for kubelet unit tests: a Kubelet on the FakeRuntime and a FakeClock, with helpers to let it
// settle (no sleeping: it flushes the event loop until the pod workers are idle) and to restart it.

import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Container, Pod, PodSpec, PodStatus } from '../../shared/api/core';
import { FakeClock } from '../../shared/clock';
import { FakeRuntime } from '../runtime/fake/fake-runtime';
import type { FakeProgram } from '../runtime/fake/program';
import type { DesiredState, KubeletEvent, PodStatusUpdate } from './api';
import { Kubelet, type KubeletOptions } from './kubelet';
import type { Prober } from './probes/prober';

export const IMAGE = 'localhost/test/busybox:1';
export const NODE = 'node-a';

/**
 * Fake programs by command: ["exit", "3"] exits 3 at once, ["print", "a", "b"] prints and exits 0,
 * ["stubborn"] ignores SIGTERM, anything else runs until stopped.
 */
export function program(command: string[] | undefined): FakeProgram | undefined {
  const [verb, ...rest] = command ?? [];
  if (verb === 'exit') return { exitCode: Number(rest[0] ?? 0) };
  if (verb === 'print') return { stdout: rest, exitCode: 0 };
  if (verb === 'stubborn') return { onStop: 'ignore' };
  return undefined;
}

export function makePod(name: string, spec: Partial<PodSpec> & { containers?: Container[] } = {}, uid = `uid-${name}`): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid },
    spec: { containers: [{ name: 'main', image: IMAGE, command: ['serve'] }], terminationGracePeriodSeconds: 5, ...spec },
  };
}

export function desired(version: number, pods: Pod[], extra: Partial<DesiredState> = {}): DesiredState {
  return { version, pods, configMaps: [], secrets: [], ...extra };
}

export class Harness {
  readonly clock = new FakeClock(Date.parse('2030-01-01T00:00:00Z'));
  readonly runtime: FakeRuntime;
  readonly dataDir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-kubelet-'));
  readonly updates: PodStatusUpdate[] = [];
  readonly events: KubeletEvent[] = [];
  private current: Kubelet | undefined;

  get kubelet(): Kubelet {
    if (!this.current) throw new Error('Harness: start() first');
    return this.current;
  }

  constructor(private readonly extra: Partial<KubeletOptions> & { prober?: Prober; pullable?: string[] } = {}) {
    this.runtime = new FakeRuntime({ clock: this.clock, images: [IMAGE], pullable: extra.pullable ?? [], programs: (spec) => program(spec.command) });
  }

  async start(): Promise<this> {
    this.current = new Kubelet({ runtime: this.runtime, nodeName: NODE, dataDir: this.dataDir, clock: this.clock, hostIP: '192.168.1.10', ...this.extra });
    this.kubelet.onPodStatus((u) => this.updates.push(u));
    this.kubelet.onEvent((e) => this.events.push(e));
    await this.kubelet.start();
    await this.settle();
    return this;
  }

  /** Like an agent restart (or kill -9): a new Kubelet on the same runtime and data dir. */
  async restart(): Promise<void> {
    await this.kubelet.stop();
    this.updates.length = 0;
    this.events.length = 0;
    await this.start();
  }

  async apply(state: DesiredState): Promise<boolean> {
    const applied = await this.kubelet.setDesiredState('server', state);
    await this.settle();
    return applied;
  }

  /** Lets every consequence run: pod syncs, runtime events, status flushes. */
  async settle(): Promise<void> {
    for (let i = 0; i < 12; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await this.kubelet.idle();
    }
  }

  /** Moves the fake time forward in steps, settling after each. */
  async advance(ms: number, step = 1000): Promise<void> {
    for (let t = 0; t < ms; t += step) {
      this.clock.advance(Math.min(step, ms - t));
      await this.settle();
    }
  }

  status(name: string): PodStatus | undefined {
    return this.kubelet.podStatuses().find((u) => u.name === name)?.status;
  }

  reasons(): string[] {
    return this.events.map((e) => e.reason);
  }

  async close(): Promise<void> {
    await this.current?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
