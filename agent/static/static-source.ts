// The static pod source (`flotilla agent --manifests DIR`): reads the manifest dir at start, follows it
// with fs.watch (debounced) plus a periodic rescan as a fallback, and hands the kubelet the whole state
// as source "static" whenever it changed — the same path the server's desired state takes.

import * as fs from 'node:fs';
import type { Clock, TimerHandle } from '../../shared/clock';
import { errField, type Log } from '../log';
import type { KubeletApi } from '../kubelet/api';
import { canonicalJson } from '../kubelet/labels';
import { readManifests } from './manifests';

export interface StaticSourceOptions {
  dir: string;
  nodeName: string;
  kubelet: Pick<KubeletApi, 'setDesiredState' | 'desiredVersion'>;
  clock: Clock;
  log: Log;
  /** Fallback rescan period; default 20 s (the kubelet's file check frequency). */
  rescanMs?: number;
  /** Quiet time after a change before reading; default 100 ms. */
  debounceMs?: number;
}

export class StaticSource {
  private watcher: fs.FSWatcher | undefined;
  private timer: TimerHandle | undefined;
  private debounce: TimerHandle | undefined;
  private scanning: Promise<void> = Promise.resolve();
  private applied: string | undefined;
  private reported = new Set<string>();
  private stopped = false;

  constructor(private readonly options: StaticSourceOptions) {}

  /** Reads the dir once (resolves after the kubelet has the state), then follows it. */
  async start(): Promise<void> {
    await this.scan();
    try {
      this.watcher = fs.watch(this.options.dir, { persistent: false }, () => this.changed());
      this.watcher.on('error', (err) => this.options.log.warn({ dir: this.options.dir, ...errField(err) }, 'watching the manifest dir failed; rescanning periodically'));
    } catch (err) {
      this.options.log.warn({ dir: this.options.dir, ...errField(err) }, 'cannot watch the manifest dir; rescanning periodically');
    }
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.close();
    this.timer?.cancel();
    this.debounce?.cancel();
  }

  /** Reads the dir and applies it if it changed. Serialised: a scan asked for during one runs once after it. */
  scan(): Promise<void> {
    this.scanning = this.scanning.then(() => this.doScan());
    return this.scanning;
  }

  private changed(): void {
    this.debounce?.cancel();
    this.debounce = this.options.clock.setTimeout(() => void this.scan(), this.options.debounceMs ?? 100);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      void this.scan().finally(() => this.schedule());
    }, this.options.rescanMs ?? 20_000);
  }

  private async doScan(): Promise<void> {
    if (this.stopped) return;
    const { dir, nodeName, kubelet, log } = this.options;
    let set;
    try {
      set = await readManifests(dir, nodeName);
    } catch (err) {
      // An unreadable dir (unmounted?) must not remove every static pod: keep running what runs.
      log.error({ dir, ...errField(err) }, 'cannot read the manifest dir; keeping the static pods as they are');
      return;
    }
    const now = new Set(set.problems.map((p) => `${p.file}#${p.document}: ${p.message}`));
    for (const p of set.problems) {
      if (!this.reported.has(`${p.file}#${p.document}: ${p.message}`)) log.error({ dir, file: p.file, document: p.document }, `bad manifest: ${p.message}`);
    }
    this.reported = now;
    const content = { pods: set.pods, configMaps: set.configMaps, secrets: set.secrets };
    const fingerprint = canonicalJson(content);
    if (fingerprint === this.applied) return;
    try {
      await kubelet.setDesiredState('static', { version: kubelet.desiredVersion('static') + 1, ...content });
      this.applied = fingerprint;
      log.info({ dir, pods: set.pods.map((p) => p.metadata.name) }, 'static pods read');
    } catch (err) {
      log.error({ dir, ...errField(err) }, 'could not persist the static desired state; will retry');
    }
  }
}
