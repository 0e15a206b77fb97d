// The pod volumes the kubelet materialises under its data dir: emptyDir, hostPath, configMap and secret
// (secrets never world-readable), kept up to date when the ConfigMap or Secret changes, removed with the pod.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { KeyToPath, Pod, Volume } from '../../shared/api/core';
import { FlotillaError } from '../../shared/errors';
import { isPlainUid } from './admission';
import { configMapData, secretData, type ConfigLookup } from './config-lookup';
import { project, type ProjectedFile } from './projected-dir';

/** Volume name → host path to bind-mount. */
export type VolumePaths = Map<string, string>;

export class VolumeManager {
  /** `root`: the kubelet's <data dir>/pods; one directory per pod uid below it. */
  constructor(private readonly root: string) {}

  /** Throws for a uid that is not one plain path segment (admission refuses such pods; this guards the rest). */
  podDir(uid: string): string {
    if (!isPlainUid(uid)) throw new FlotillaError('Invalid', `pod uid ${JSON.stringify(uid)} cannot name a directory`);
    return path.join(this.root, uid);
  }

  /**
   * Creates or refreshes every volume of the pod; idempotent, cheap when nothing changed.
   * Throws FlotillaError naming the volume when one cannot be set up (the FailedMount event).
   */
  async prepare(pod: Pod, config: ConfigLookup): Promise<VolumePaths> {
    const uid = pod.metadata.uid ?? '';
    const paths: VolumePaths = new Map();
    for (const volume of pod.spec.volumes ?? []) {
      try {
        paths.set(volume.name, await this.setUp(uid, pod, volume, config));
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new FlotillaError('Invalid', `MountVolume.SetUp failed for volume "${volume.name}" : ${reason}`, { cause: err });
      }
    }
    return paths;
  }

  /** A uid that cannot name a directory never had one: nothing to remove. */
  async remove(uid: string): Promise<void> {
    if (!isPlainUid(uid)) return;
    await fs.rm(this.podDir(uid), { recursive: true, force: true });
  }

  /** The pod uids that have a directory here (for collecting leftovers). */
  async podUids(): Promise<string[]> {
    return fs.readdir(this.root).catch(() => []);
  }

  private async setUp(uid: string, pod: Pod, volume: Volume, config: ConfigLookup): Promise<string> {
    const ns = pod.metadata.namespace ?? 'default';
    const dir = (kind: string): string => path.join(this.podDir(uid), 'volumes', kind, volume.name);
    if (volume.emptyDir) {
      const at = dir('empty-dir');
      await fs.mkdir(at, { recursive: true });
      await fs.chmod(at, 0o777);
      return at;
    }
    if (volume.hostPath) return hostPath(volume.hostPath.path, volume.hostPath.type ?? '');
    if (volume.configMap) {
      const { name = '', items, defaultMode, optional } = volume.configMap;
      const cm = config.configMap(ns, name);
      if (!cm && !optional) throw new FlotillaError('NotFound', `configmap "${name}" not found`);
      const files = cm ? pick(configMapData(cm), items, defaultMode ?? 0o644, `ConfigMap ${ns}/${name}`, optional) : [];
      const at = dir('configmap');
      await project(at, files, { dirMode: 0o755 });
      return at;
    }
    if (volume.secret) {
      const { secretName = '', items, defaultMode, optional } = volume.secret;
      const secret = config.secret(ns, secretName);
      if (!secret && !optional) throw new FlotillaError('NotFound', `secret "${secretName}" not found`);
      const owner = secretOwner(pod);
      // Kubernetes' modes (default 0644), but never world-readable: what others could read, the pod's group reads —
      // every container of the pod has that group (podGroup), whatever user it runs as.
      const mask = owner.gid !== undefined ? 0o770 : 0o700;
      const files = secret ? pick(secretData(secret), items, defaultMode ?? 0o644, `Secret ${ns}/${secretName}`, optional).map((f) => ({ ...f, mode: f.mode & mask })) : [];
      const at = dir('secret');
      await project(at, files, { dirMode: owner.gid !== undefined ? 0o750 : 0o700, ...owner });
      return at;
    }
    throw new FlotillaError('Invalid', 'unsupported volume source (supported: emptyDir, hostPath, configMap, secret)');
  }
}

/** The files of a configMap/secret volume: all keys, or the listed items (a missing item key fails unless optional). */
function pick(data: Map<string, Buffer>, items: KeyToPath[] | undefined, mode: number, what: string, optional: boolean | undefined): ProjectedFile[] {
  if (!items) return [...data].map(([key, value]) => ({ path: key, data: value, mode }));
  const files: ProjectedFile[] = [];
  for (const item of items) {
    const value = data.get(item.key);
    if (value === undefined) {
      if (optional) continue;
      throw new FlotillaError('NotFound', `couldn't find key ${item.key} in ${what}`);
    }
    files.push({ path: item.path, data: value, mode: item.mode ?? mode });
  }
  return files;
}

/** The group the kubelet gives a pod's secret volumes when the pod names no fsGroup (unlikely to mean anything else). */
export const SECRET_GROUP_ID = 64_998;

/**
 * The group every container of the pod gets as a supplementary group and that owns its secret volumes: its fsGroup,
 * or SECRET_GROUP_ID for a pod with secret volumes (only when the agent runs as root and so may chown). undefined: none.
 */
export function podGroup(pod: Pod): number | undefined {
  const fsGroup = pod.spec.securityContext?.fsGroup;
  if (fsGroup !== undefined) return fsGroup;
  const isRoot = process.getuid?.() === 0;
  return isRoot && (pod.spec.volumes ?? []).some((v) => v.secret !== undefined) ? SECRET_GROUP_ID : undefined;
}

/** Who owns a secret volume's files: the pod's user (if it names one) and the pod's group. */
function secretOwner(pod: Pod): { uid?: number; gid?: number } {
  const uid = pod.spec.securityContext?.runAsUser ?? pod.spec.containers.find((c) => c.securityContext?.runAsUser !== undefined)?.securityContext?.runAsUser;
  const gid = podGroup(pod);
  return { ...(uid !== undefined ? { uid } : {}), ...(gid !== undefined ? { gid } : {}) };
}

async function hostPath(p: string, type: string): Promise<string> {
  const stat = await fs.stat(p).catch(() => undefined);
  const want = (ok: boolean, what: string): string => {
    if (!ok) throw new FlotillaError('NotFound', `hostPath type check failed: ${p} is not a ${what}`);
    return p;
  };
  switch (type) {
    case '':
      return p;
    case 'DirectoryOrCreate':
      if (!stat) await fs.mkdir(p, { recursive: true, mode: 0o755 });
      return want(!stat || stat.isDirectory(), 'directory');
    case 'FileOrCreate':
      if (!stat) {
        await fs.mkdir(path.dirname(p), { recursive: true });
        await fs.writeFile(p, '', { mode: 0o644, flag: 'a' });
      }
      return want(!stat || stat.isFile(), 'file');
    case 'Directory':
      return want(stat?.isDirectory() ?? false, 'directory');
    case 'File':
      return want(stat?.isFile() ?? false, 'file');
    case 'Socket':
      return want(stat?.isSocket() ?? false, 'socket');
    case 'CharDevice':
      return want(stat?.isCharacterDevice() ?? false, 'character device');
    case 'BlockDevice':
      return want(stat?.isBlockDevice() ?? false, 'block device');
    default:
      throw new FlotillaError('Invalid', `unsupported hostPath type ${JSON.stringify(type)}`);
  }
}
