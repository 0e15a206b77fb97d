// Translations between libpod's wire shapes and the Runtime's types (states, ports, labels, events).

import type { Labels } from '../../../shared/api/types';
import * as L from '../types';
import type { ContainerState, ContainerStatus, PortMapping, RuntimeEvent, SandboxStatus } from '../types';
import type { ContainerInspect, ContainerListEntry, LibpodEvent, LibpodPortMapping } from './libpod-types';

export function portsFromMappings(ports: PortMapping[]): LibpodPortMapping[];
export function portsFromMappings(ports: LibpodPortMapping[], reverse: true): PortMapping[];
export function portsFromMappings(ports: PortMapping[] | LibpodPortMapping[], reverse?: true): LibpodPortMapping[] | PortMapping[] {
  if (reverse) {
    return (ports as LibpodPortMapping[]).map((p) => withHostIP({ containerPort: p.container_port, hostPort: p.host_port, protocol: p.protocol === 'udp' ? 'UDP' : 'TCP' }, p.host_ip));
  }
  return (ports as PortMapping[]).map((p) => ({
    container_port: p.containerPort,
    host_port: p.hostPort,
    protocol: p.protocol === 'UDP' ? 'udp' : 'tcp',
    ...(p.hostIP ? { host_ip: p.hostIP } : {}),
  }));
}

/** Pod inspect's InfraConfig.PortBindings: {"8080/tcp": [{HostIp, HostPort}]}. */
export function portsFromBindings(bindings: Record<string, Array<{ HostIp: string; HostPort: string }>>): PortMapping[] {
  const out: PortMapping[] = [];
  for (const [key, list] of Object.entries(bindings)) {
    const [port, proto] = key.split('/');
    for (const b of list ?? []) {
      out.push(withHostIP({ containerPort: Number(port), hostPort: Number(b.HostPort), protocol: proto === 'udp' ? 'UDP' : 'TCP' }, b.HostIp));
    }
  }
  return out;
}

function withHostIP(p: PortMapping, hostIP: string | undefined): PortMapping {
  return hostIP ? { ...p, hostIP } : p;
}

export function sandboxFrom(id: string, labels: Labels, facts: { created: string; ready: boolean; infraImage: string; ports: PortMapping[]; ip?: string }): SandboxStatus {
  return {
    ...(facts.ip ? { ip: facts.ip } : {}),
    id,
    uid: labels[L.LABEL_POD_UID] ?? '',
    name: labels[L.LABEL_POD_NAME] ?? '',
    namespace: labels[L.LABEL_POD_NAMESPACE] ?? '',
    attempt: Number(labels[L.LABEL_SANDBOX_ATTEMPT] ?? 0),
    state: facts.ready ? 'ready' : 'notready',
    createdAt: new Date(facts.created),
    labels,
    infraImage: facts.infraImage,
    ports: facts.ports,
  };
}

/** A sandbox as seen through its infra container's list entry (which carries the pod's labels). */
export function sandboxFromInfra(infra: ContainerListEntry): SandboxStatus {
  return sandboxFrom(infra.Pod, infra.Labels ?? {}, {
    created: infra.Created,
    ready: infra.State === 'running',
    infraImage: infra.Image,
    ports: portsFromMappings(infra.Ports ?? [], true),
  });
}

/** The infra container's address on its first network. */
export function ipOf(infra: ContainerInspect | undefined): string | undefined {
  const settings = infra?.NetworkSettings;
  if (!settings) return undefined;
  if (settings.IPAddress) return settings.IPAddress;
  for (const net of Object.values(settings.Networks ?? {})) if (net.IPAddress) return net.IPAddress;
  return undefined;
}

export function stateOf(podmanState: string): ContainerState {
  switch (podmanState.toLowerCase()) {
    case 'configured':
    case 'created':
    case 'initialized':
      return 'created';
    case 'running':
    case 'paused':
    case 'stopping':
      return 'running';
    case 'exited':
    case 'stopped':
      return 'exited';
    default:
      return 'unknown';
  }
}

/** Go's zero time ("0001-01-01T00:00:00Z") and Unix 0 mean "never". */
function when(value: string | number | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1971 ? undefined : d;
}

function exitFacts(state: ContainerState, exitCode: number, oomKilled: boolean): Pick<ContainerStatus, 'exitCode' | 'reason'> {
  if (state !== 'exited') return {};
  return { exitCode, reason: oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error' };
}

/** Podman stamps StartedAt after runc returns, so a quick exit can "finish" before it started: clamp. */
function optionalDates(startedAt: Date | undefined, finishedAt: Date | undefined): Pick<ContainerStatus, 'startedAt' | 'finishedAt'> {
  const finished = finishedAt && startedAt && finishedAt < startedAt ? startedAt : finishedAt;
  return { ...(startedAt ? { startedAt } : {}), ...(finished ? { finishedAt: finished } : {}) };
}

export function containerFromInspect(c: ContainerInspect): ContainerStatus {
  const labels = c.Config.Labels ?? {};
  const state = stateOf(c.State.Status);
  return {
    id: c.Id,
    sandboxId: c.Pod,
    name: labels[L.LABEL_CONTAINER_NAME] ?? c.Name,
    attempt: Number(labels[L.LABEL_CONTAINER_ATTEMPT] ?? 0),
    state,
    createdAt: new Date(c.Created),
    ...optionalDates(when(c.State.StartedAt), state === 'exited' ? when(c.State.FinishedAt) : undefined),
    ...exitFacts(state, c.State.ExitCode, c.State.OOMKilled),
    image: c.ImageName,
    imageId: c.Image,
    labels,
  };
}

/** From a list entry: times have second resolution and OOMKilled is not known (reason is Error). */
export function containerFromList(c: ContainerListEntry): ContainerStatus {
  const labels = c.Labels ?? {};
  const state = stateOf(c.State);
  return {
    id: c.Id,
    sandboxId: c.Pod,
    name: labels[L.LABEL_CONTAINER_NAME] ?? c.Names[0] ?? c.Id,
    attempt: Number(labels[L.LABEL_CONTAINER_ATTEMPT] ?? 0),
    state,
    createdAt: new Date(c.Created),
    ...optionalDates(when(c.StartedAt), state === 'exited' ? when(c.ExitedAt) : undefined),
    ...exitFacts(state, c.ExitCode, false),
    image: c.Image,
    imageId: c.ImageID,
    labels,
  };
}

const POD_EVENTS: Record<string, 'SandboxCreated' | 'SandboxStarted' | 'SandboxStopped' | 'SandboxRemoved' | undefined> = {
  create: 'SandboxCreated',
  start: 'SandboxStarted',
  stop: 'SandboxStopped',
  remove: 'SandboxRemoved',
};

const NOT_LABELS = new Set(['containerExitCode', 'image', 'name', 'podId']);

/** A Flotilla-relevant RuntimeEvent, or undefined for events the kubelet does not care about (infra containers included). */
export function eventFrom(e: LibpodEvent): RuntimeEvent | undefined {
  const attrs = e.Actor.Attributes ?? {};
  const time = e.timeNano !== undefined ? new Date(Math.floor(e.timeNano / 1e6)) : new Date(e.time * 1000);
  const id = e.Actor.ID || e.id || '';
  if (e.Type === 'pod') {
    const type = POD_EVENTS[e.Action];
    return type ? { type, id, name: attrs['name'] ?? '', time } : undefined;
  }
  if (e.Type !== 'container') return undefined;
  const labels: Labels = {};
  for (const [k, v] of Object.entries(attrs)) if (!NOT_LABELS.has(k)) labels[k] = v;
  if (attrs[L.LABEL_CONTAINER_NAME] === undefined) {
    // An infra container carries its pod's labels: its death is the sandbox's, even when nobody stopped the pod.
    const podId = attrs['podId'];
    if (e.Action !== 'died' || !podId || attrs[L.LABEL_POD_UID] === undefined) return undefined;
    return { type: 'SandboxStopped', id: podId, name: attrs[L.LABEL_POD_NAME] ?? '', time, labels };
  }
  const sandboxId = attrs['podId'] || undefined;
  const base = { id, labels, time, ...(sandboxId ? { sandboxId } : {}) };
  switch (e.Action) {
    case 'create':
      return { type: 'ContainerCreated', ...base };
    case 'start':
      return { type: 'ContainerStarted', ...base };
    case 'remove':
      return { type: 'ContainerRemoved', ...base };
    case 'oom':
      return { type: 'ContainerOOM', ...base };
    case 'died':
      return { type: 'ContainerDied', ...base, exitCode: Number(attrs['containerExitCode'] ?? -1) };
    default:
      return undefined;
  }
}
