// The Kubernetes API from an end-to-end test without spawning kubectl for every read: JSON requests
// with the kubeconfig's CA and token, and a `?watch=true` stream that hands over every event in order.

import { request } from 'node:https';
import type { KubeObject } from '../../shared/api/types';
import { ApiClient } from '../../bin/api-client';
import { readKubeconfig } from '../../server/auth/kubeconfig';

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface Watch {
  /** Set when the stream ended or failed before stop(): events may be missing from then on. */
  readonly broken: () => string | undefined;
  stop(): void;
}

export async function listObjects<T extends KubeObject>(kubeconfig: string, path: string): Promise<{ items: T[]; resourceVersion: string }> {
  const list = await ApiClient.fromKubeconfig(kubeconfig).request<{ items: T[]; metadata: { resourceVersion: string } }>('GET', path);
  return { items: list.items, resourceVersion: list.metadata.resourceVersion };
}

/** Follows `path` (a list URL, query allowed) from `resourceVersion`; `onEvent` sees every event in order. */
export function watchObjects<T>(kubeconfig: string, path: string, resourceVersion: string, onEvent: (e: WatchEvent<T>) => void): Watch {
  const kc = readKubeconfig(kubeconfig);
  const url = new URL(path, kc.server);
  url.searchParams.set('watch', 'true');
  url.searchParams.set('resourceVersion', resourceVersion);
  let broken: string | undefined;
  let stopped = false;
  const req = request(url, { headers: { Authorization: `Bearer ${kc.token}`, Accept: 'application/json' }, ca: kc.caPem }, (res) => {
    if (res.statusCode !== 200) broken = `watch ${path}: HTTP ${res.statusCode}`;
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const event = JSON.parse(line) as WatchEvent<T>;
        if (event.type === 'ERROR') broken = `watch ${path}: ${JSON.stringify(event.object)}`;
        else onEvent(event);
      }
    });
    res.on('end', () => {
      if (!stopped) broken ??= `watch ${path} ended`;
    });
  });
  req.on('error', (err) => {
    if (!stopped) broken ??= `watch ${path}: ${err.message}`;
  });
  req.end();
  return {
    broken: () => broken,
    stop() {
      stopped = true;
      req.destroy();
    },
  };
}
