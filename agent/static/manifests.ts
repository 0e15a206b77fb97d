// Reads a static-pod manifest dir: YAML/JSON files, several documents each, holding Pods plus the
// ConfigMaps and Secrets they use. A static pod's uid hashes its manifest and the node name, so an
// edited manifest is a new pod (the old one is replaced); its name gets the node's name appended, as
// Kubernetes names mirror pods. Problems are reported per document; good documents are never held back.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ConfigMap, Pod, Secret } from '../../shared/api/core';
import type { KubeObject } from '../../shared/api/types';
import { canonicalJson } from '../kubelet/labels';

export interface ManifestProblem {
  file: string;
  /** 1-based document number in the file. */
  document: number;
  message: string;
}

export interface ManifestSet {
  pods: Pod[];
  configMaps: ConfigMap[];
  secrets: Secret[];
  problems: ManifestProblem[];
}

export const MANIFEST_FILE = /^[^.].*\.(ya?ml|json)$/;
export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';

/** Throws only when the directory itself cannot be read. */
export async function readManifests(dir: string, nodeName: string): Promise<ManifestSet> {
  const YAML = require('yaml') as typeof import('yaml');
  const { applyDefaults } = require('../../shared/api/defaults') as typeof import('../../shared/api/defaults');
  const set: ManifestSet = { pods: [], configMaps: [], secrets: [], problems: [] };
  const seen = new Map<string, string>();
  const files = (await fs.readdir(dir)).filter((f) => MANIFEST_FILE.test(f)).sort();
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(path.join(dir, file), 'utf8');
    } catch (err) {
      // Vanished between readdir and read (an editor's rename), or unreadable.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') set.problems.push({ file, document: 0, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    YAML.parseAllDocuments(text).forEach((doc, i) => {
      const problem = (message: string): void => void set.problems.push({ file, document: i + 1, message });
      if (doc.errors.length > 0) return problem(`not valid YAML: ${doc.errors[0]?.message ?? 'syntax error'}`);
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) return;
      if (typeof value !== 'object' || Array.isArray(value)) return problem('not a Kubernetes object (expected a mapping with apiVersion and kind)');
      const obj = value as KubeObject;
      const where = `${obj.kind ?? '?'} ${typeof obj.metadata?.name === 'string' ? JSON.stringify(obj.metadata.name) : '(no name)'}`;
      if (typeof obj.metadata?.name !== 'string' || obj.metadata.name === '') return problem(`${where}: metadata.name: Required value`);
      if (obj.apiVersion !== 'v1' || !['Pod', 'ConfigMap', 'Secret'].includes(String(obj.kind))) {
        return problem(`${where}: apiVersion ${JSON.stringify(obj.apiVersion)} kind ${JSON.stringify(obj.kind)} is not supported here (v1 Pod, ConfigMap, Secret)`);
      }
      const namespace = obj.metadata.namespace ?? 'default';
      if (obj.kind === 'Pod') {
        const pod = staticPod(obj as Pod, nodeName);
        applyDefaults(pod);
        const key = `${namespace}/${pod.metadata.name ?? ''}`;
        const first = seen.get(key);
        if (first !== undefined) return problem(`${where}: duplicate of the pod in ${first}; ignored`);
        seen.set(key, file);
        set.pods.push(pod);
      } else if (obj.kind === 'ConfigMap') {
        set.configMaps.push({ ...(obj as ConfigMap), metadata: { ...obj.metadata, namespace } });
      } else {
        set.secrets.push({ ...(obj as Secret), metadata: { ...obj.metadata, namespace } });
      }
    });
  }
  return set;
}

/** The static pod for a manifest document: uid from content + node, name with the node appended, bound to the node. */
export function staticPod(manifest: Pod, nodeName: string): Pod {
  const uid = createHash('sha256').update(`${canonicalJson(manifest)}\n${nodeName}`).digest('hex').slice(0, 32);
  const pod = JSON.parse(JSON.stringify(manifest)) as Pod;
  pod.metadata = {
    ...pod.metadata,
    name: `${pod.metadata.name ?? ''}-${nodeName}`,
    namespace: pod.metadata.namespace ?? 'default',
    uid,
    annotations: { ...pod.metadata.annotations, [CONFIG_SOURCE_ANNOTATION]: 'file', [CONFIG_HASH_ANNOTATION]: uid },
  };
  if (pod.spec && typeof pod.spec === 'object') pod.spec.nodeName = nodeName;
  return pod;
}
