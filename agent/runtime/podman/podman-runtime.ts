// The Runtime on Podman: a pod sandbox is a Podman pod whose infra container runs Flotilla's pause image.

import { FlotillaError, isFlotillaError } from '../../../shared/errors';
import type { Labels } from '../../../shared/api/types';
import * as L from '../types';
import type {
  ContainerSpec, ContainerStatus, EventOptions, ExecResult, ExecStream, ExecStreamOptions, LogLine, LogOptions, PullPolicy, Runtime, RuntimeEvent,
  RuntimeSnapshot, RuntimeVersion, SandboxSpec, SandboxStatus,
} from '../types';
import { PodmanClient } from './client';
import { startExecStream } from './exec-stream';
import type { ContainerCreateSpec } from './libpod-types';
import { containerFromInspect, containerFromList, eventFrom, ipOf, portsFromBindings, portsFromMappings, sandboxFrom, sandboxFromInfra } from './mapping';
import { PAUSE_COMMAND, PAUSE_IMAGE, defaultPauseArchiveDir, loadPauseImage, pauseArchivePath } from './pause';
import { registryOf } from './images';
import { readLogs } from './logs';

export interface PodmanRuntimeOptions {
  /** Podman's API socket, e.g. /run/podman/podman.sock. */
  socketPath: string;
  /** The infra image; loaded from `pauseArchive` when missing. Default localhost/flotilla/pause:<version>. */
  pauseImage?: string;
  /** Archive for this host's architecture. Default images/pause/dist/pause-<version>-linux-<arch>.tar. */
  pauseArchive?: string;
  /** Registries ("host:port") pulled from without TLS verification, e.g. a LAN or loopback registry over plain HTTP. */
  insecureRegistries?: string[];
}

/** What createContainer needs of its pod, remembered from runSandbox to spare an inspect on the start path. */
interface PodFacts {
  name: string;
  labels: Labels;
}

const enc = (s: string): string => s.replace(/[^a-zA-Z0-9_.-]/g, '-');

export class PodmanRuntime implements Runtime {
  readonly client: PodmanClient;
  private readonly pauseImage: string;
  private readonly pauseArchive: string;
  private readonly insecure: Set<string>;
  private readonly podFacts = new Map<string, PodFacts>();
  private pauseReady: Promise<void> | undefined;

  constructor(options: PodmanRuntimeOptions) {
    this.client = new PodmanClient(options.socketPath);
    this.pauseImage = options.pauseImage ?? PAUSE_IMAGE;
    this.pauseArchive = options.pauseArchive ?? pauseArchivePath(defaultPauseArchiveDir());
    this.insecure = new Set(options.insecureRegistries ?? []);
  }

  async runSandbox(spec: SandboxSpec): Promise<string> {
    const id = await this.createSandbox(spec);
    try {
      await this.client.pods.start(id);
    } catch (err) {
      await this.removeSandbox(id).catch(() => undefined);
      throw err;
    }
    return id;
  }

  async startSandbox(id: string): Promise<void> {
    await this.client.pods.start(id);
  }

  async createSandbox(spec: SandboxSpec): Promise<string> {
    await this.ensurePauseImage();
    const attempt = spec.attempt ?? 0;
    const labels: Labels = {
      ...spec.labels,
      [L.LABEL_POD_UID]: spec.uid,
      [L.LABEL_POD_NAME]: spec.name,
      [L.LABEL_POD_NAMESPACE]: spec.namespace,
      [L.LABEL_SANDBOX_ATTEMPT]: String(attempt),
    };
    const name = `flotilla_${enc(spec.namespace)}_${enc(spec.name)}_${enc(spec.uid)}_${attempt}`;
    const id = await this.client.pods.create({
      name,
      hostname: spec.hostname ?? spec.name,
      labels,
      infra_image: this.pauseImage,
      infra_command: PAUSE_COMMAND,
      shared_namespaces: spec.sharePid ? ['net', 'ipc', 'uts', 'pid'] : ['net', 'ipc', 'uts'],
      portmappings: portsFromMappings(spec.ports ?? []),
    });
    this.podFacts.set(id, { name, labels });
    return id;
  }

  async stopSandbox(id: string, graceSeconds = 30): Promise<void> {
    // Containers first, as the kubelet does: once the infra container (PID 1 of a shared PID namespace) is gone,
    // the kernel SIGKILLs everything left and the grace period is lost.
    // Podman 4.3 answers a pod stop with 304 and does nothing once some container is stopped: stop the infra directly.
    const containers = (await this.client.containers.list({ pod: id })).filter((c) => c.State === 'running');
    await Promise.all(containers.filter((c) => !c.IsInfra).map((c) => this.stopContainer(c.Id, graceSeconds)));
    await Promise.all(containers.filter((c) => c.IsInfra).map((c) => this.stopContainer(c.Id, graceSeconds)));
  }

  async removeSandbox(id: string): Promise<void> {
    this.podFacts.delete(id);
    await this.client.pods.kill(id, 'SIGKILL').catch(() => undefined);
    await ignoreNotFound(this.client.pods.remove(id, { force: true }));
  }

  async sandboxStatus(id: string): Promise<SandboxStatus> {
    const pod = await this.client.pods.inspect(id);
    const infra = pod.InfraContainerID ? await this.client.containers.inspect(pod.InfraContainerID) : undefined;
    return sandboxFrom(pod.Id, pod.Labels ?? {}, {
      created: pod.Created,
      ready: infra?.State.Running ?? false,
      infraImage: infra?.ImageName ?? '',
      ports: portsFromBindings(pod.InfraConfig?.PortBindings ?? {}),
      ip: ipOf(infra),
    });
  }

  async listSandboxes(filter: { labels?: Labels } = {}): Promise<SandboxStatus[]> {
    const [pods, infras] = await Promise.all([
      this.client.pods.list({ labels: filter.labels }),
      this.client.containers.list({ labels: filter.labels }),
    ]);
    const infraById = new Map(infras.filter((c) => c.IsInfra).map((c) => [c.Id, c]));
    return pods
      .filter((p) => p.Labels?.[L.LABEL_POD_UID] !== undefined)
      .map((p) => {
        const infra = infraById.get(p.InfraId);
        return sandboxFrom(p.Id, p.Labels ?? {}, {
          created: p.Created,
          ready: infra?.State === 'running',
          infraImage: infra?.Image ?? '',
          ports: portsFromMappings(infra?.Ports ?? [], true),
        });
      });
  }

  async snapshot(filter: { labels?: Labels } = {}): Promise<RuntimeSnapshot> {
    const list = await this.client.containers.list({ labels: filter.labels });
    const sandboxes: SandboxStatus[] = [];
    const containers: ContainerStatus[] = [];
    for (const c of list) {
      if (c.IsInfra) {
        if (c.Labels?.[L.LABEL_POD_UID] !== undefined) sandboxes.push(sandboxFromInfra(c));
      } else if (c.Labels?.[L.LABEL_CONTAINER_NAME] !== undefined) {
        containers.push(containerFromList(c));
      }
    }
    return { sandboxes, containers };
  }

  async createContainer(sandboxId: string, spec: ContainerSpec): Promise<string> {
    const pod = this.podFacts.get(sandboxId) ?? (await this.inspectPodFacts(sandboxId));
    const podLabels = pod.labels;
    const attempt = spec.attempt ?? 0;
    const labels: Labels = { ...spec.labels };
    for (const key of [L.LABEL_POD_UID, L.LABEL_POD_NAME, L.LABEL_POD_NAMESPACE]) {
      const value = podLabels[key];
      if (value !== undefined) labels[key] = value;
    }
    labels[L.LABEL_CONTAINER_NAME] = spec.name;
    labels[L.LABEL_CONTAINER_ATTEMPT] = String(attempt);
    const create: ContainerCreateSpec = {
      name: `${pod.name}_${enc(spec.name)}_${attempt}`,
      pod: sandboxId,
      image: spec.image,
      env: spec.env,
      work_dir: spec.workingDir,
      user: spec.user,
      ...(spec.supplementalGroups?.length ? { groups: spec.supplementalGroups.map(String) } : {}),
      labels,
      restart_policy: 'no',
      stop_timeout: spec.stopGraceSeconds ?? 30,
      privileged: spec.privileged,
      cap_add: spec.capabilities?.add,
      cap_drop: spec.capabilities?.drop,
      mounts: spec.mounts?.map((m) => ({
        type: 'bind',
        source: m.hostPath,
        destination: m.containerPath,
        options: ['rbind', m.readOnly ? 'ro' : 'rw'],
      })),
    };
    if (spec.command) {
      create.entrypoint = spec.command;
      create.command = spec.args ?? [];
    } else if (spec.args) {
      create.command = spec.args;
    }
    const { memoryLimitBytes, cpuLimitMillis } = spec.resources ?? {};
    if (memoryLimitBytes !== undefined || cpuLimitMillis !== undefined) {
      create.resource_limits = {
        memory: memoryLimitBytes !== undefined ? { limit: memoryLimitBytes } : undefined,
        cpu: cpuLimitMillis !== undefined ? { quota: cpuLimitMillis * 100, period: 100_000 } : undefined,
      };
    }
    return this.client.containers.create(create);
  }

  async startContainer(id: string): Promise<void> {
    await this.client.containers.start(id);
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    await ignoreNotFound(this.client.containers.stop(id, Math.max(0, Math.ceil(graceSeconds))));
  }

  async removeContainer(id: string): Promise<void> {
    await this.client.containers.kill(id, 'SIGKILL').catch(() => undefined);
    await ignoreNotFound(this.client.containers.remove(id, { force: true }));
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    return containerFromInspect(await this.client.containers.inspect(id));
  }

  async listContainers(filter: { sandboxId?: string; labels?: Labels } = {}): Promise<ContainerStatus[]> {
    const list = await this.client.containers.list({ labels: filter.labels, pod: filter.sandboxId });
    return list.filter((c) => !c.IsInfra && c.Labels?.[L.LABEL_CONTAINER_NAME] !== undefined).map(containerFromList);
  }

  async waitContainer(id: string): Promise<number> {
    return this.client.containers.wait(id);
  }

  async exec(id: string, command: string[], options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ExecResult> {
    // Node 18 has no AbortSignal.any: one controller for the deadline and the caller's signal.
    const abort = new AbortController();
    const timer = options.timeoutMs !== undefined ? setTimeout(() => abort.abort(new Error(`exec timed out after ${options.timeoutMs} ms`)), options.timeoutMs) : undefined;
    timer?.unref();
    const onAbort = (): void => abort.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const r = await this.client.containers.exec(id, command, { signal: abort.signal });
      return { exitCode: r.exitCode, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  execStream(id: string, command: string[], options: ExecStreamOptions): Promise<ExecStream> {
    return startExecStream(this.client.http, id, command, options);
  }

  logs(id: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    return readLogs((opts) => this.client.containers.logs(id, opts), options);
  }

  async imageExists(ref: string): Promise<boolean> {
    return this.client.images.exists(ref);
  }

  async pullImage(ref: string, policy: PullPolicy, pull: { signal?: AbortSignal } = {}): Promise<string> {
    const registry = registryOf(ref);
    const options = { ...(registry !== undefined && this.insecure.has(registry) ? { tlsVerify: false } : {}), ...(pull.signal ? { signal: pull.signal } : {}) };
    if (policy === 'Always') return this.client.images.pull(ref, 'always', options);
    try {
      return (await this.client.images.inspect(ref)).Id;
    } catch (err) {
      if (!isFlotillaError(err, 'NotFound')) throw err;
    }
    if (policy === 'Never') throw new FlotillaError('NotFound', `image ${ref} is not present and its pull policy is Never`);
    return this.client.images.pull(ref, 'missing', options);
  }

  events(options: EventOptions): AsyncIterable<RuntimeEvent> {
    // `since` is taken now, not at the first next(), so that nothing between the call and the connection is lost.
    // With labels, pod-level events (they carry none) drop out; the infra container's events stand for them.
    const types = options.labels ? ['container'] : ['container', 'pod'];
    const raw = this.client.system.events({ types, since: new Date(), signal: options.signal, ...(options.labels ? { labels: options.labels } : {}) });
    const containers = this.client.containers;
    return (async function* () {
      for await (const e of raw) {
        const attrs = e.Actor.Attributes;
        if (e.Type === 'container' && e.Action === 'died' && attrs && !attrs['podId'] && attrs[L.LABEL_POD_UID] !== undefined) {
          // Podman 4.3 leaves podId empty on an infra container's death: look its pod up.
          attrs['podId'] = await containers.inspect(e.Actor.ID).then((c) => c.Pod, () => '');
        }
        const event = eventFrom(e);
        if (event) yield event;
      }
    })();
  }

  async version(): Promise<RuntimeVersion> {
    const v = await this.client.system.version();
    const engine = v.Components?.find((c) => c.Name === 'Podman Engine');
    return { runtimeName: 'podman', runtimeVersion: v.Version, apiVersion: engine?.Details?.APIVersion ?? v.Version };
  }

  private async inspectPodFacts(id: string): Promise<PodFacts> {
    const pod = await this.client.pods.inspect(id);
    const facts = { name: pod.Name, labels: pod.Labels ?? {} };
    this.podFacts.set(pod.Id, facts);
    return facts;
  }

  /** Loads the pause archive once if the image is missing (see loadPauseImage). */
  private ensurePauseImage(): Promise<void> {
    this.pauseReady ??= loadPauseImage(this.client.images, this.pauseImage, this.pauseArchive).catch((err: unknown) => {
      this.pauseReady = undefined;
      throw err;
    });
    return this.pauseReady;
  }
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isFlotillaError(err, 'NotFound')) throw err;
  }
}
