// libpod system endpoints: version, info, and the events stream.

import { labelFilters, type PodmanHttp } from './http';
import type { LibpodEvent, VersionResponse } from './libpod-types';
import { ndjson } from './streams';

export interface InfoResponse {
  host: { arch: string; os: string; cgroupVersion?: string; eventLogger?: string };
  version: { APIVersion: string; Version: string };
}

export interface EventFilter {
  /** e.g. ["container", "pod"]. */
  types?: string[];
  /** e.g. ["died", "start"]. */
  events?: string[];
  labels?: Record<string, string>;
  /** Replay from this moment (libpod takes Unix seconds). */
  since?: Date;
  signal?: AbortSignal;
}

export class SystemApi {
  constructor(private readonly http: PodmanHttp) {}

  async version(): Promise<VersionResponse> {
    return this.http.json<VersionResponse>('GET', '/version');
  }

  async info(): Promise<InfoResponse> {
    return this.http.json<InfoResponse>('GET', '/info');
  }

  async ping(): Promise<boolean> {
    try {
      await this.http.call('GET', '/_ping');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Streams events as they happen until `signal` aborts (the iterator then returns) or the
   * connection drops (it throws). Reconnecting, with `since` set to the last event seen, is the caller's job.
   */
  async *events(filter: EventFilter = {}): AsyncGenerator<LibpodEvent> {
    const extra: Record<string, string[]> = {};
    if (filter.types) extra['type'] = filter.types;
    if (filter.events) extra['event'] = filter.events;
    const since = filter.since ? (filter.since.getTime() / 1000).toFixed(3) : undefined;
    const query = { stream: true, since, filters: labelFilters(filter.labels, extra) };
    let res;
    try {
      res = await this.http.request('GET', '/events', { query, signal: filter.signal });
    } catch (err) {
      if (filter.signal?.aborted) return;
      throw err;
    }
    try {
      for await (const event of ndjson<LibpodEvent>(res)) yield event;
    } catch (err) {
      if (filter.signal?.aborted) return;
      throw err;
    } finally {
      res.destroy();
    }
  }
}
