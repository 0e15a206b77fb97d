// The subset of libpod's REST wire types (Podman 4.x) Flotilla sends and reads.

export type Labels = Record<string, string>;

export interface LibpodPortMapping {
  host_ip?: string;
  container_port: number;
  host_port: number;
  range?: number;
  protocol?: 'tcp' | 'udp';
}

/** PodSpecGenerator (POST /pods/create). */
export interface PodSpec {
  name?: string;
  hostname?: string;
  labels?: Labels;
  infra_image?: string;
  infra_command?: string[];
  infra_name?: string;
  /** Any of "net", "ipc", "uts", "pid", "cgroup". */
  shared_namespaces?: string[];
  portmappings?: LibpodPortMapping[];
}

export interface LibpodMount {
  destination: string;
  source: string;
  type: 'bind';
  options?: string[];
}

/** SpecGenerator (POST /containers/create), the fields Flotilla uses. */
export interface ContainerCreateSpec {
  name?: string;
  pod?: string;
  image: string;
  entrypoint?: string[];
  command?: string[];
  env?: Record<string, string>;
  work_dir?: string;
  user?: string;
  /** Supplementary groups of the container's process (numeric gids as strings). */
  groups?: string[];
  mounts?: LibpodMount[];
  cap_add?: string[];
  cap_drop?: string[];
  privileged?: boolean;
  labels?: Labels;
  restart_policy?: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  stop_timeout?: number;
  terminal?: boolean;
  resource_limits?: {
    memory?: { limit?: number };
    cpu?: { quota?: number; period?: number; shares?: number };
  };
}

export interface IdResponse {
  Id: string;
  Warnings?: string[];
}

export interface PodInspect {
  Id: string;
  Name: string;
  Created: string;
  State: string;
  Hostname?: string;
  Labels?: Labels | null;
  InfraContainerID?: string;
  SharedNamespaces?: string[] | null;
  InfraConfig?: { PortBindings?: Record<string, Array<{ HostIp: string; HostPort: string }>> | null } | null;
  Containers?: Array<{ Id: string; Name: string; State: string }> | null;
}

export interface PodListEntry {
  Id: string;
  Name: string;
  Created: string;
  Status: string;
  InfraId: string;
  Labels?: Labels | null;
  Containers?: Array<{ Id: string; Names: string; Status: string }> | null;
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  Image: string;
  ImageName: string;
  Pod: string;
  IsInfra: boolean;
  RestartCount: number;
  State: {
    Status: string;
    Running: boolean;
    OOMKilled: boolean;
    ExitCode: number;
    Pid: number;
    StartedAt: string;
    FinishedAt: string;
    Error?: string;
  };
  Config: { Labels?: Labels | null; StopSignal?: number | string; Image?: string };
  NetworkSettings?: { IPAddress?: string; Networks?: Record<string, { IPAddress?: string }> | null } | null;
}

export interface ContainerListEntry {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Pod: string;
  PodName: string;
  IsInfra: boolean;
  State: string;
  Created: string;
  StartedAt: number;
  ExitedAt: number;
  ExitCode: number;
  Exited: boolean;
  Labels?: Labels | null;
  Ports?: LibpodPortMapping[] | null;
}

export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number;
}

/** One line of GET /events (Docker's events.Message shape). */
export interface LibpodEvent {
  status?: string;
  id?: string;
  from?: string;
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> | null };
  time: number;
  timeNano?: number;
}

export interface VersionResponse {
  Version: string;
  ApiVersion: string;
  Components?: Array<{ Name: string; Version: string; Details?: { APIVersion?: string } }>;
}

export interface PullLine {
  stream?: string;
  error?: string;
  images?: string[];
  id?: string;
}
