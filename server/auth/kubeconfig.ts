// Writes and reads the kubeconfig files the server hands out (the admin one in the data dir).

import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';

export interface KubeconfigParts {
  server: string;
  caPem: string;
  token: string;
  user?: string;
}

export function renderKubeconfig(parts: KubeconfigParts): string {
  const user = parts.user ?? 'admin';
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'flotilla', cluster: { server: parts.server, 'certificate-authority-data': Buffer.from(parts.caPem).toString('base64') } }],
    users: [{ name: user, user: { token: parts.token } }],
    contexts: [{ name: 'flotilla', context: { cluster: 'flotilla', user } }],
    'current-context': 'flotilla',
  });
}

/**
 * Writes the file owner-only and atomically (temp file + rename): `mode` alone applies only when a
 * file is created, so rewriting one that had a wider mode kept the admin token readable by others.
 */
export function writeKubeconfig(path: string, parts: KubeconfigParts): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, renderKubeconfig(parts), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Reads the current context's server, CA and token. Throws naming the file when it lacks them. */
export function readKubeconfig(path: string): KubeconfigParts {
  let doc: unknown;
  try {
    doc = YAML.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read kubeconfig ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const cfg = (doc ?? {}) as {
    'current-context'?: string;
    contexts?: Array<{ name?: string; context?: { cluster?: string; user?: string } }>;
    clusters?: Array<{ name?: string; cluster?: { server?: string; 'certificate-authority-data'?: string } }>;
    users?: Array<{ name?: string; user?: { token?: string } }>;
  };
  const ctx = cfg.contexts?.find((c) => c.name === cfg['current-context'])?.context ?? cfg.contexts?.[0]?.context;
  const cluster = cfg.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = cfg.users?.find((u) => u.name === ctx?.user)?.user;
  if (!cluster?.server || !user?.token) throw new Error(`kubeconfig ${path} has no server or token in its current context`);
  const caData = cluster['certificate-authority-data'];
  return { server: cluster.server, caPem: caData ? Buffer.from(caData, 'base64').toString('utf8') : '', token: user.token, user: ctx?.user };
}
