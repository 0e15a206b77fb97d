// Client commands of the node channel: `flotilla token create` without --role (join tokens) and
// `flotilla exec`. They talk to the running server through a kubeconfig.

import { join } from 'node:path';
import { parseDurationMs } from '../shared/duration';
import { ApiClient } from './api-client';

function clientFor(opts: { dataDir: string; kubeconfig?: string }): ApiClient {
  return ApiClient.fromKubeconfig(opts.kubeconfig ?? join(opts.dataDir, 'kubeconfig.yaml'));
}

/** Parses "k=v,k2=v2" into labels; throws naming the bad pair. */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new Error(`--labels must be k=v pairs separated by commas: got "${pair}"`);
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

/** `flotilla token create [--ttl 24h] [--usages N] [--labels k=v,…] [--description text]`: prints the join token alone on stdout. */
export async function joinTokenCreate(opts: { ttl?: string; usages?: string; labels?: string; description?: string; dataDir: string; kubeconfig?: string }): Promise<void> {
  const spec: Record<string, unknown> = {};
  if (opts.ttl) spec.expirationTimestamp = new Date(Date.now() + parseDurationMs(opts.ttl)).toISOString();
  if (opts.usages !== undefined) {
    const n = Number(opts.usages);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--usages must be a whole number ≥ 1: got "${opts.usages}"`);
    spec.usages = n;
  }
  if (opts.labels) spec.labels = parseLabels(opts.labels);
  if (opts.description) spec.description = opts.description;
  const created = await clientFor(opts).request<{ status?: { token?: string } }>('POST', '/apis/flotilla.io/v1/jointokens', {
    apiVersion: 'flotilla.io/v1',
    kind: 'JoinToken',
    metadata: { generateName: 'join-' },
    spec,
  });
  const token = created.status?.token;
  if (!token) throw new Error('the server did not return a join token');
  process.stdout.write(`${token}\n`);
}

/** `flotilla exec POD [-n NS] [-c CONTAINER] -- CMD…`: runs the command on the pod's device; exits with its code. */
export async function execCommand(pod: string, command: string[], opts: { namespace: string; container?: string; dataDir: string; kubeconfig?: string }): Promise<number> {
  if (command.length === 0) throw new Error('a command is required after --');
  const result = await clientFor(opts).request<{ exitCode: number; stdout: string; stderr: string }>(
    'POST',
    `/flotilla/v1/namespaces/${encodeURIComponent(opts.namespace)}/pods/${encodeURIComponent(pod)}/exec`,
    { command, ...(opts.container ? { container: opts.container } : {}) },
  );
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode;
}
