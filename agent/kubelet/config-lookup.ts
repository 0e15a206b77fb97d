// How the kubelet reads the ConfigMaps and Secrets a pod references: from the desired state of the pod's source.

import type { ConfigMap, Secret } from '../../shared/api/core';

/** undefined = not in the desired state (the pod then fails with CreateContainerConfigError unless the ref is optional). */
export interface ConfigLookup {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
}

/** A Secret's values as bytes: base64 `data`, overridden by plain `stringData` (which a server folds into data). */
export function secretData(secret: Secret): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
  for (const [k, v] of Object.entries(secret.stringData ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  return out;
}

/** A ConfigMap's values as bytes: `data` as UTF-8, `binaryData` from base64. */
export function configMapData(configMap: ConfigMap): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(configMap.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(configMap.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}
