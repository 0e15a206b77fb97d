// Which ConfigMaps and Secrets a pod references (volumes, projected volumes, env, envFrom, image
// pull secrets): exactly those, and nothing else, go to its node with its desired state.

import type { Container, Pod } from '../../shared/api/core';
import type { KubeObject } from '../../shared/api/types';

export interface PodReferences {
  configMaps: string[];
  secrets: string[];
}

type Loose = Record<string, unknown>;
const o = (v: unknown): Loose => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {});
const a = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function podReferences(pod: Pick<Pod, 'spec'> | KubeObject): PodReferences {
  const spec = o(pod.spec);
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const add = (set: Set<string>, name: string | undefined): void => {
    if (name) set.add(name);
  };
  for (const vol of a(spec.volumes).map(o)) {
    add(configMaps, s(o(vol.configMap).name));
    add(secrets, s(o(vol.secret).secretName));
    for (const src of a(o(vol.projected).sources).map(o)) {
      add(configMaps, s(o(src.configMap).name));
      add(secrets, s(o(src.secret).name));
    }
  }
  const containers = [...a(spec.containers), ...a(spec.initContainers)].map((c) => o(c) as Partial<Container> & Loose);
  for (const c of containers) {
    for (const env of a(c.env).map(o)) {
      const from = o(env.valueFrom);
      add(configMaps, s(o(from.configMapKeyRef).name));
      add(secrets, s(o(from.secretKeyRef).name));
    }
    for (const from of a(c.envFrom).map(o)) {
      add(configMaps, s(o(from.configMapRef).name));
      add(secrets, s(o(from.secretRef).name));
    }
  }
  for (const ref of a(spec.imagePullSecrets).map(o)) add(secrets, s(ref.name));
  return { configMaps: [...configMaps].sort(), secrets: [...secrets].sort() };
}
