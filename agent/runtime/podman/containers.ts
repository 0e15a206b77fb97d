// libpod container endpoints: create, start, stop, kill, remove, inspect, list, wait, logs and exec.

import { FlotillaError } from '../../../shared/errors';
import { labelFilters, type PodmanHttp } from './http';
import type { ContainerCreateSpec, ContainerInspect, ContainerListEntry, ExecInspect, IdResponse, Labels } from './libpod-types';
import { collectTails, demux, framesToLines, type StreamName } from './streams';

const enc = encodeURIComponent;

export interface LogQuery {
  follow?: boolean;
  tail?: number;
  since?: Date;
  timestamps?: boolean;
  signal?: AbortSignal;
}

export interface ExecOptions {
  env?: Record<string, string>;
  workingDir?: string;
  user?: string;
  signal?: AbortSignal;
  /** Output kept per stream (the end of it). Default MAX_EXEC_OUTPUT_BYTES. */
  maxOutputBytes?: number;
}

/** 1 MiB of each stream: more than any answer carries, little for a Pi's memory. */
export const MAX_EXEC_OUTPUT_BYTES = 1024 * 1024;

export class ContainersApi {
  constructor(private readonly http: PodmanHttp) {}

  async create(spec: ContainerCreateSpec): Promise<string> {
    return (await this.http.json<IdResponse>('POST', '/containers/create', { body: spec })).Id;
  }

  /** Starts a created or exited container; already running is fine. */
  async start(id: string): Promise<void> {
    await this.http.call('POST', `/containers/${enc(id)}/start`, { accept: [304] });
  }

  /** Stop signal, then SIGKILL after `timeoutSeconds`. Already stopped is fine. */
  async stop(id: string, timeoutSeconds: number): Promise<void> {
    await this.http.call('POST', `/containers/${enc(id)}/stop`, { query: { timeout: timeoutSeconds }, accept: [304] });
  }

  async kill(id: string, signal = 'SIGKILL'): Promise<void> {
    await this.http.call('POST', `/containers/${enc(id)}/kill`, { query: { signal } });
  }

  async remove(id: string, options: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    await this.http.call('DELETE', `/containers/${enc(id)}`, { query: { force: options.force, v: options.volumes } });
  }

  async inspect(id: string): Promise<ContainerInspect> {
    return this.http.json<ContainerInspect>('GET', `/containers/${enc(id)}/json`);
  }

  /** All containers (running or not) carrying all of `labels`, optionally only those of one pod. */
  async list(filter: { labels?: Labels; pod?: string } = {}): Promise<ContainerListEntry[]> {
    const filters = labelFilters(filter.labels, filter.pod ? { pod: [filter.pod] } : {});
    return (await this.http.json<ContainerListEntry[] | null>('GET', '/containers/json', { query: { all: true, filters } })) ?? [];
  }

  /** Resolves with the exit code once the container is stopped or exited. */
  async wait(id: string, signal?: AbortSignal): Promise<number> {
    const code = await this.http.json<number>('POST', `/containers/${enc(id)}/wait`, { query: { condition: 'stopped' }, signal });
    return Number(code);
  }

  /** Demultiplexed log lines; ends at the end of the log, or when `signal` aborts if following. */
  async *logs(id: string, query: LogQuery = {}): AsyncGenerator<{ stream: StreamName; line: string }> {
    const since = query.since ? (query.since.getTime() / 1000).toFixed(3) : undefined;
    const params = { stdout: true, stderr: true, follow: query.follow, tail: query.tail, since, timestamps: query.timestamps };
    let res;
    try {
      res = await this.http.request('GET', `/containers/${enc(id)}/logs`, { query: params, signal: query.signal });
    } catch (err) {
      if (query.signal?.aborted) return;
      throw err;
    }
    try {
      yield* framesToLines(demux(res));
    } catch (err) {
      if (!query.signal?.aborted) throw err;
    } finally {
      res.destroy();
    }
  }

  /** Runs `cmd` in the running container and collects stdout, stderr (the last `maxOutputBytes` of each) and the exit code. */
  async exec(id: string, cmd: string[], options: ExecOptions = {}): Promise<{ exitCode: number; stdout: Buffer; stderr: Buffer }> {
    const env = options.env ? Object.entries(options.env).map(([k, v]) => `${k}=${v}`) : undefined;
    const body = { AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false, Cmd: cmd, Env: env, WorkingDir: options.workingDir, User: options.user };
    const created = await this.http.json<IdResponse>('POST', `/containers/${enc(id)}/exec`, { body });
    const res = await this.http.request('POST', `/exec/${enc(created.Id)}/start`, { body: { Detach: false, Tty: false }, signal: options.signal });
    const { stdout, stderr } = await collectTails(demux(res), options.maxOutputBytes ?? MAX_EXEC_OUTPUT_BYTES);
    const inspect = await this.execInspect(created.Id);
    return { exitCode: inspect.ExitCode, stdout, stderr };
  }

  /** The exec session's state; right after its stream ends Podman may still be recording the exit code. */
  private async execInspect(execId: string): Promise<ExecInspect> {
    for (let i = 0; i < 50; i++) {
      const inspect = await this.http.json<ExecInspect>('GET', `/exec/${enc(execId)}/json`);
      if (!inspect.Running) return inspect;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new FlotillaError('Timeout', `podman exec ${execId}: still running after its output ended`);
  }
}

