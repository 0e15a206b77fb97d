// The desired state of each pod source, persisted in the data dir before the kubelet acts on it (atomic,
// fsynced; secrets inside, so owner-only) and loaded at start so that pods run with no source connected.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ConfigMap, Pod, Secret } from '../../shared/api/core';
import { FlotillaError } from '../../shared/errors';
import type { DesiredState, SourceName } from './api';
import { removeStaleTemps, writeFileAtomic } from './atomic-file';
import type { ConfigLookup } from './config-lookup';
import { canonicalJson } from './labels';

export const SOURCES: readonly SourceName[] = ['server', 'static'];

interface Indexed {
  state: DesiredState;
  /** Changes whenever a ConfigMap or Secret of the source does. */
  configFingerprint: string;
  configMaps: Map<string, ConfigMap>;
  secrets: Map<string, Secret>;
}

const key = (ns: string | undefined, name: string | undefined): string => `${ns ?? 'default'}/${name ?? ''}`;

export class DesiredStore {
  private readonly states = new Map<SourceName, Indexed>();
  /** Sources whose persisted state could not be read: what they want is unknown until they send a state. */
  private readonly unknown = new Set<SourceName>();
  private queue: Promise<unknown> = Promise.resolve();

  /** `dir`: <data dir>/desired. */
  constructor(private readonly dir: string) {}

  /**
   * Loads what was persisted. A source whose file is unreadable (torn, damaged, not a desired state) starts
   * empty and *unknown* (reported through `onError`) until it sends a state: see `known`.
   */
  async load(onError: (source: SourceName, err: unknown) => void = () => undefined): Promise<void> {
    for (const source of SOURCES) {
      await removeStaleTemps(this.file(source));
      let text: string;
      try {
        text = await fs.readFile(this.file(source), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.unknown.add(source);
          onError(source, err);
        }
        continue;
      }
      try {
        this.set(source, checkedState(JSON.parse(text), this.file(source)));
      } catch (err) {
        this.unknown.add(source);
        onError(source, err);
      }
    }
  }

  /**
   * false while the source's persisted state could not be read and it has sent none since: its pods in the
   * runtime must be left alone (kubelet's "sources ready"), not collected as unwanted.
   */
  known(source: SourceName): boolean {
    return !this.unknown.has(source);
  }

  version(source: SourceName): number {
    return this.states.get(source)?.state.version ?? 0;
  }

  /**
   * Persists and adopts `state` unless it is not newer than the current one of `source` (then false).
   * Calls are serialised, so versions are checked and written in order.
   */
  replace(source: SourceName, state: DesiredState): Promise<boolean> {
    const run = this.queue.then(async () => {
      if (state.version <= this.version(source)) return false;
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file(source), JSON.stringify(state), { mode: 0o600 });
      this.set(source, state);
      this.unknown.delete(source);
      return true;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Every desired pod by uid with its source; a uid in both sources counts as the server's. */
  pods(): Map<string, { pod: Pod; source: SourceName }> {
    const out = new Map<string, { pod: Pod; source: SourceName }>();
    for (const source of SOURCES) {
      for (const pod of this.states.get(source)?.state.pods ?? []) {
        const uid = pod.metadata.uid;
        if (uid && !out.has(uid)) out.set(uid, { pod, source });
      }
    }
    return out;
  }

  configFingerprint(source: SourceName): string {
    return this.states.get(source)?.configFingerprint ?? '';
  }

  lookup(source: SourceName): ConfigLookup {
    return {
      configMap: (ns, name) => this.states.get(source)?.configMaps.get(key(ns, name)),
      secret: (ns, name) => this.states.get(source)?.secrets.get(key(ns, name)),
    };
  }

  private set(source: SourceName, state: DesiredState): void {
    this.states.set(source, {
      state,
      configFingerprint: createHash('sha256').update(canonicalJson([state.configMaps, state.secrets])).digest('hex'),
      configMaps: new Map(state.configMaps.map((c) => [key(c.metadata.namespace, c.metadata.name), c])),
      secrets: new Map(state.secrets.map((s) => [key(s.metadata.namespace, s.metadata.name), s])),
    });
  }

  private file(source: SourceName): string {
    return path.join(this.dir, `${source}.json`);
  }
}

/** The persisted file's content as a DesiredState, or a FlotillaError naming what is wrong with it. */
function checkedState(value: unknown, file: string): DesiredState {
  const v = value as Partial<Record<keyof DesiredState, unknown>> | null;
  const list = (x: unknown): boolean => Array.isArray(x) && x.every((o) => typeof o === 'object' && o !== null && typeof (o as { metadata?: unknown }).metadata === 'object');
  if (typeof v !== 'object' || v === null || typeof v.version !== 'number' || !list(v.pods) || !list(v.configMaps) || !list(v.secrets)) {
    throw new FlotillaError('Invalid', `${file} is not a desired state ({version, pods, configMaps, secrets})`);
  }
  return v as DesiredState;
}
