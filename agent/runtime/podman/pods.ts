// libpod pod endpoints: create, start, stop, kill, remove, inspect, list.

import { labelFilters, type PodmanHttp } from './http';
import type { IdResponse, Labels, PodInspect, PodListEntry, PodSpec } from './libpod-types';

const enc = encodeURIComponent;

export class PodsApi {
  constructor(private readonly http: PodmanHttp) {}

  /** Creates the pod and its infra container (not started). Returns the pod ID. */
  async create(spec: PodSpec): Promise<string> {
    const res = await this.http.json<IdResponse>('POST', '/pods/create', { body: spec });
    return res.Id;
  }

  /** Starts the infra container and every container already in the pod. Already running is fine. */
  async start(id: string): Promise<void> {
    await this.http.call('POST', `/pods/${enc(id)}/start`, { accept: [304] });
  }

  /** Stops all containers of the pod, SIGKILLing those still running after `timeoutSeconds`. */
  async stop(id: string, timeoutSeconds?: number): Promise<void> {
    await this.http.call('POST', `/pods/${enc(id)}/stop`, { query: { t: timeoutSeconds }, accept: [304] });
  }

  async kill(id: string, signal = 'SIGKILL'): Promise<void> {
    await this.http.call('POST', `/pods/${enc(id)}/kill`, { query: { signal }, accept: [409] });
  }

  /** Removes the pod and its containers; `force` kills running ones first. */
  async remove(id: string, options: { force?: boolean } = {}): Promise<void> {
    await this.http.call('DELETE', `/pods/${enc(id)}`, { query: { force: options.force } });
  }

  async inspect(id: string): Promise<PodInspect> {
    return this.http.json<PodInspect>('GET', `/pods/${enc(id)}/json`);
  }

  async exists(id: string): Promise<boolean> {
    const status = await this.http.call('GET', `/pods/${enc(id)}/exists`, { accept: [404] });
    return status === 204;
  }

  /** Pods carrying all of `labels` (key=value). */
  async list(filter: { labels?: Labels } = {}): Promise<PodListEntry[]> {
    return (await this.http.json<PodListEntry[] | null>('GET', '/pods/json', { query: { filters: labelFilters(filter.labels) } })) ?? [];
  }
}
