// The operator's client commands (`flotilla token create`, …): they talk to the running server
// through a kubeconfig, never to its files (NeDB is single-process).

import { join } from 'node:path';
import { parseDurationMs } from '../shared/duration';
import { ApiClient } from './api-client';

function clientFor(opts: { dataDir: string; kubeconfig?: string }): ApiClient {
  return ApiClient.fromKubeconfig(opts.kubeconfig ?? join(opts.dataDir, 'kubeconfig.yaml'));
}

/** `flotilla token create --role admin|viewer [--ttl 24h] [--description text]`: prints the new API token alone on stdout. */
export async function tokenCreate(opts: { role?: string; ttl?: string; description?: string; dataDir: string; kubeconfig?: string }): Promise<void> {
  if (opts.role === undefined) {
    throw new Error('--role admin|viewer is required (join tokens for devices come with the MQTT node channel)');
  }
  if (opts.role !== 'admin' && opts.role !== 'viewer') throw new Error(`--role must be admin or viewer: got "${opts.role}"`);
  const spec: Record<string, string> = { role: opts.role };
  if (opts.description) spec.description = opts.description;
  if (opts.ttl) spec.expirationTimestamp = new Date(Date.now() + parseDurationMs(opts.ttl)).toISOString();
  const created = await clientFor(opts).request<{ status?: { token?: string } }>('POST', '/apis/flotilla.io/v1/apitokens', {
    apiVersion: 'flotilla.io/v1',
    kind: 'ApiToken',
    metadata: { generateName: 'token-' },
    spec,
  });
  const token = created.status?.token;
  if (!token) throw new Error('the server did not return a token');
  process.stdout.write(`${token}\n`);
}
