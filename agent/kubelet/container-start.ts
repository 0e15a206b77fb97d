// Starting one container of a pod as the kubelet does: CrashLoopBackOff gate, image pull per
// imagePullPolicy (with its own back-off), env and config, create, start — each failure becoming the
// container's waiting reason and a Warning event, each step a Normal event.

import type { Container } from '../../shared/api/core';
import type { Clock } from '../../shared/clock';
import { isFlotillaError } from '../../shared/errors';
import type { Runtime } from '../runtime/types';
import { containerSpec } from './container-config';
import type { ConfigLookup } from './config-lookup';
import type { Backoff } from './crash-backoff';
import { containerEnv, type EnvFacts } from './env';
import { fieldPathOf, type EventRecorder } from './events';
import type { StartAction } from './pod-actions';
import { resolveSubPaths } from './subpath';
import type { PodState } from './pod-state';
import type { VolumePaths } from './volumes';

export interface StarterDeps {
  runtime: Runtime;
  clock: Clock;
  events: EventRecorder;
  crashBackoff: Backoff;
  imageBackoff: Backoff;
  nodeName: string;
}

/** Retry delay for failures that are not backed off by name (config errors, create/start errors). */
const RETRY_MS = 5_000;

/** Failures whose Warning event start() emits (the others have theirs where they happen). */
const NOTED_BY_START = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

class StartFailure extends Error {
  constructor(readonly reason: string, message: string, readonly retryMs: number) {
    super(message);
  }
}

export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const last = image.split('/').pop() ?? image;
  if (image.includes('@')) return 'IfNotPresent';
  return !last.includes(':') || last.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

export interface StartContext {
  state: PodState;
  sandboxId: string;
  config: ConfigLookup;
  volumes: VolumePaths;
  env: EnvFacts;
  /** Pulls shared by the containers of one sync, so an image is pulled once. */
  pulls: Map<string, Promise<void>>;
}

export class ContainerStarter {
  private readonly imageFailedAt = new Map<string, number>();

  constructor(private readonly deps: StarterDeps) {}

  /**
   * Starts the container unless held back; returns when to try again (ms) if it did not start.
   * With `deferStart` it stops after creating the container and returns its id: the caller starts it
   * (with its sandbox) and then calls `started`.
   */
  async start(ctx: StartContext, action: StartAction, options: { deferStart?: boolean } = {}): Promise<{ retryMs?: number; created?: string }> {
    const { state } = ctx;
    const c = action.container;
    try {
      this.crashLoopGate(state, action);
      await this.ensureImage(ctx, c, action.init);
      const env = this.configure(() => containerEnv(state.pod ?? failNoPod(), c, ctx.config, ctx.env));
      const subPaths = await this.configureAsync(() => resolveSubPaths(c, ctx.volumes));
      const spec = this.configure(() =>
        containerSpec({ pod: state.pod ?? failNoPod(), container: c, init: action.init, env, volumes: ctx.volumes, subPaths, attempt: action.attempt, nodeName: this.deps.nodeName }),
      );
      if (action.replace) await this.deps.runtime.removeContainer(action.replace.id);
      const id = await this.step('CreateContainerError', () => this.deps.runtime.createContainer(ctx.sandboxId, spec));
      state.attempts.set(c.name, Math.max(action.attempt, state.attempts.get(c.name) ?? -1));
      this.event(state, action, 'Normal', 'Created', `Created container ${c.name}`);
      if (options.deferStart) return { created: id };
      await this.step('RunContainerError', () => this.deps.runtime.startContainer(id));
      this.started(state, action);
      return {};
    } catch (err) {
      if (!(err instanceof StartFailure)) throw err;
      const repeated = state.waiting.get(c.name)?.message === err.message;
      if (!repeated && NOTED_BY_START.has(err.reason)) this.event(state, action, 'Warning', 'Failed', `Error: ${err.message}`);
      state.waiting.set(c.name, { reason: err.reason, message: err.message });
      return { retryMs: err.retryMs };
    }
  }

  /** The container of `action` runs now. */
  started(state: PodState, action: StartAction): void {
    state.waiting.delete(action.container.name);
    this.event(state, action, 'Normal', 'Started', `Started container ${action.container.name}`);
  }

  /** Forgets the pod's back-off entries (it is gone). */
  forget(uid: string): void {
    this.deps.crashBackoff.forgetPrefix(`${uid}/`);
  }

  /** `restartOf` carries the exact finish time (the syncer inspects exited containers once). */
  private crashLoopGate(state: PodState, action: StartAction): void {
    const prev = action.restartOf;
    if (!prev) return;
    const key = `${state.uid}/${action.container.name}`;
    const finished = (prev.finishedAt ?? prev.startedAt ?? prev.createdAt).getTime();
    const wait = this.deps.crashBackoff.remaining(key, finished);
    if (wait > 0) {
      const { name, namespace, uid } = state.ref;
      const delay = goDuration(this.deps.crashBackoff.delay(key));
      const message = `back-off ${delay} restarting failed container=${action.container.name} pod=${name}_${namespace}(${uid})`;
      if (state.waiting.get(action.container.name)?.message !== message) {
        this.event(state, action, 'Warning', 'BackOff', `Back-off restarting failed container ${action.container.name} in pod ${name}_${namespace}(${uid})`);
      }
      throw new StartFailure('CrashLoopBackOff', message, wait);
    }
    this.deps.crashBackoff.next(key, finished);
  }

  /**
   * Begins the image pulls of `containers` (shared with `start` through `ctx.pulls`) and resolves
   * when they are over, failed or not: a new pod pulls before it takes a start slot. `start` reports
   * the failures.
   */
  async prefetch(ctx: Pick<StartContext, 'state' | 'pulls'>, containers: Container[]): Promise<void> {
    await Promise.all(containers.map((c) => this.pullOf(ctx, c).catch(() => undefined)));
  }

  private pullOf(ctx: Pick<StartContext, 'state' | 'pulls'>, c: Container): Promise<void> {
    const image = c.image ?? '';
    const policy = c.imagePullPolicy ?? defaultPullPolicy(image);
    const key = `${policy} ${image}`;
    let pull = ctx.pulls.get(key);
    if (!pull) ctx.pulls.set(key, (pull = this.pull(ctx.state, image, policy, ctx.state.wanted.signal)));
    return pull;
  }

  private ensureImage(ctx: StartContext, c: Container, init: boolean): Promise<void> {
    return this.pullOf(ctx, c).catch((err: unknown) => {
      if (err instanceof StartFailure) this.event(ctx.state, { container: c, init }, err.reason === 'ImagePullBackOff' ? 'Normal' : 'Warning', err.reason === 'ImagePullBackOff' ? 'BackOff' : 'Failed', err.message);
      throw err;
    });
  }

  /** `signal`: the pod stopped being wanted: the pull is abandoned, and that is no pull failure to back off. */
  private async pull(state: PodState, image: string, policy: 'Always' | 'IfNotPresent' | 'Never', signal: AbortSignal): Promise<void> {
    const { runtime, events, clock, imageBackoff } = this.deps;
    if (policy !== 'Always') {
      try {
        await runtime.pullImage(image, 'Never');
        events.emit(state.ref, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return;
      } catch (err) {
        if (!isFlotillaError(err, 'NotFound')) throw new StartFailure('ErrImagePull', `${err instanceof Error ? err.message : String(err)}`, RETRY_MS);
        if (policy === 'Never') throw new StartFailure('ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`, RETRY_MS);
      }
    }
    const failedAt = this.imageFailedAt.get(image);
    const wait = failedAt === undefined ? 0 : imageBackoff.remaining(image, failedAt);
    if (wait > 0) throw new StartFailure('ImagePullBackOff', `Back-off pulling image "${image}"`, wait);
    events.emit(state.ref, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = clock.now();
    try {
      await runtime.pullImage(image, policy === 'Always' ? 'Always' : 'IfNotPresent', { signal });
    } catch (err) {
      if (signal.aborted) throw new StartFailure('ErrImagePull', `Pulling image "${image}" abandoned: the pod is going away`, 0);
      const now = clock.now();
      this.imageFailedAt.set(image, now);
      const delay = imageBackoff.next(image, now);
      // Look again soon, so that the status moves on to ImagePullBackOff as Kubernetes shows it.
      throw new StartFailure('ErrImagePull', `Failed to pull image "${image}": ${err instanceof Error ? err.message : String(err)}`, Math.min(delay, 1000));
    }
    this.imageFailedAt.delete(image);
    events.emit(state.ref, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${((clock.now() - started) / 1000).toFixed(3)}s`);
  }

  private configure<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw new StartFailure('CreateContainerConfigError', err instanceof Error ? err.message : String(err), RETRY_MS);
    }
  }

  private async configureAsync<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new StartFailure('CreateContainerConfigError', err instanceof Error ? err.message : String(err), RETRY_MS);
    }
  }

  private async step<T>(reason: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new StartFailure(reason, err instanceof Error ? err.message : String(err), RETRY_MS);
    }
  }

  private event(state: PodState, action: { container: Container; init: boolean }, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.deps.events.emit(state.ref, type, reason, message, fieldPathOf(action.container.name, action.init));
  }
}

/** A delay as Go prints a time.Duration, as Kubernetes' messages show it: "10s", "1m20s", "5m0s". */
export function goDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m}m${seconds % 60}s` : `${seconds}s`;
}

function failNoPod(): never {
  throw new Error('container start without a desired pod');
}
