// An in-memory Runtime for tests and simulated fleets: deterministic ids, containers "run" at once, cheap.

import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { Labels } from '../../../shared/api/types';
import { realClock, type Clock, type TimerHandle } from '../../../shared/clock';
import { FlotillaError, notFound } from '../../../shared/errors';
import * as L from '../types';
import type {
  ContainerSpec, ContainerStatus, EventOptions, ExecResult, ExecStream, ExecStreamOptions, LogLine, LogOptions, PullPolicy, Runtime, RuntimeEvent,
  RuntimeSnapshot, RuntimeVersion, SandboxSpec, SandboxStatus,
} from '../types';
import { Channel } from './channel';
import { fakeExecStream } from './fake-exec-stream';
import { serveHttp, type FakeProgram, type FakePrograms } from './program';

export interface FakeRuntimeOptions {
  clock?: Clock;
  /** Images present at the start. */
  images?: string[];
  /** Images a pull can fetch ("any": every image, as for simulated fleets); others fail to pull. */
  pullable?: string[] | 'any';
  /** The infra image, "loaded" by the first runSandbox. Default localhost/flotilla/pause:fake. */
  pauseImage?: string;
  programs?: FakePrograms;
  /** Open real host ports for published ports of containers whose program answers HTTP. Default false. */
  servePorts?: boolean;
}

interface FakeSandbox {
  status: SandboxStatus;
  spec: SandboxSpec;
  containers: Set<string>;
}

interface FakeContainer {
  status: ContainerStatus;
  program: FakeProgram;
  log: LogLine[];
  followers: Set<Channel<LogLine>>;
  waiters: Array<(code: number) => void>;
  server?: Promise<Server | undefined>;
  /** Ends a program that runs for a while (`runMs`). */
  exitTimer?: TimerHandle;
}

const imageId = (ref: string): string => createHash('sha256').update(ref).digest('hex');
/** Copies handed out, so that callers cannot change the fake's state (structuredClone would cross jest's realm). */
const cloneSandbox = (s: SandboxStatus): SandboxStatus => ({ ...s, labels: { ...s.labels }, ports: s.ports.map((p) => ({ ...p })) });
/** Listings do not know the pod's IP (as with Podman). */
const listed = (s: SandboxStatus): SandboxStatus => {
  const { ip: _ip, ...rest } = cloneSandbox(s);
  return rest;
};
const cloneContainer = (c: ContainerStatus): ContainerStatus => ({ ...c, labels: { ...c.labels } });
const matches = (labels: Labels, want: Labels | undefined): boolean => Object.entries(want ?? {}).every(([k, v]) => labels[k] === v);

export class FakeRuntime implements Runtime {
  private readonly clock: Clock;
  private readonly images: Set<string>;
  private readonly pullable: Set<string> | 'any';
  private readonly pauseImage: string;
  private readonly sandboxes = new Map<string, FakeSandbox>();
  private readonly containers = new Map<string, FakeContainer>();
  /** Each subscriber with the labels its events must carry. */
  private readonly subscribers = new Map<Channel<RuntimeEvent>, Labels | undefined>();
  private seq = 0;
  /** How many snapshot() calls were made (tests count runtime reads). */
  snapshots = 0;
  /** The grace period of the last stopContainer of each container. */
  readonly stopGrace = new Map<string, number>();
  /** Containers started, and running containers stopped or killed, so far (simulated fleets count restarts). */
  starts = 0;
  stops = 0;

  constructor(private readonly options: FakeRuntimeOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.images = new Set(options.images ?? []);
    this.pullable = options.pullable === 'any' ? 'any' : new Set(options.pullable ?? []);
    this.pauseImage = options.pauseImage ?? 'localhost/flotilla/pause:fake';
  }

  async runSandbox(spec: SandboxSpec): Promise<string> {
    const id = await this.createSandbox(spec);
    await this.startSandbox(id);
    return id;
  }

  async startSandbox(id: string): Promise<void> {
    const sandbox = this.sandbox(id);
    if (sandbox.status.state !== 'ready') {
      sandbox.status.state = 'ready';
      this.emit({ type: 'SandboxStarted', id, name: sandbox.spec.name, time: this.now(), labels: { ...sandbox.status.labels } });
    }
    for (const cid of sandbox.containers) if (this.containers.get(cid)?.status.state === 'created') await this.startContainer(cid);
  }

  async createSandbox(spec: SandboxSpec): Promise<string> {
    this.images.add(this.pauseImage);
    const id = this.nextId('sandbox');
    const attempt = spec.attempt ?? 0;
    const labels: Labels = { ...spec.labels, [L.LABEL_POD_UID]: spec.uid, [L.LABEL_POD_NAME]: spec.name, [L.LABEL_POD_NAMESPACE]: spec.namespace, [L.LABEL_SANDBOX_ATTEMPT]: String(attempt) };
    const ip = `10.88.${Math.floor(this.seq / 250) % 250}.${(this.seq % 250) + 2}`;
    const status: SandboxStatus = { id, uid: spec.uid, name: spec.name, namespace: spec.namespace, attempt, state: 'notready', createdAt: this.now(), labels, infraImage: this.pauseImage, ports: [...(spec.ports ?? [])], ip };
    this.sandboxes.set(id, { status, spec, containers: new Set() });
    this.emit({ type: 'SandboxCreated', id, name: spec.name, time: this.now(), labels: { ...labels } });
    return id;
  }

  async stopSandbox(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return;
    for (const cid of sandbox.containers) this.terminate(cid, false);
    if (sandbox.status.state === 'ready') this.emit({ type: 'SandboxStopped', id, name: sandbox.spec.name, time: this.now(), labels: { ...sandbox.status.labels } });
    sandbox.status.state = 'notready';
  }

  async removeSandbox(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return;
    for (const cid of [...sandbox.containers]) await this.removeContainer(cid);
    this.sandboxes.delete(id);
    this.emit({ type: 'SandboxRemoved', id, name: sandbox.spec.name, time: this.now(), labels: { ...sandbox.status.labels } });
  }

  async sandboxStatus(id: string): Promise<SandboxStatus> {
    return cloneSandbox(this.sandbox(id).status);
  }

  async listSandboxes(filter: { labels?: Labels } = {}): Promise<SandboxStatus[]> {
    return [...this.sandboxes.values()].filter((s) => matches(s.status.labels, filter.labels)).map((s) => listed(s.status));
  }

  async snapshot(filter: { labels?: Labels } = {}): Promise<RuntimeSnapshot> {
    this.snapshots++;
    return { sandboxes: await this.listSandboxes(filter), containers: await this.listContainers(filter) };
  }

  async createContainer(sandboxId: string, spec: ContainerSpec): Promise<string> {
    const sandbox = this.sandbox(sandboxId);
    if (!this.images.has(spec.image)) throw new FlotillaError('NotFound', `image ${spec.image} is not present: pull it first`);
    const id = this.nextId('container');
    const attempt = spec.attempt ?? 0;
    const podLabels = sandbox.status.labels;
    const labels: Labels = { ...spec.labels };
    for (const key of [L.LABEL_POD_UID, L.LABEL_POD_NAME, L.LABEL_POD_NAMESPACE]) if (podLabels[key] !== undefined) labels[key] = podLabels[key] ?? '';
    labels[L.LABEL_CONTAINER_NAME] = spec.name;
    labels[L.LABEL_CONTAINER_ATTEMPT] = String(attempt);
    const status: ContainerStatus = { id, sandboxId, name: spec.name, attempt, state: 'created', createdAt: this.now(), image: spec.image, imageId: imageId(spec.image), labels };
    const program = this.options.programs?.(spec, sandbox.spec) ?? {};
    this.containers.set(id, { status, program, log: [], followers: new Set(), waiters: [] });
    sandbox.containers.add(id);
    this.emit({ type: 'ContainerCreated', id, sandboxId, labels, time: this.now() });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.container(id);
    if (c.status.state === 'running') return;
    const { program, status } = c;
    Object.assign(status, { state: 'running', startedAt: this.now() });
    this.starts++;
    delete status.finishedAt;
    delete status.exitCode;
    delete status.reason;
    this.emit({ type: 'ContainerStarted', id, sandboxId: status.sandboxId, labels: status.labels, time: this.now() });
    for (const line of program.stdout ?? []) this.write(c, 'stdout', line);
    for (const line of program.stderr ?? []) this.write(c, 'stderr', line);
    const exitCode = program.exitCode;
    if (exitCode !== undefined && (program.runMs ?? 0) > 0) {
      c.exitTimer = this.clock.setTimeout(() => {
        if (c.status.state === 'running') this.exit(c, exitCode);
      }, program.runMs ?? 0);
    }
    else if (exitCode !== undefined) this.exit(c, exitCode);
    else if (program.http && this.options.servePorts) c.server = this.serve(status.sandboxId, program.http);
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    if (!this.containers.has(id)) return;
    this.stopGrace.set(id, graceSeconds);
    this.terminate(id, false);
  }

  /** Test hook: the container's process ends by itself (a crash, a kill behind the kubelet's back, an OOM kill). */
  crash(id: string, exitCode = 137, reason?: 'OOMKilled'): void {
    const c = this.container(id);
    if (c.status.state !== 'running') return;
    if (reason) this.emit({ type: 'ContainerOOM', id, sandboxId: c.status.sandboxId, labels: c.status.labels, time: this.now() });
    this.exit(c, exitCode);
    if (reason) c.status.reason = reason;
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (!c) return;
    this.terminate(id, true);
    this.containers.delete(id);
    this.sandboxes.get(c.status.sandboxId)?.containers.delete(id);
    this.emit({ type: 'ContainerRemoved', id, sandboxId: c.status.sandboxId, labels: c.status.labels, time: this.now() });
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    return cloneContainer(this.container(id).status);
  }

  async listContainers(filter: { sandboxId?: string; labels?: Labels } = {}): Promise<ContainerStatus[]> {
    return [...this.containers.values()]
      .filter((c) => (filter.sandboxId === undefined || c.status.sandboxId === filter.sandboxId) && matches(c.status.labels, filter.labels))
      .map((c) => cloneContainer(c.status));
  }

  async waitContainer(id: string): Promise<number> {
    const c = this.container(id);
    if (c.status.state === 'exited') return c.status.exitCode ?? -1;
    return new Promise((resolve) => c.waiters.push(resolve));
  }

  async exec(id: string, command: string[]): Promise<ExecResult> {
    const c = this.container(id);
    if (c.status.state !== 'running') throw new FlotillaError('Conflict', `container ${id} is not running: cannot exec ${JSON.stringify(command)}`);
    return c.program.exec?.(command) ?? { exitCode: 127, stdout: '', stderr: `fake: no exec handler for ${JSON.stringify(command)}\n` };
  }

  async execStream(id: string, command: string[], options: ExecStreamOptions): Promise<ExecStream> {
    const c = this.container(id);
    if (c.status.state !== 'running') throw new FlotillaError('Conflict', `container ${id} is not running: cannot exec ${JSON.stringify(command)}`);
    return fakeExecStream(c.program.execStream?.(command), command, options);
  }

  logs(id: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const c = this.container(id);
    const since = options.since?.getTime();
    let lines = c.log.filter((l) => since === undefined || (l.time?.getTime() ?? 0) >= since);
    if (options.tailLines !== undefined) lines = options.tailLines > 0 ? lines.slice(-options.tailLines) : [];
    const channel = new Channel<LogLine>(options.signal, () => c.followers.delete(channel));
    for (const line of lines) channel.push(options.timestamps ? { ...line } : { stream: line.stream, line: line.line });
    if (options.follow && c.status.state !== 'exited') c.followers.add(channel);
    else channel.close();
    return channel;
  }

  async imageExists(ref: string): Promise<boolean> {
    return this.images.has(ref);
  }

  async pullImage(ref: string, policy: PullPolicy, _options: { signal?: AbortSignal } = {}): Promise<string> {
    if (policy !== 'Always' && this.images.has(ref)) return imageId(ref);
    if (policy === 'Never') throw new FlotillaError('NotFound', `image ${ref} is not present and its pull policy is Never`);
    if (this.pullable !== 'any' && !this.pullable.has(ref)) throw new FlotillaError('ServiceUnavailable', `pull ${ref}: no registry serves it`);
    this.images.add(ref);
    return imageId(ref);
  }

  events(options: EventOptions): AsyncIterable<RuntimeEvent> {
    const channel = new Channel<RuntimeEvent>(options.signal, () => this.subscribers.delete(channel));
    if (!options.signal.aborted) this.subscribers.set(channel, options.labels);
    return channel;
  }

  async version(): Promise<RuntimeVersion> {
    return { runtimeName: 'fake', runtimeVersion: '0.0.0', apiVersion: 'fake/v1' };
  }

  private terminate(id: string, kill: boolean): void {
    const c = this.container(id);
    if (c.status.state === 'created' && kill) return;
    if (c.status.state !== 'running') return;
    this.stops++;
    const onStop = c.program.onStop;
    if (kill || onStop === 'ignore') return this.exit(c, 137);
    for (const line of onStop?.stdout ?? []) this.write(c, 'stdout', line);
    this.exit(c, onStop?.exitCode ?? 143);
  }

  private exit(c: FakeContainer, exitCode: number): void {
    Object.assign(c.status, { state: 'exited', exitCode, finishedAt: this.now(), reason: exitCode === 0 ? 'Completed' : 'Error' });
    c.exitTimer?.cancel();
    delete c.exitTimer;
    void c.server?.then((s) => s?.close());
    delete c.server;
    for (const f of c.followers) f.close();
    for (const w of c.waiters.splice(0)) w(exitCode);
    const { id, sandboxId, labels } = c.status;
    this.emit({ type: 'ContainerDied', id, sandboxId, labels, exitCode, time: this.now() });
  }

  private write(c: FakeContainer, stream: LogLine['stream'], line: string): void {
    const entry: LogLine = { stream, line, time: this.now() };
    c.log.push(entry);
    for (const f of c.followers) f.push({ ...entry });
  }

  private serve(sandboxId: string, program: { port: number; body: string }): Promise<Server | undefined> {
    const mapping = this.sandboxes.get(sandboxId)?.status.ports.find((p) => p.containerPort === program.port && p.protocol !== 'UDP');
    if (!mapping) return Promise.resolve(undefined);
    return serveHttp(mapping.hostPort, program.body, mapping.hostIP).catch(() => undefined);
  }

  private emit(event: RuntimeEvent): void {
    for (const [s, labels] of this.subscribers) if (!labels || matches(event.labels ?? {}, labels)) s.push(event);
  }

  private sandbox(id: string): FakeSandbox {
    const s = this.sandboxes.get(id);
    if (!s) throw notFound('sandbox', id);
    return s;
  }

  private container(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw notFound('container', id);
    return c;
  }

  private nextId(kind: string): string {
    return `${kind}-${String(++this.seq).padStart(6, '0')}`;
  }

  private now(): Date {
    return new Date(this.clock.now());
  }
}
