// The container runtime seam the kubelet drives: sandboxes (pods) and containers in CRI terms, kept simple.

import type { Labels } from '../../shared/api/types';

/** Labels Flotilla puts on everything it creates, so that a restarted agent can adopt what it finds. */
export const LABEL_POD_UID = 'io.flotilla.pod.uid';
export const LABEL_POD_NAME = 'io.flotilla.pod.name';
export const LABEL_POD_NAMESPACE = 'io.flotilla.pod.namespace';
export const LABEL_SANDBOX_ATTEMPT = 'io.flotilla.sandbox.attempt';
export const LABEL_CONTAINER_NAME = 'io.flotilla.container.name';
export const LABEL_CONTAINER_ATTEMPT = 'io.flotilla.container.attempt';
/** The node (agent) that owns a sandbox or container: an agent adopts and collects only its own. */
export const LABEL_NODE = 'io.flotilla.node';

export type Protocol = 'TCP' | 'UDP';

export interface PortMapping {
  containerPort: number;
  hostPort: number;
  protocol?: Protocol;
  /** Host address to bind; all addresses when undefined. */
  hostIP?: string;
}

export interface SandboxSpec {
  /** Pod identity; becomes the io.flotilla.pod.* labels. */
  uid: string;
  name: string;
  namespace: string;
  /** Bumped by the kubelet when it recreates a dead sandbox for the same pod. Default 0. */
  attempt?: number;
  hostname?: string;
  /** Extra labels, merged under Flotilla's own. */
  labels?: Labels;
  ports?: PortMapping[];
  /** Share the PID namespace between the pod's containers (Kubernetes' shareProcessNamespace). */
  sharePid?: boolean;
}

export type SandboxState = 'ready' | 'notready';

export interface SandboxStatus {
  id: string;
  uid: string;
  name: string;
  namespace: string;
  attempt: number;
  state: SandboxState;
  createdAt: Date;
  labels: Labels;
  /** The image of the infra container holding the namespaces (Flotilla's pause image). */
  infraImage: string;
  ports: PortMapping[];
  /** The pod's IP address; known to sandboxStatus, not to listings. */
  ip?: string;
}

export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly?: boolean;
}

export interface Resources {
  memoryLimitBytes?: number;
  /** CPU limit in millicores (1000 = one CPU), enforced as a CFS quota. */
  cpuLimitMillis?: number;
}

export interface ContainerSpec {
  name: string;
  image: string;
  /** Kubernetes semantics: `command` replaces the image's entrypoint, `args` its cmd. */
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  workingDir?: string;
  /** "uid", "uid:gid" or a user name known to the image. */
  user?: string;
  /** Supplementary group ids of the container's process (the pod's volume group: secret volumes are readable by it). */
  supplementalGroups?: number[];
  mounts?: Mount[];
  capabilities?: { add?: string[]; drop?: string[] };
  privileged?: boolean;
  resources?: Resources;
  labels?: Labels;
  /** Restart count of this container in its pod; part of its name and labels. Default 0. */
  attempt?: number;
  /** Default grace period for stops that do not give one. Default 30 s, as Kubernetes. */
  stopGraceSeconds?: number;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  state: ContainerState;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  /** Set once the container has exited. */
  exitCode?: number;
  /** Why it exited: "Completed", "Error" or "OOMKilled". */
  reason?: string;
  /** The image reference it was created from, and the ID that reference resolved to. */
  image: string;
  imageId: string;
  labels: Labels;
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface TerminalSize {
  width: number;
  height: number;
}

export interface ExecStreamOptions {
  /** The command gets a stdin fed through `write` (else it reads EOF at once). */
  stdin: boolean;
  /** The command gets a terminal; its stderr then comes on stdout. */
  tty: boolean;
  /** The terminal's size from the start (before the command can ask for it). */
  size?: TerminalSize;
}

export interface ExecChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** A command running in a container with its stdio attached (interactive `kubectl exec -i/-t`). */
export interface ExecStream {
  /** Output in order as it comes. Ends when the command has closed its output (usually: exited). */
  output: AsyncIterable<ExecChunk>;
  /** Feeds the command's stdin. */
  write(data: Buffer): void;
  /** Closes the command's stdin: it reads EOF. */
  closeStdin(): void;
  /** Sets the terminal's size (with a TTY). */
  resize(size: TerminalSize): Promise<void>;
  /** The exit code; resolves once the output has ended. */
  wait(): Promise<number>;
  /** Drops the session: the command loses its stdio. Idempotent. */
  close(): void;
}

export interface LogOptions {
  follow?: boolean;
  /** Only the last n lines. */
  tailLines?: number;
  since?: Date;
  timestamps?: boolean;
  /** Ends a followed stream. */
  signal?: AbortSignal;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** One line without its trailing newline. */
  line: string;
  /** Present when `timestamps` was asked for. */
  time?: Date;
}

export type RuntimeEvent =
  | { type: 'ContainerCreated' | 'ContainerStarted' | 'ContainerRemoved'; id: string; sandboxId?: string; labels: Labels; time: Date }
  | { type: 'ContainerDied'; id: string; sandboxId?: string; labels: Labels; exitCode: number; time: Date }
  | { type: 'ContainerOOM'; id: string; sandboxId?: string; labels: Labels; time: Date }
  | { type: 'SandboxCreated' | 'SandboxStarted' | 'SandboxStopped' | 'SandboxRemoved'; id: string; name: string; time: Date; labels?: Labels };

/** Everything the runtime holds under some labels, read at once (the kubelet's relist). */
export interface RuntimeSnapshot {
  sandboxes: SandboxStatus[];
  /** Flotilla-created containers, never infra containers. */
  containers: ContainerStatus[];
}

export interface EventOptions {
  /** Ends the stream; the iterator then returns. Reconnecting after an error is the caller's job. */
  signal: AbortSignal;
  /** Only events of containers (infra ones included) and sandboxes carrying all of these labels. */
  labels?: Labels;
}

export interface RuntimeVersion {
  runtimeName: string;
  runtimeVersion: string;
  apiVersion: string;
}

/**
 * What the kubelet needs from a container runtime. Called by the pod workers, the relister and the
 * log/exec handlers, possibly concurrently for different pods. Ids are the runtime's own.
 * Unknown ids throw FlotillaError NotFound; removing what is already gone is not an error.
 */
export interface Runtime {
  /** Creates and starts a pod sandbox whose infra (pause) container holds the shared namespaces. Loads the pause image if missing. */
  runSandbox(spec: SandboxSpec): Promise<string>;
  /** Like runSandbox without starting it: containers may be created in it meanwhile (the fast path of a new pod). */
  createSandbox(spec: SandboxSpec): Promise<string>;
  /** Starts a created sandbox's infra container and every container created in it. Already running is fine. */
  startSandbox(id: string): Promise<void>;
  /** Stops every container of the sandbox and its infra container. Idempotent. */
  stopSandbox(id: string, graceSeconds?: number): Promise<void>;
  /** Removes the sandbox and all its containers, killing what still runs. Idempotent. */
  removeSandbox(id: string): Promise<void>;
  sandboxStatus(id: string): Promise<SandboxStatus>;
  /** Flotilla-created sandboxes whose labels include all of `labels`. */
  listSandboxes(filter?: { labels?: Labels }): Promise<SandboxStatus[]>;
  /** Sandboxes and containers whose labels include all of `labels`, in one cheap read (no IPs). */
  snapshot(filter?: { labels?: Labels }): Promise<RuntimeSnapshot>;

  /** Creates (does not start) a container in the sandbox. The image must be present: pull it first. */
  createContainer(sandboxId: string, spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM (the image's stop signal), then SIGKILL after `graceSeconds`. Idempotent. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  /** Removes the container, killing it if it still runs. Idempotent. */
  removeContainer(id: string): Promise<void>;
  containerStatus(id: string): Promise<ContainerStatus>;
  /** Flotilla-created containers (never infra containers) matching all the filters. */
  listContainers(filter?: { sandboxId?: string; labels?: Labels }): Promise<ContainerStatus[]>;
  /** Resolves with the exit code once the container has exited. */
  waitContainer(id: string): Promise<number>;

  /**
   * Runs a command in a running container and collects its output (bounded: the end of each stream is kept).
   * Rejects once `timeoutMs` passed or `signal` aborted (the command itself may go on in the container).
   */
  exec(id: string, command: string[], options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<ExecResult>;
  /** Starts a command in a running container with its stdio attached; resolves once it runs. */
  execStream(id: string, command: string[], options: ExecStreamOptions): Promise<ExecStream>;
  /** Demultiplexed stdout/stderr lines of a container; ends at the end of the log unless `follow`. */
  logs(id: string, options?: LogOptions): AsyncIterable<LogLine>;

  imageExists(ref: string): Promise<boolean>;
  /** Makes the image present according to the policy and returns its ID. Never + missing → NotFound. `signal` abandons a pull. */
  pullImage(ref: string, policy: PullPolicy, options?: { signal?: AbortSignal }): Promise<string>;

  /** Lifecycle events from the moment of the call on. */
  events(options: EventOptions): AsyncIterable<RuntimeEvent>;
  version(): Promise<RuntimeVersion>;
}
