// Translates a Pod into what the runtime is asked to create: the sandbox (hostname, hostPorts, shared PID,
// the kubelet's labels) and each container (command with $(VAR)s, env, mounts, user, capabilities, limits).

import type { Container, Pod } from '../../shared/api/core';
import { FlotillaError } from '../../shared/errors';
import { LABEL_NODE, type ContainerSpec, type Mount, type PortMapping, type SandboxSpec } from '../runtime/types';
import type { SourceName } from './api';
import { expand } from './env';
import { containerHash, LABEL_CONTAINER_HASH, LABEL_CONTAINER_INIT, LABEL_POD_GRACE, LABEL_POD_SOURCE } from './labels';
import { cpuMillis, memoryBytes } from './quantity';
import { podGroup, type VolumePaths } from './volumes';

export const DEFAULT_GRACE_SECONDS = 30;

export function graceSeconds(pod: Pod): number {
  return pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
}

export function sandboxSpec(pod: Pod, options: { nodeName: string; source: SourceName; attempt: number }): SandboxSpec {
  const ports: PortMapping[] = [];
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.protocol === 'SCTP') continue;
      ports.push({ containerPort: p.containerPort, hostPort: p.hostPort, protocol: p.protocol ?? 'TCP', ...(p.hostIP ? { hostIP: p.hostIP } : {}) });
    }
  }
  return {
    uid: pod.metadata.uid ?? '',
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? 'default',
    attempt: options.attempt,
    hostname: (pod.spec.hostname ?? pod.metadata.name ?? '').slice(0, 63),
    labels: { [LABEL_NODE]: options.nodeName, [LABEL_POD_SOURCE]: options.source, [LABEL_POD_GRACE]: String(pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS) },
    ports,
    sharePid: pod.spec.shareProcessNamespace ?? false,
  };
}

export interface ContainerInput {
  pod: Pod;
  container: Container;
  init: boolean;
  env: Record<string, string>;
  volumes: VolumePaths;
  attempt: number;
  nodeName: string;
  /** Host paths of the volumeMounts with a subPath, by mount index, resolved inside their volume (subpath.ts). */
  subPaths: ReadonlyMap<number, string>;
}

/** Throws FlotillaError for what makes the container unconfigurable (CreateContainerConfigError). */
export function containerSpec(input: ContainerInput): ContainerSpec {
  const { pod, container: c, env } = input;
  const spec: ContainerSpec = {
    name: c.name,
    image: c.image ?? '',
    env,
    attempt: input.attempt,
    stopGraceSeconds: pod.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS,
    labels: { [LABEL_NODE]: input.nodeName, [LABEL_CONTAINER_HASH]: containerHash(c), ...(input.init ? { [LABEL_CONTAINER_INIT]: 'true' } : {}) },
    mounts: mounts(pod, c, input.volumes, input.subPaths),
  };
  if (c.command) spec.command = c.command.map((s) => expand(s, env));
  if (c.args) spec.args = c.args.map((s) => expand(s, env));
  if (c.workingDir) spec.workingDir = c.workingDir;
  const user = userOf(pod, c);
  if (user !== undefined) spec.user = user;
  const group = podGroup(pod);
  if (group !== undefined) spec.supplementalGroups = [group];
  const sc = c.securityContext;
  if (sc?.privileged) spec.privileged = true;
  if (sc?.capabilities) {
    spec.capabilities = {};
    if (sc.capabilities.add) spec.capabilities.add = sc.capabilities.add.map(capName);
    if (sc.capabilities.drop) spec.capabilities.drop = sc.capabilities.drop.map(capName);
  }
  const limits = c.resources?.limits;
  if (limits?.['memory'] !== undefined || limits?.['cpu'] !== undefined) {
    spec.resources = {};
    if (limits['memory'] !== undefined) spec.resources.memoryLimitBytes = memoryBytes(limits['memory']);
    if (limits['cpu'] !== undefined) spec.resources.cpuLimitMillis = cpuMillis(limits['cpu']);
  }
  return spec;
}

/** "uid[:gid]" from the container's securityContext, falling back to the pod's; undefined keeps the image's user. */
function userOf(pod: Pod, c: Container): string | undefined {
  const uid = c.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser;
  const gid = c.securityContext?.runAsGroup ?? pod.spec.securityContext?.runAsGroup;
  const nonRoot = c.securityContext?.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot;
  if (nonRoot && uid === 0) throw new FlotillaError('Invalid', `container's runAsUser breaks non-root policy (pod: "${pod.metadata.name ?? ''}", container: ${c.name})`);
  if (uid === undefined && gid === undefined) return undefined;
  return gid === undefined ? String(uid) : `${uid ?? 0}:${gid}`;
}

function capName(cap: string): string {
  return cap === 'ALL' || cap.startsWith('CAP_') ? cap : `CAP_${cap}`;
}

function mounts(pod: Pod, c: Container, volumes: VolumePaths, subPaths: ReadonlyMap<number, string>): Mount[] {
  return (c.volumeMounts ?? []).map((vm, i) => {
    const host = volumes.get(vm.name);
    if (host === undefined) throw new FlotillaError('Invalid', `container ${c.name}: volumeMount refers to unknown volume "${vm.name}"`);
    const volume = pod.spec.volumes?.find((v) => v.name === vm.name);
    // As in Kubernetes, configMap and secret volumes are always mounted read-only.
    const readOnly = vm.readOnly === true || volume?.configMap !== undefined || volume?.secret !== undefined;
    const hostPath = vm.subPath ? subPaths.get(i) : host;
    if (hostPath === undefined) throw new FlotillaError('Invalid', `container ${c.name}: subPath ${JSON.stringify(vm.subPath)} of volume "${vm.name}" was not resolved`);
    return { hostPath, containerPath: vm.mountPath, readOnly };
  });
}
